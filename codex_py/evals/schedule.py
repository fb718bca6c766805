"""Running many eval runs at once on a thread pool (each run is its own process group), and
stopping cleanly on Ctrl-C with the finished runs kept."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from typing import Any

from codex_py.evals.plan import RunSpec

Record = dict[str, Any]
RunOne = Callable[[RunSpec, threading.Event], Record | None]


def run_all(
    specs: Sequence[RunSpec], jobs: int, on_record: Callable[[Record], None], run: RunOne
) -> bool:
    """Run every spec, ``jobs`` at a time, handing each finished record to ``on_record`` (in
    this thread, in the order they finish). Returns ``True`` when Ctrl-C interrupted the eval:
    the runs still going are stopped and dropped, and those that finished meanwhile are kept."""
    stop = threading.Event()
    pool = ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="codex-eval")
    futures = [pool.submit(run, spec, stop) for spec in specs]
    handed: set[Future[Record | None]] = set()

    def hand_over(future: Future[Record | None]) -> None:
        handed.add(future)
        record = future.result()
        if record is not None:
            on_record(record)

    try:
        for future in as_completed(futures):
            hand_over(future)
        return False
    except KeyboardInterrupt:
        stop.set()
        with _sigint_ignored():
            pool.shutdown(wait=True, cancel_futures=True)
            for future in futures:
                if future not in handed and future.done() and not future.cancelled():
                    hand_over(future)
        return True
    finally:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """A second Ctrl-C while the runs are being stopped must not lose the results."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
