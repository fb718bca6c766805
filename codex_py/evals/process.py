"""Running one command of an eval (the agent, or a task's check) in its own process group,
with a time limit and a stop signal from the scheduler.

On timeout or stop the group gets SIGINT (``codex exec`` then cancels the run, stops its tool
commands and writes its ``session_end`` event), then SIGKILL once the leader has exited or after
a grace period. Whatever a command leaves in its group (a background job holding the output
open, a daemon) is killed when it ends. Output is kept whole: ``communicate`` is polled, never
restarted.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

POLL_SECONDS = 0.05
GRACE_SECONDS = 3.0


@dataclass(frozen=True)
class Finished:
    """How a command ended. ``exit_code`` is 128 + N when signal N ended it."""

    exit_code: int
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    stopped: bool = False


def run_in_group(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float,
    stop: threading.Event,
    stdin_text: str | None = None,
    merge_output: bool = False,
) -> Finished:
    """Run ``argv`` to completion, until ``timeout`` seconds, or until ``stop`` is set.
    ``merge_output`` sends stderr into stdout, in order (``Finished.stderr`` is then empty)."""
    started = time.monotonic()
    try:
        popen = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL if stdin_text is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge_output else subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
    except OSError as error:
        return Finished(127, "", f"cannot run {argv[0]}: {error}", time.monotonic() - started)
    pending_input = stdin_text
    deadline = started + timeout
    try:
        while True:
            try:
                stdout, stderr = popen.communicate(pending_input, timeout=POLL_SECONDS)
                seconds = time.monotonic() - started
                return Finished(_exit_code(popen), stdout, stderr or "", seconds)
            except subprocess.TimeoutExpired:
                pending_input = None  # written once; later calls only read
            timed_out = time.monotonic() >= deadline
            if popen.poll() is not None or timed_out or stop.is_set():
                break
        # Exited while something it started holds the output open, or out of time, or stopped.
        exited = popen.returncode is not None
        stdout, stderr = _stop_group(popen, signal.SIGKILL if exited else signal.SIGINT)
        return Finished(
            _exit_code(popen),
            stdout,
            stderr or "",
            time.monotonic() - started,
            timed_out=timed_out and not exited,
            stopped=not timed_out and not exited,
        )
    finally:
        _signal_group(popen.pid, signal.SIGKILL)  # whatever the command left behind


def _stop_group(popen: subprocess.Popen[str], first: signal.Signals) -> tuple[str, str]:
    """Send ``first`` to the group, SIGKILL once the leader is gone or the grace period ends,
    and return the rest of the output."""
    _signal_group(popen.pid, first)
    grace_ends = time.monotonic() + GRACE_SECONDS
    while True:
        try:
            return popen.communicate(timeout=POLL_SECONDS)
        except subprocess.TimeoutExpired:
            if popen.poll() is not None or time.monotonic() >= grace_ends:
                break
    _signal_group(popen.pid, signal.SIGKILL)
    return popen.communicate()


def _signal_group(pgid: int, signum: signal.Signals) -> None:
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _exit_code(popen: subprocess.Popen[str]) -> int:
    code = popen.returncode
    return 128 - code if code < 0 else code
