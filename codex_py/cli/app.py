"""The ``codex`` command: wiring only.

``codex [OPTIONS] PROMPT`` opens an interactive session; ``codex exec PROMPT`` (or ``codex -q``)
runs without asking anything; ``codex config show|validate`` inspects configuration. Errors are
one line on stderr with a non-zero exit (2 for configuration and usage, 1 for runtime); ``--debug``
adds the traceback. Heavy modules (the SDKs, prompt-toolkit) are imported only when a run needs
them, so ``--help`` and ``--version`` stay fast.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Annotated, Any

import typer

from codex_py import __version__
from codex_py.errors import CodexError, format_error

app = typer.Typer(
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="codex-py: a coding agent that routes every model call to the right provider.\n\n"
    "`codex [OPTIONS] [PROMPT]` opens an interactive session; `codex exec PROMPT` runs one task.",
)
config_app = typer.Typer(help="Inspect the configuration.")
app.add_typer(config_app, name="config")

SUBCOMMANDS = {"exec", "run", "config", "resume", "sessions", "eval"}
VALUE_OPTIONS = {"--provider", "-m", "--model", "--config", "-c", "--override", "-a",
                 "--approval-mode", "--max-turns", "--max-cost", "-C", "--cd"}  # fmt: skip

ConfigFile = Annotated[
    Path | None, typer.Option("--config", help="A YAML config file layered over the others.")
]
Overrides = Annotated[
    list[str] | None,
    typer.Option("-c", "--override", help="Set a config key: -c dotted.key=value (repeatable)."),
]


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", help="Print the version.")] = False,
) -> None:
    if version:
        typer.echo(f"codex-py {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


@app.command(
    "exec",
    help="Run one task without asking: what needs approval is refused (or use --full-auto)."
    " `codex exec resume [ID | --last] PROMPT` continues a saved session.",
)
@app.command("resume", help="Reopen a saved session: codex resume [ID | --last].")
@app.command("run", hidden=True, help="An interactive session (plain `codex [PROMPT]`).")
def run_command(
    ctx: typer.Context,
    words: Annotated[
        list[str] | None,
        typer.Argument(
            help="The task ('-' or none reads stdin). `codex exec resume [ID] PROMPT` and"
            " `codex resume [ID]` continue a saved session.",
            show_default=False,
        ),
    ] = None,
    last: Annotated[
        bool, typer.Option("--last", help="With resume: the most recent session.")
    ] = False,
    provider: Annotated[
        str | None, typer.Option("--provider", help="Send every call to this provider.")
    ] = None,
    model: Annotated[
        str | None, typer.Option("-m", "--model", help="Use this model for every call.")
    ] = None,
    config: ConfigFile = None,
    overrides: Overrides = None,
    approval_mode: Annotated[
        str | None,
        typer.Option("-a", "--approval-mode", help="suggest | auto-edit | full-auto"),
    ] = None,
    full_auto: Annotated[
        bool, typer.Option("--full-auto", help="Run everything, inside the sandbox.")
    ] = False,
    max_turns: Annotated[
        int | None, typer.Option("--max-turns", help="Most model calls in the run.")
    ] = None,
    max_cost: Annotated[
        float | None, typer.Option("--max-cost", help="Stop once the run has cost this many USD.")
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print events as JSON lines on stdout.")
    ] = False,
    cd: Annotated[Path | None, typer.Option("-C", "--cd", help="Work in this directory.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Run a task: interactively, with `codex exec`, or resuming a session."""
    from codex_py.cli.run import RunOptions, run
    from codex_py.cli.sessions import resume_command

    flags: dict[tuple[str, ...], tuple[Any, str]] = {}
    if provider:
        flags["providers", "force"] = (provider, "--provider")
    if model:
        flags["providers", "model"] = (model, "--model")
    if approval_mode:
        flags["agent", "approval_mode"] = (approval_mode, "--approval-mode")
    if full_auto:
        flags["agent", "approval_mode"] = ("full-auto", "--full-auto")
    if max_turns is not None:
        flags["limits", "max_turns"] = (max_turns, "--max-turns")
    if max_cost is not None:
        flags["limits", "max_cost"] = (max_cost, "--max-cost")
    words = list(words or [])
    resume = ctx.info_name == "resume" or (ctx.info_name == "exec" and words[:1] == ["resume"])
    if ctx.info_name == "exec" and resume:
        words = words[1:]
    session = None if last or not resume or not words else words.pop(0)
    prompt = " ".join(words) or None
    interactive = ctx.info_name != "exec" and not json_output and sys.stdin.isatty()
    options = RunOptions(prompt, flags, config, overrides or [], json_output, cd, interactive)
    raise typer.Exit(resume_command(options, session) if resume else run(options))


@app.command("sessions")
def sessions(
    show_all: Annotated[bool, typer.Option("--all", help="List every session.")] = False,
) -> None:
    """List saved sessions: when, where, first prompt, turns, cost."""
    from codex_py.cli.sessions import sessions_command

    raise typer.Exit(sessions_command(None if show_all else 20))


@app.command("eval")
def eval_suite(
    suite: Annotated[Path, typer.Argument(help="A folder of task folders (see the README).")],
    configs: Annotated[
        list[Path] | None,
        typer.Option(
            "--config", metavar="FILE", help="A config to evaluate (repeatable: compare several)."
        ),
    ] = None,
    repeat: Annotated[
        int, typer.Option("--repeat", metavar="N", help="Runs of each task per config.")
    ] = 1,
    jobs: Annotated[int, typer.Option("--jobs", metavar="N", help="Runs at the same time.")] = 1,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", metavar="DIR", help="Where the results go (default eval-results/<timestamp>)."
        ),
    ] = None,
    tasks: Annotated[
        list[str] | None,
        typer.Option("--task", metavar="NAME", help="Run only this task (repeatable)."),
    ] = None,
) -> None:
    """Compare configs on a suite of tasks: solve rate, time and cost, with a report."""
    from codex_py.evals.command import eval_command

    raise typer.Exit(
        eval_command(suite, configs or [], repeat=repeat, jobs=jobs, out=out, only=tasks or [])
    )


@config_app.command("show")
def config_show(config: ConfigFile = None, overrides: Overrides = None) -> None:
    """Print the effective config, and where each value came from (secrets masked)."""
    from codex_py.config.show import show

    typer.echo(show(Path.cwd(), config, overrides or []))


@config_app.command("validate")
def config_validate(
    file: Annotated[Path | None, typer.Argument(help="The file to check.")] = None,
) -> None:
    """Check a config file (by default, the layers that apply here)."""
    from codex_py import config

    config.load(Path.cwd(), config_file=file)
    typer.echo(f"ok: {file or 'the configuration here'} is valid")


def rewrite_argv(args: list[str], *, terminal: bool = False) -> list[str]:
    """Let ``codex [OPTIONS] PROMPT`` and ``codex -q PROMPT`` reach the right subcommand;
    plain ``codex`` in a terminal opens a session."""
    if not args:
        return ["run"] if terminal else args
    if args[0] in ("-h", "--help", "--version"):
        return args
    args = list(args)
    command = "run"
    if "-q" in args:
        args.remove("-q")
        command = "exec"
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            break
        if not arg.startswith("-") or arg == "-":
            if arg in SUBCOMMANDS and command == "run":
                return [arg, *args[:index], *args[index + 1 :]]
            break
        index += 2 if arg in VALUE_OPTIONS else 1
    return [command, *args]


def main(argv: list[str] | None = None) -> None:
    args = rewrite_argv(list(sys.argv[1:] if argv is None else argv), terminal=sys.stdin.isatty())
    if args == ["--version"]:  # answered before typer builds its parser, which costs ~90 ms
        print(f"codex-py {__version__}")
        sys.exit(0)
    command = typer.main.get_command(app)
    try:
        command.main(args, prog_name="codex")  # exits through SystemExit
    except CodexError as error:
        if "--debug" in args:
            traceback.print_exc()
        typer.echo(format_error(error), err=True)
        sys.exit(error.exit_code)


if __name__ == "__main__":
    main()
