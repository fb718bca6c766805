"""Benchmark apply_patch: files of 10k, 20k, 40k and 80k lines, each patched by 200 chunks.

Prints, per size, the median time of a full ``apply_patch`` on disk (parse, match, diff, atomic
write with fsync), of the pure engine alone (parse + ``apply_to_text``), and of an I/O floor
measured in the same run (read the file, write it back atomically with fsync); then the ratio
of each apply time to the previous size's. Targets (issue 3): under 50 ms at 10k lines, and at
most doubling per doubling of the file.

Run: ``PYTHONPATH=. python benchmarks/bench_apply_patch.py [--runs N]``
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from codex_py.tools.apply_patch import UpdateFile, apply_patch, apply_to_text, parse_patch
from codex_py.tools.apply_patch.workspace import FileOps

SIZES = (10_000, 20_000, 40_000, 80_000)
CHUNKS = 200
FUNCTION_LINES = 10
TARGET_MS_AT_10K = 50.0


def source_lines(count: int) -> list[str]:
    """Python-like code: functions of 10 lines, with the blank and ``return`` lines repeating."""
    lines = []
    for number in range(count):
        function, offset = divmod(number, FUNCTION_LINES)
        if offset == 0:
            lines.append(f"def function_{function}(items, scale={function % 7}):")
        elif offset == FUNCTION_LINES - 2:
            lines.append("    return result")
        elif offset == FUNCTION_LINES - 1:
            lines.append("")
        else:
            lines.append(f"    result = transform(items[{offset}], scale) + {number * 31 % 997}")
    return lines


def make_patch(lines: list[str]) -> str:
    """200 chunks spread evenly, each changing one line with 3 lines of context either side and
    an ``@@`` header naming the enclosing function, as a model writes them."""
    body = ["*** Begin Patch", "*** Update File: module.py"]
    step = len(lines) // CHUNKS
    for chunk in range(CHUNKS):
        target = chunk * step + FUNCTION_LINES // 2
        header = lines[target - target % FUNCTION_LINES]
        body.append(f"@@ {header}")
        body.extend(" " + line for line in lines[target - 3 : target])
        body.append("-" + lines[target])
        body.append("+" + lines[target].replace("transform", "transform_fast"))
        body.extend(" " + line for line in lines[target + 1 : target + 4])
    body.append("*** End Patch")
    return "\n".join(body)


class Case:
    """One file size: its file on disk, its patch, and the three timed actions."""

    def __init__(self, size: int, directory: Path) -> None:
        self.size = size
        self.root = directory / str(size)
        self.root.mkdir()
        lines = source_lines(size)
        self.original = ("\n".join(lines) + "\n").encode()
        self.patch = make_patch(lines)
        self.path = self.root / "module.py"

    def reset(self) -> None:
        self.path.write_bytes(self.original)

    def apply(self) -> None:
        apply_patch(self.patch, self.root)

    def engine(self) -> None:
        (hunk,) = parse_patch(self.patch).hunks
        assert isinstance(hunk, UpdateFile)
        apply_to_text(self.original.decode(), hunk.chunks, "module.py")

    def io_floor(self) -> None:
        ops = FileOps()
        data = self.path.read_bytes().decode().encode()
        ops.replace(ops.write_temp(self.path, data, 0o644), self.path)


def timed_ms(case: Case, action: Callable[[], None]) -> float:
    case.reset()
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def measure(cases: list[Case], runs: int) -> dict[tuple[int, str], float]:
    """Median times per (size, action). Sizes are interleaved round by round, so a slow spell
    of the disk or the machine weighs on every size alike; the first round is a warm-up."""
    timings: dict[tuple[int, str], list[float]] = {}
    for round_number in range(runs + 1):
        for case in cases:
            for name in ("apply", "engine", "io_floor"):
                elapsed = timed_ms(case, getattr(case, name))
                if round_number:
                    timings.setdefault((case.size, name), []).append(elapsed)
    for case in cases:
        case.apply()
        assert case.path.read_bytes().count(b"transform_fast") == CHUNKS
    return {key: statistics.median(values) for key, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per measurement (median)")
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as top:
        medians = measure([Case(size, Path(top)) for size in SIZES], runs)
    print(f"apply_patch benchmark: {CHUNKS} chunks per file, median of {runs} runs")
    print(f"{'lines':>7} {'apply ms':>9} {'engine ms':>10} {'io floor ms':>12} {'ratio':>6}")
    results: list[float] = []
    for size in SIZES:
        apply_ms = medians[size, "apply"]
        ratio = f"{apply_ms / results[-1]:.2f}" if results else "-"
        results.append(apply_ms)
        engine_ms, floor_ms = medians[size, "engine"], medians[size, "io_floor"]
        print(f"{size:>7} {apply_ms:>9.1f} {engine_ms:>10.1f} {floor_ms:>12.1f} {ratio:>6}")
    under_target = results[0] < TARGET_MS_AT_10K
    at_most_doubling = all(later <= 2 * earlier for earlier, later in itertools.pairwise(results))
    print(f"10k lines under {TARGET_MS_AT_10K:.0f} ms: {'yes' if under_target else 'NO'}")
    print(f"time at most doubles per doubling: {'yes' if at_most_doubling else 'NO'}")


if __name__ == "__main__":
    main()
