"""Shell tool benchmark: per-command overhead and memory while a command prints 1 GB.

    python benchmarks/bench_shell.py [--runs N]

Overhead: the tool running ``true``, next to a bare ``subprocess.run(["true"])`` measured in the
same run (and, for the sandbox, next to a bare ``bwrap ... true``). Memory: the peak RSS growth
of a fresh agent process (``--memory-probe``) while a command prints 1 GB through the tool.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from codex_py.config.settings import EnvironmentPolicy, SandboxSettings, ShellSettings
from codex_py.errors import SandboxError
from codex_py.tools.sandbox import check_sandbox, sandbox_argv
from codex_py.tools.shell import ShellArgs, run_shell

SETTINGS = ShellSettings(default_timeout_ms=10_000, max_timeout_ms=600_000, max_output_bytes=10_240)
ENV_POLICY = EnvironmentPolicy(inherit="all", ignore_default_excludes=False, exclude=(), set={})
SANDBOX = SandboxSettings(mode="bwrap", network=False, writable_roots=())
ONE_GB_COMMAND = ["sh", "-c", "head -c 1000000000 /dev/zero | tr '\\0' a"]


def time_pair(
    bare: Callable[[], object], workspace: Path, runs: int, sandbox: SandboxSettings | None
) -> tuple[list[float], list[float]]:
    """Per-call times of ``bare()`` and of the tool running ``true``, interleaved call by call
    so that both see the same machine load."""
    args = ShellArgs(command=["true"], workdir=workspace, timeout_ms=10_000)

    async def measure() -> tuple[list[float], list[float]]:
        bare_samples, tool_samples = [], []
        for index in range(runs + 1):
            started = time.perf_counter()
            bare()
            middle = time.perf_counter()
            result = await run_shell(
                args, settings=SETTINGS, env_policy=ENV_POLICY, workspace=workspace, sandbox=sandbox
            )
            ended = time.perf_counter()
            assert result.exit_code == 0, result.output
            if index:  # the first round is a warm-up
                bare_samples.append(middle - started)
                tool_samples.append(ended - middle)
        return bare_samples, tool_samples

    return asyncio.run(measure())


def row(label: str, samples: list[float], baseline: list[float] | None = None) -> str:
    median = statistics.median(samples) * 1000
    mean = statistics.fmean(samples) * 1000
    extra = ""
    if baseline is not None:
        overhead = median - statistics.median(baseline) * 1000
        extra = f"  (+{overhead:.2f} ms over its baseline)"
    return f"  {label:<38} median {median:7.2f} ms   mean {mean:7.2f} ms{extra}"


def overhead_report(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Path(tmp)
        bare, tool = time_pair(lambda: subprocess.run(["true"], check=True), workspace, runs, None)
        print(f"Per-command overhead ({runs} runs of `true`, interleaved with the baseline):")
        print(row("subprocess.run(['true'])", bare))
        print(row("shell tool, no sandbox", tool, bare))
        try:
            check_sandbox(SANDBOX)
        except SandboxError as exc:
            print(f"  sandbox: not measured ({exc})")
            return
        with tempfile.TemporaryDirectory() as scratch:
            wrapped = sandbox_argv(
                ["true"], workspace=workspace, settings=SANDBOX, tmp_dir=Path(scratch)
            )
            bare, tool = time_pair(
                lambda: subprocess.run(wrapped, check=True), workspace, runs, SANDBOX
            )
        print(row("subprocess.run(bwrap ... true)", bare))
        print(row("shell tool, sandboxed", tool, bare))


def memory_probe(stream: bool) -> None:
    """Run in a fresh process: print the peak RSS growth while a command prints 1 GB."""
    status, clear_refs = Path("/proc/self/status"), Path("/proc/self/clear_refs")

    def peak_kib() -> int:
        line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM"))
        return int(line.split()[1])

    received = 0

    def on_output(text: str) -> None:
        nonlocal received
        received += len(text)

    with tempfile.TemporaryDirectory() as tmp:
        args = ShellArgs(command=ONE_GB_COMMAND, workdir=Path(tmp), timeout_ms=600_000)
        warm = ShellArgs(command=["true"], workdir=Path(tmp), timeout_ms=10_000)

        async def go() -> tuple[int, float, int]:
            await run_shell(warm, settings=SETTINGS, env_policy=ENV_POLICY, workspace=Path(tmp))
            clear_refs.write_text("5")
            before = peak_kib()
            started = time.perf_counter()
            result = await run_shell(
                args,
                settings=SETTINGS,
                env_policy=ENV_POLICY,
                workspace=Path(tmp),
                on_output=on_output if stream else None,
            )
            assert result.metadata["total_bytes"] == 1_000_000_000, result.metadata
            return peak_kib() - before, time.perf_counter() - started, before

        growth, seconds, before = asyncio.run(go())
    print(json.dumps({"growth_kib": growth, "seconds": seconds, "baseline_kib": before}))


def memory_report() -> None:
    started = time.perf_counter()
    subprocess.run(["sh", "-c", f"{ONE_GB_COMMAND[2]} > /dev/null"], check=True)
    to_devnull = time.perf_counter() - started
    print("Printing 1 GB (head -c 1000000000 /dev/zero | tr '\\0' a):")
    print(f"  {'same command into /dev/null':<38} {to_devnull:6.2f} s")
    for stream in (False, True):
        probe = [sys.executable, __file__, "--memory-probe"] + (["--stream"] if stream else [])
        figures = json.loads(subprocess.run(probe, capture_output=True, check=True).stdout)
        label = "through the tool" + (" + on_output callback" if stream else "")
        print(
            f"  {label:<38} {figures['seconds']:6.2f} s   agent peak RSS "
            f"+{figures['growth_kib']} KiB (from {figures['baseline_kib'] / 1024:.1f} MB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--memory-probe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--stream", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.memory_probe:
        memory_probe(options.stream)
        return
    overhead_report(options.runs)
    memory_report()


if __name__ == "__main__":
    main()
