"""Start-up time of `codex --help` and `codex --version`, beside `python -c pass`.

    python benchmarks/bench_startup.py [--runs 20]

Runs the installed `codex` entry point's code through the same interpreter, so the comparison
with a bare interpreter start is fair.
"""

from __future__ import annotations

import argparse
import sys

from _timing import median_command_seconds, ms

CODEX = [sys.executable, "-c", "from codex_py.cli import main; main()"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    base = median_command_seconds([sys.executable, "-c", "pass"], runs)
    print(f"python -c pass        {ms(base)}")
    for args in (["--version"], ["--help"]):
        took = median_command_seconds([*CODEX, *args], runs)
        print(f"codex {args[0]:<15} {ms(took)}   (+{(took - base) * 1000:.1f} ms over python)")


if __name__ == "__main__":
    main()
