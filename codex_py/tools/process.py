"""Running a child process in its own process group, and stopping that group.

The argv runs in a new session, so that the command and everything it starts share one process
group, with stdin closed and stdout and stderr joined into one pipe so their order is kept.

Cleanup: on timeout (or cancellation) the whole process group is stopped: SIGTERM, then SIGKILL
if anything in it is still running 2 s later. When the command itself exits but processes it put
in the background keep the output pipe open, they are stopped the same way (otherwise the call
would hang until its timeout); background processes that redirected their output elsewhere
(``server > log 2>&1 &``) are left running.
"""

from __future__ import annotations

import asyncio
import codecs
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from codex_py.tools.output import OutputCapture

_READ_CHUNK = 64 * 1024
_TERMINATE_GRACE_SECONDS = 2.0
_KILL_WAIT_SECONDS = 1.0
_DRAIN_GRACE_SECONDS = 0.5
_POLL_SECONDS = 0.02


@dataclass(frozen=True)
class Outcome:
    """How a process ended. ``exit_code`` is 128 + N when signal N killed it."""

    exit_code: int
    timed_out: bool
    stopped_leftovers: bool


async def run_process(
    argv: list[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout_seconds: float,
    capture: OutputCapture,
    on_output: Callable[[str], None] | None,
) -> Outcome:
    """Run ``argv`` in a new process group, feeding its output to ``capture``; see the module
    docstring for the cleanup rules. Raises ``OSError`` when the program cannot start.
    """
    popen = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=cwd,
        env=env,
        start_new_session=True,
    )
    child = _Child(popen, capture, on_output)
    try:
        return await _supervise(child, timeout_seconds)
    except BaseException:  # cancelled, or on_output failed: leave nothing running
        _signal_group(popen.pid, signal.SIGKILL)
        await _group_gone(popen.pid, _KILL_WAIT_SECONDS)
        raise
    finally:
        child.close()


async def _supervise(child: _Child, timeout_seconds: float) -> Outcome:
    deadline = time.monotonic() + timeout_seconds
    await _first_of(child.output_done, child.exited, seconds=timeout_seconds)
    child.raise_output_error()
    if child.output_done.done() and not child.exited.done():  # closed its output, still running
        await _first_of(child.exited, seconds=deadline - time.monotonic())
    if not child.exited.done():
        await _stop_group(child.pid)
        await _first_of(child.output_done, seconds=_DRAIN_GRACE_SECONDS)
        return Outcome(child.exit_code(), timed_out=True, stopped_leftovers=False)
    stopped_leftovers = False
    if not await _first_of(child.output_done, seconds=_DRAIN_GRACE_SECONDS):
        stopped_leftovers = True  # background processes hold the pipe open
        await _stop_group(child.pid)
        await _first_of(child.output_done, seconds=_DRAIN_GRACE_SECONDS)
    child.raise_output_error()
    return Outcome(child.exit_code(), timed_out=False, stopped_leftovers=stopped_leftovers)


class _Child:
    """A started process whose output pipe and exit are watched by the event loop.

    The exit is seen through a pidfd when the platform has one, else by polling.
    """

    def __init__(
        self,
        popen: subprocess.Popen[bytes],
        capture: OutputCapture,
        on_output: Callable[[str], None] | None,
    ) -> None:
        self._loop = asyncio.get_running_loop()
        self._popen = popen
        self.pid = popen.pid
        self._capture = capture
        self._on_output = on_output
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._output_error: Exception | None = None
        self.output_done: asyncio.Future[None] = self._loop.create_future()
        self.exited: asyncio.Future[None] = self._loop.create_future()
        assert popen.stdout is not None
        self._fd: int | None = popen.stdout.fileno()
        os.set_blocking(self._fd, False)
        self._loop.add_reader(self._fd, self._read)
        self._pidfd: int | None = None
        self._poll_handle: asyncio.TimerHandle | None = None
        try:
            self._pidfd = os.pidfd_open(popen.pid)
        except (AttributeError, OSError):
            self._poll_exit()
        else:
            self._loop.add_reader(self._pidfd, self._check_exit)

    def _read(self) -> None:
        assert self._fd is not None
        try:
            chunk = os.read(self._fd, _READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        try:
            self._capture.feed(chunk)
            if self._on_output is not None and (text := self._decoder.decode(chunk, not chunk)):
                self._on_output(text)
        except Exception as exc:  # the caller's on_output failed; stop and report it
            self._output_error = exc
            chunk = b""
        if not chunk:
            self._stop_reading()

    def _stop_reading(self) -> None:
        if self._fd is not None:
            self._loop.remove_reader(self._fd)
            self._fd = None
        if not self.output_done.done():
            self.output_done.set_result(None)

    def raise_output_error(self) -> None:
        if self._output_error is not None:
            raise self._output_error

    def _check_exit(self) -> None:
        if self._popen.poll() is not None and not self.exited.done():
            self.exited.set_result(None)
            self._stop_watching_exit()

    def _poll_exit(self) -> None:
        self._check_exit()
        if not self.exited.done():
            self._poll_handle = self._loop.call_later(_POLL_SECONDS, self._poll_exit)

    def _stop_watching_exit(self) -> None:
        if self._pidfd is not None:
            self._loop.remove_reader(self._pidfd)
            os.close(self._pidfd)
            self._pidfd = None
        if self._poll_handle is not None:
            self._poll_handle.cancel()

    def exit_code(self) -> int:
        returncode = self._popen.wait()  # already exited (or just killed) when this is called
        return 128 - returncode if returncode < 0 else returncode

    def close(self) -> None:
        """Release the pipe and the exit watch; reap the process (killed before, if need be)."""
        self._stop_reading()
        self._stop_watching_exit()
        assert self._popen.stdout is not None
        self._popen.stdout.close()
        self._popen.wait()


async def _first_of(*futures: asyncio.Future[None], seconds: float) -> bool:
    """Wait until one of ``futures`` is done or ``seconds`` pass; whether one is done."""
    if any(future.done() for future in futures):
        return True
    done, _ = await asyncio.wait(
        futures, timeout=max(seconds, 0), return_when=asyncio.FIRST_COMPLETED
    )
    return bool(done)


async def _stop_group(pgid: int) -> None:
    """SIGTERM the process group, then SIGKILL it if anything in it still runs after 2 s."""
    _signal_group(pgid, signal.SIGTERM)
    if not await _group_gone(pgid, _TERMINATE_GRACE_SECONDS):
        _signal_group(pgid, signal.SIGKILL)
        await _group_gone(pgid, _KILL_WAIT_SECONDS)


async def _group_gone(pgid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _group_running(pgid):
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(_POLL_SECONDS)
    return True


def _group_running(pgid: int) -> bool:
    """Whether a process of the group is still running. Zombies do not count: orphans that no
    init reaps stay in the group as zombies forever in some containers.
    """
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        pids = [name for name in os.listdir("/proc") if name.isdigit()]
    except OSError:  # no /proc: trust kill(0)
        return True
    return any(_runs_in_group(pid, pgid) for pid in pids)


def _runs_in_group(pid: str, pgid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat_file:
            stat = stat_file.read()
    except OSError:
        return False
    # Fields after the parenthesised command name: state, ppid, pgrp, ...
    fields = stat.rpartition(b")")[2].split()
    return len(fields) > 2 and int(fields[2]) == pgid and fields[0] not in (b"Z", b"X")


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)
