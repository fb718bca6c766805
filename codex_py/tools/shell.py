"""The ``shell`` tool: run one argv with a timeout, bounded output and a filtered environment.

The argv is executed directly (a shell runs only when the argv itself invokes one), in a new
session so that the command and everything it starts share one process group, with stdin closed
and stdout and stderr joined into one pipe so their order is kept.

Cleanup: on timeout (or cancellation) the whole process group is stopped: SIGTERM, then SIGKILL
if anything in it is still running 2 s later. When the command itself exits but processes it put
in the background keep the output pipe open, they are stopped the same way (otherwise the call
would hang until its timeout); background processes that redirected their output elsewhere
(``server > log 2>&1 &``) are left running.
"""

from __future__ import annotations

import asyncio
import codecs
import math
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codex_py.errors import ToolError
from codex_py.sandbox import (
    INSTALL_HINT,
    is_enabled,
    sandbox_argv,
    sandbox_failure_note,
    sandbox_temp_dir,
)
from codex_py.settings import EnvironmentPolicy, SandboxSettings, ShellSettings
from codex_py.tools.environment import child_environment
from codex_py.tools.output import OutputCapture
from codex_py.types import ToolResult, ToolSpec

SHELL_TOOL: ToolSpec = {
    "name": "shell",
    "description": (
        "Run a command and return its combined stdout and stderr and its exit code. The argv is "
        'executed directly; to use pipes, redirections or globs, run ["bash", "-lc", "<script>"].'
    ),
    "parameters": {
        "type": "object",
        "properties": {
            "command": {
                "type": "array",
                "items": {"type": "string"},
                "description": "The argv to execute, program first.",
            },
            "workdir": {
                "type": "string",
                "description": "Directory to run in, relative to the workspace or absolute.",
            },
            "timeout": {
                "type": "integer",
                "description": "How long the command may run, in milliseconds.",
            },
        },
        "required": ["command"],
        "additionalProperties": False,
    },
}

TIMEOUT_EXIT_CODE = 124
_READ_CHUNK = 64 * 1024
_TERMINATE_GRACE_SECONDS = 2.0
_KILL_WAIT_SECONDS = 1.0
_DRAIN_GRACE_SECONDS = 0.5
_POLL_SECONDS = 0.02
_ARGUMENT_NAMES = ("command", "workdir", "timeout")
_EXAMPLE = '["bash", "-lc", "ls -la"]'


@dataclass(frozen=True)
class ShellArgs:
    """A validated ``shell`` call: ``workdir`` is absolute and resolved."""

    command: list[str]
    workdir: Path
    timeout_ms: int


def parse_shell_args(arguments: dict[str, Any], cwd: Path, settings: ShellSettings) -> ShellArgs:
    """Validate a ``shell`` call's arguments; raises ``ToolError`` saying what to fix."""
    unknown = sorted(set(arguments) - set(_ARGUMENT_NAMES))
    if unknown:
        raise ToolError(f"unknown shell argument(s) {unknown}; the arguments are {_ARGUMENT_NAMES}")
    command = arguments.get("command")
    if not isinstance(command, list) or not all(isinstance(part, str) for part in command):
        raise ToolError(f'"command" must be an array of strings, for example {_EXAMPLE}')
    if not command or not command[0]:
        raise ToolError(f'"command" is empty; give the program and its arguments, e.g. {_EXAMPLE}')
    if any("\0" in part for part in command):
        raise ToolError('"command" contains a NUL character, which no argv can hold')
    return ShellArgs(
        command=list(command),
        workdir=_parse_workdir(arguments.get("workdir"), cwd),
        timeout_ms=_parse_timeout(arguments.get("timeout"), settings),
    )


async def run_shell(
    args: ShellArgs,
    *,
    settings: ShellSettings,
    env_policy: EnvironmentPolicy,
    workspace: Path,
    sandbox: SandboxSettings | None = None,
    on_output: Callable[[str], None] | None = None,
) -> ToolResult:
    """Run ``args.command``; every failure (cannot start, timeout, sandbox) is a ``ToolResult``.

    ``sandbox`` None or ``mode: none`` runs the command directly; otherwise it runs under
    bubblewrap. ``on_output`` receives the output as text while it arrives.
    """
    started = time.monotonic()
    env = child_environment(env_policy, os.environ)
    active = sandbox if is_enabled(sandbox) else None
    refusal = _cannot_start(args, env, sandboxed=active is not None)
    if refusal is not None:
        return _result(refusal[1], refusal[0], started, sandboxed=active is not None)
    capture = OutputCapture(settings.max_output_bytes)
    with ExitStack() as stack:
        argv = args.command
        if active is not None:
            tmp_dir = stack.enter_context(sandbox_temp_dir())
            argv = sandbox_argv(argv, workspace=workspace, settings=active, tmp_dir=tmp_dir)
        try:
            outcome = await run_process(
                argv,
                cwd=args.workdir,
                env=env,
                timeout_seconds=args.timeout_ms / 1000,
                capture=capture,
                on_output=on_output,
            )
        except OSError as exc:
            code, message = _start_error(args.command[0], exc)
            return _result(message, code, started, sandboxed=active is not None)
    notes = "\n".join(_notes(args, outcome, capture, active))
    rendered = capture.render(settings.max_output_bytes - len(notes.encode()) - 1)
    output = rendered.text
    if notes:
        output += ("\n" if output and not output.endswith("\n") else "") + notes
    return _result(
        output,
        TIMEOUT_EXIT_CODE if outcome.timed_out else outcome.exit_code,
        started,
        sandboxed=active is not None,
        capture=capture,
        timed_out=outcome.timed_out,
        truncated=rendered.truncated,
        stopped_background=outcome.stopped_leftovers,
    )


def _parse_workdir(value: Any, cwd: Path) -> Path:
    if value is None or value == "":
        return cwd.resolve()
    if not isinstance(value, str):
        raise ToolError('"workdir" must be a string path')
    workdir = (cwd / os.path.expanduser(value)).resolve()
    if not workdir.is_dir():
        raise ToolError(f'"workdir" {workdir} does not exist or is not a directory')
    return workdir


def _parse_timeout(value: Any, settings: ShellSettings) -> int:
    if value is None:
        return min(settings.default_timeout_ms, settings.max_timeout_ms)
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ToolError('"timeout" must be a number of milliseconds, e.g. 30000')
    if value <= 0:
        raise ToolError(f'"timeout" must be positive (it is {value}); it is in milliseconds')
    return math.ceil(min(value, settings.max_timeout_ms))


def _cannot_start(
    args: ShellArgs, env: Mapping[str, str], *, sandboxed: bool
) -> tuple[int, str] | None:
    """Why the command cannot start, as (exit code, message), found before spawning anything."""
    if not args.workdir.is_dir():
        return 1, f"cannot run: workdir {args.workdir} does not exist or is not a directory"
    if sandboxed and shutil.which("bwrap", path=env.get("PATH", os.defpath)) is None:
        return (
            126,
            f"cannot run in the sandbox: bubblewrap (bwrap) is not installed; {INSTALL_HINT}",
        )
    program = args.command[0]
    if "/" in program:
        path = args.workdir / program
        if not path.exists():
            return 127, f"{program}: no such file"
        if path.is_dir() or not os.access(path, os.X_OK):
            return 126, f"{program}: permission denied (not an executable file)"
    elif shutil.which(program, path=env.get("PATH", os.defpath)) is None:
        return 127, f"{program}: command not found"
    return None


def _start_error(program: str, exc: OSError) -> tuple[int, str]:
    if isinstance(exc, FileNotFoundError):
        return 127, f"{program}: command not found"
    return 126, f"{program}: cannot execute: {exc.strerror or exc}"


def _result(
    output: str,
    exit_code: int,
    started: float,
    *,
    sandboxed: bool,
    capture: OutputCapture | None = None,
    timed_out: bool = False,
    truncated: bool = False,
    stopped_background: bool = False,
) -> ToolResult:
    """The tool's result; without ``capture``, for a command that could not start."""
    return ToolResult(
        output=output,
        exit_code=exit_code,
        duration_seconds=time.monotonic() - started,
        metadata={
            "started": capture is not None,
            "timed_out": timed_out,
            "total_bytes": capture.total_bytes if capture else 0,
            "total_lines": capture.total_lines if capture else 0,
            "truncated": truncated,
            "sandboxed": sandboxed,
            "stopped_background": stopped_background,
        },
    )


def _notes(
    args: ShellArgs, outcome: Outcome, capture: OutputCapture, sandbox: SandboxSettings | None
) -> list[str]:
    """Lines appended to the output that explain how the command ended."""
    notes = []
    if outcome.timed_out:
        notes.append(
            f"[command timed out after {args.timeout_ms} ms; it and every process it started "
            "were killed]"
        )
    if outcome.stopped_leftovers:
        notes.append(
            "[the command exited but processes it started in the background kept its output "
            "open; they were stopped]"
        )
    if sandbox is not None and (outcome.exit_code != 0 or outcome.timed_out):
        note = sandbox_failure_note(capture.render().text, sandbox)
        if note:
            notes.append(note)
    return notes


# --- running the process ---------------------------------------------------------------------


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
