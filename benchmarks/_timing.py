"""Small helpers shared by the benchmark scripts."""

from __future__ import annotations

import statistics
import subprocess
import time
from collections.abc import Callable, Sequence


def median_seconds(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of ``fn`` over ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_command_seconds(argv: Sequence[str], runs: int) -> float:
    """Median wall time of running ``argv`` to completion (output discarded)."""
    return median_seconds(
        lambda: subprocess.run(
            argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        ),
        runs,
    )


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"
