"""The ``shell`` tool: run one argv with a timeout, bounded output and a filtered environment.

The argv is executed directly (a shell runs only when the argv itself invokes one), optionally
under the bubblewrap sandbox; ``process`` runs it in its own process group and stops everything
it started on timeout.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from codex_py.config.settings import EnvironmentPolicy, SandboxSettings, ShellSettings
from codex_py.tools.environment import child_environment
from codex_py.tools.output import OutputCapture
from codex_py.tools.process import Outcome, run_process
from codex_py.tools.sandbox import (
    INSTALL_HINT,
    is_enabled,
    sandbox_argv,
    sandbox_failure_note,
    sandbox_temp_dir,
)
from codex_py.types import ToolResult

TIMEOUT_EXIT_CODE = 124


@dataclass(frozen=True)
class ShellArgs:
    """A validated ``shell`` call: ``workdir`` is absolute and resolved."""

    command: list[str]
    workdir: Path
    timeout_ms: int


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
