"""``main()``: argv in, exit code out, and every way out of ``codex`` decided in one place.

- A usage error (typer's, or a typo refused by ``cli.argv``) and every ``CodexError`` is one
  line on stderr (``codex: error: ... — hint``); ``--debug`` adds the traceback.
- With ``--json``, a run that fails before it starts still ends its stdout with an ``error``
  event and a ``session_end`` (status ``failed``), as a run that fails later does.
- A closed stdout (``codex ... | head -1``) is a quiet exit: 0 for help and listings, 141 (as
  if killed by SIGPIPE) for a run, which stops.
- Shell completion requests (``_CODEX_COMPLETE`` set by the scripts of ``codex completion``)
  are answered before anything else.
"""

from __future__ import annotations

import difflib
import os
import sys
import traceback
from collections.abc import Sequence
from typing import TYPE_CHECKING

from codex_py.cli.argv import command_of, is_run, rewrite_argv, value_options, wants_json
from codex_py.errors import CodexError, UsageError, format_error

if TYPE_CHECKING:  # typer is imported only once a command is parsed (--version needs none)
    from typer._click.exceptions import ClickException
    from typer.core import TyperGroup

SIGPIPE_EXIT = 141


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``codex`` with ``argv`` (default: ``sys.argv[1:]``) and exit."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--version"]:  # answered before typer builds its commands
        from codex_py import __version__

        try:
            print(f"codex-py {__version__}", flush=True)
        except BrokenPipeError:
            silence_stdout()
        sys.exit(0)
    sys.exit(run(args))


def run(args: list[str]) -> int:
    """The exit code of ``codex ARGS``."""
    import typer

    from codex_py.cli.app import app

    command = typer.main.get_command(app)
    assert isinstance(command, typer.core.TyperGroup)
    if os.environ.get("_CODEX_COMPLETE"):
        from codex_py.cli.completion import respond

        return respond(command, os.environ["_CODEX_COMPLETE"])
    try:
        args = rewrite_argv(
            args,
            commands=command.commands,
            value_options=value_options(command),
            terminal=sys.stdin.isatty(),
        )
        code = invoke(command, args)
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except typer._click.exceptions.ClickException as error:
        return fail(usage_error(error, args), args)
    except CodexError as error:
        return fail(error, args)
    except BrokenPipeError:
        silence_stdout()
        return SIGPIPE_EXIT if is_run(args) else 0
    except KeyboardInterrupt:
        return 130


def invoke(command: TyperGroup, args: list[str]) -> int:
    import typer

    try:
        with command.make_context("codex", args) as ctx:
            command.invoke(ctx)
        return 0
    except typer.Exit as done:
        return done.exit_code


def fail(error: CodexError, args: Sequence[str]) -> int:
    """Report ``error`` on stderr (and as events with ``--json``); its exit code."""
    if "--debug" in args:
        traceback.print_exc()
    try:
        if wants_json(args):
            write_setup_failure(error)
    except BrokenPipeError:
        silence_stdout()
    print(format_error(error), file=sys.stderr)
    return error.exit_code


def write_setup_failure(error: CodexError) -> None:
    """The end of a ``--json`` stream for a run that could not start."""
    from dataclasses import asdict

    from codex_py.events import ErrorEvent, JsonlSink, SessionEnd
    from codex_py.pricing import CostTracker
    from codex_py.types import Usage

    sink = JsonlSink(sys.stdout)
    sink.emit(ErrorEvent(error.message, error.hint))
    sink.emit(SessionEnd("failed", 0, asdict(Usage()), CostTracker({}).summary()))


def usage_error(error: ClickException, args: Sequence[str]) -> CodexError:
    """Typer's (click's) error about ``args`` as one of ours: one line, with a "did you mean"
    or a pointer to the command's help."""
    import typer

    ctx = getattr(error, "ctx", None)
    path = ctx.command_path if ctx is not None else f"codex {command_of(args) or ''}".strip()
    path = "codex" if path == "codex run" else path
    see = f"see `{path} --help`"
    if isinstance(error, typer._click.exceptions.NoSuchOption):
        name = error.option_name
        close = difflib.get_close_matches(name, error.possibilities or (), n=1, cutoff=0)
        hint = f"did you mean {close[0]}?" if close else see
        return UsageError(f"no such option: {name}", hint)
    message = " ".join(error.format_message().split()).rstrip(".")
    message = message[:1].lower() + message[1:]
    if isinstance(error, typer._click.exceptions.UsageError):
        return UsageError(message, see)
    return CodexError(message, see)


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that nothing (not even the interpreter's last flush)
    writes to the closed pipe again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
