"""The ``codex`` typer app: its commands and options, wiring only.

``codex [OPTIONS] [PROMPT]`` is the hidden ``run`` command (``cli.argv`` rewrites the argv to
reach it); ``exec`` runs one task without asking; ``resume``, ``sessions``, ``eval``,
``config show|validate`` and ``completion`` do what their help says. Help pages are plain text
(``cli.help``): typer's rich help and markdown are never imported, so ``--help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from codex_py.cli.help import OTHER, command_class, group_class

app = typer.Typer(
    cls=group_class(
        usage=(
            "codex [OPTIONS] [PROMPT]",
            "codex exec [OPTIONS] PROMPT",
            "codex COMMAND [ARGS]...",
        ),
        examples=(
            'codex "what does this project do?"        # an interactive session',
            'codex exec "fix the failing test"         # one task; the answer on stdout',
            'codex exec --json "list the TODOs" | jq .type',
            'codex exec resume --last "now update the docs"',
            'codex --provider anthropic -a auto-edit "refactor utils.py"',
            "codex exec --provider fake -c providers.endpoints.fake.script=replies.yaml hi",
        ),
        options_from="run",
        footer="`codex -q PROMPT` is `codex exec PROMPT`. Run `codex COMMAND --help` for a"
        " command's own options.",
    ),
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="A coding agent that routes every model call to the right provider: plans with one"
    " model, acts with another, and lets an ensemble vote on what is risky.",
)
config_app = typer.Typer(
    cls=group_class(),
    rich_markup_mode=None,
    short_help="Show or validate the configuration.",
    help="Inspect the configuration: every key, where it came from, and whether a run would"
    " accept it.",
)
app.add_typer(config_app, name="config")

MODEL = "Model and provider"
CONFIG = "Configuration"
LIMITS = "Approvals and limits"
OUTPUT = "Output and sessions"
HELP = OTHER

CONFIG_FLAGS: dict[str, tuple[str, ...]] = {
    "provider": ("providers", "force"),
    "model": ("providers", "model"),
    "approval_mode": ("agent", "approval_mode"),
    "max_turns": ("limits", "max_turns"),
    "max_cost": ("limits", "max_cost"),
}
"""Run options that set a config key (the value is checked there, by the schema)."""

ConfigFile = Annotated[
    Path | None,
    typer.Option(
        "--config", metavar="FILE", rich_help_panel=CONFIG,
        help="A YAML config file, layered over the user's and the project's.",
    ),
]  # fmt: skip
Overrides = Annotated[
    list[str] | None,
    typer.Option(
        "-c", "--override", metavar="KEY=VALUE", rich_help_panel=CONFIG,
        help="Set any config key, e.g. -c limits.max_turns=20 (the value is YAML; repeatable).",
    ),
]  # fmt: skip


def _approval_modes(incomplete: str) -> list[str]:
    from codex_py.config.settings import APPROVAL_MODES

    return [mode for mode in APPROVAL_MODES if mode.startswith(incomplete)]


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", rich_help_panel=HELP, help="Print the version.")
    ] = False,
) -> None:
    if version:
        from codex_py import __version__

        typer.echo(f"codex-py {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


RUN_EXAMPLES = (
    'codex exec "add a docstring to every function in utils.py"',
    'codex exec -a auto-edit "fix the failing test"',
    'git diff | codex exec "review this change" -',
    'codex exec --json --max-cost 0.50 "update the changelog" > events.jsonl',
)


@app.command(
    "run",
    hidden=True,
    cls=command_class(usage=("codex [OPTIONS] [PROMPT]",), examples=RUN_EXAMPLES),
    help="An interactive session (plain `codex [PROMPT]`).",
)
@app.command(
    "resume",
    cls=command_class(
        usage=("codex resume [OPTIONS] [ID | --last]",),
        examples=("codex resume --last", "codex resume 3f2a9c1e"),
    ),
    short_help="Reopen a saved session interactively.",
    help="Reopen a saved session interactively: ID (a prefix is enough; see `codex sessions`)"
    " or --last for the most recent one.",
)
@app.command(
    "exec",
    cls=command_class(
        usage=("codex exec [OPTIONS] PROMPT", "codex exec resume [ID | --last] [OPTIONS] PROMPT"),
        examples=RUN_EXAMPLES,
    ),
    short_help="Run one task without asking; the final answer goes to stdout.",
    help="Run one task without asking: whatever needs approval is refused and the refusal goes"
    " back to the model (or use --full-auto). Progress goes to stderr and the final answer of a"
    " completed run to stdout. `codex exec resume [ID | --last] PROMPT` continues a saved"
    " session.",
)
def run_command(
    ctx: typer.Context,
    words: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="PROMPT",
            help="The task; several words are joined ('-', or none with stdin piped, reads"
            " stdin). With resume: the session ID first.",
            show_default=False,
        ),
    ] = None,
    provider: Annotated[
        str | None,
        typer.Option(
            "--provider",
            metavar="NAME",
            rich_help_panel=MODEL,
            help="Send every call to this provider or ensemble (default: route by intent).",
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "-m",
            "--model",
            metavar="MODEL",
            rich_help_panel=MODEL,
            help="Use this model for every call (default: each provider's, per intent).",
        ),
    ] = None,
    config: ConfigFile = None,
    overrides: Overrides = None,
    approval_mode: Annotated[
        str | None,
        typer.Option(
            "-a",
            "--approval-mode",
            metavar="MODE",
            rich_help_panel=LIMITS,
            autocompletion=_approval_modes,
            help="suggest, auto-edit or full-auto (default: suggest).",
        ),
    ] = None,
    full_auto: Annotated[
        bool,
        typer.Option(
            "--full-auto",
            rich_help_panel=LIMITS,
            help="Same as -a full-auto: run everything, inside the sandbox.",
        ),
    ] = False,
    max_turns: Annotated[
        int | None,
        typer.Option(
            "--max-turns",
            metavar="N",
            rich_help_panel=LIMITS,
            help="Most model calls in the run (default: 50).",
        ),
    ] = None,
    max_cost: Annotated[
        float | None,
        typer.Option(
            "--max-cost",
            metavar="USD",
            rich_help_panel=LIMITS,
            help="Stop once the run has cost this many US dollars (default: no limit).",
        ),
    ] = None,
    skip_git_repo_check: Annotated[
        bool,
        typer.Option(
            "--skip-git-repo-check",
            rich_help_panel=LIMITS,
            help="Run outside a git repository too.",
        ),
    ] = False,
    json_output: Annotated[
        bool,
        typer.Option(
            "--json",
            rich_help_panel=OUTPUT,
            help="Print the run's events as JSON lines on stdout (session_end last).",
        ),
    ] = False,
    cd: Annotated[
        Path | None,
        typer.Option(
            "-C",
            "--cd",
            metavar="DIR",
            rich_help_panel=OUTPUT,
            help="Work in this directory (default: the current one).",
        ),
    ] = None,
    last: Annotated[
        bool,
        typer.Option(
            "--last", rich_help_panel=OUTPUT, help="With resume: the most recent session."
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option("--debug", rich_help_panel=HELP, help="Show tracebacks with errors."),
    ] = False,
) -> None:
    """Run a task: interactively, with `codex exec`, or resuming a session."""
    from codex_py.cli.run import RunOptions, run
    from codex_py.cli.sessions import resume_command

    values: dict[str, Any] = {"provider": provider, "model": model, "max_turns": max_turns}
    values |= {"approval_mode": approval_mode, "max_cost": max_cost}
    flags: dict[tuple[str, ...], tuple[Any, str]] = {
        CONFIG_FLAGS[name]: (value, "--" + name.replace("_", "-"))
        for name, value in values.items()
        if value is not None and value != ""
    }
    if full_auto:
        flags["agent", "approval_mode"] = ("full-auto", "--full-auto")
    words = list(words or [])
    resume = ctx.info_name == "resume" or (ctx.info_name == "exec" and words[:1] == ["resume"])
    if ctx.info_name == "exec" and resume:
        words = words[1:]
    session = None if last or not resume or not words else words.pop(0)
    prompt = " ".join(words) or None
    interactive = ctx.info_name != "exec" and not json_output and sys.stdin.isatty()
    options = RunOptions(
        prompt, flags, config, overrides or [], json_output, cd, interactive,
        skip_git_repo_check=skip_git_repo_check,
    )  # fmt: skip
    raise typer.Exit(resume_command(options, session) if resume else run(options))


@app.command(
    "sessions",
    cls=command_class(examples=("codex sessions --all",)),
    short_help="List saved sessions, newest first.",
)
def sessions(
    show_all: Annotated[bool, typer.Option("--all", help="List every session.")] = False,
) -> None:
    """List saved sessions, newest first: when, where, first prompt, turns, cost."""
    from codex_py.cli.sessions import sessions_command

    raise typer.Exit(sessions_command(None if show_all else 20))


@app.command(
    "eval",
    cls=command_class(
        examples=(
            "codex eval evals/sample --jobs 2 \\\n"
            "    --config evals/configs/scripted-a.yaml --config evals/configs/scripted-b.yaml",
        )
    ),
    short_help="Compare configs on a suite of tasks: solve rate, time, cost.",
)
def eval_suite(
    suite: Annotated[
        Path,
        typer.Argument(
            metavar="SUITE", help="A folder of task folders (see the README).", show_default=False
        ),
    ],
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


@app.command(
    "completion",
    cls=command_class(
        examples=(
            'eval "$(codex completion bash)"                  # in ~/.bashrc',
            'codex completion zsh > "${fpath[1]}/_codex"      # then restart zsh',
            "codex completion fish > ~/.config/fish/completions/codex.fish",
        )
    ),
)
def completion(
    ctx: typer.Context,
    shell: Annotated[
        str,
        typer.Argument(
            metavar="SHELL", help="bash, zsh or fish.", show_default=False,
            autocompletion=lambda incomplete: [
                s for s in ("bash", "fish", "zsh") if s.startswith(incomplete)
            ],
        ),
    ],
) -> None:  # fmt: skip
    """Print the shell completion script for bash, zsh or fish."""
    from codex_py.cli.completion import script

    typer.echo(script(ctx.find_root().command, shell))


@config_app.command(
    "show",
    cls=command_class(examples=("codex config show -c limits.max_turns=20",)),
    short_help="Every effective key, its value and where it came from.",
)
def config_show(config: ConfigFile = None, overrides: Overrides = None) -> None:
    """Print every effective key, its value and the layer that set it (secrets masked)."""
    from codex_py.cli.config_commands import show_command

    typer.echo(show_command(Path.cwd(), config, overrides or []))


@config_app.command(
    "validate",
    cls=command_class(examples=("codex config validate configs/safety-first.yaml",)),
    short_help="Check the configuration as a run would.",
)
def config_validate(
    file: Annotated[
        Path | None,
        typer.Argument(
            metavar="FILE",
            help="A config file, layered as --config would be (default: the layers here).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check the configuration as `codex exec` would: every key and type, every name a route,
    ensemble or fallback uses, each provider's settings and scripts. Exit 2 when a run would
    refuse it; API keys missing here are reported, not failed."""
    from codex_py.cli.config_commands import validate_command

    raise typer.Exit(validate_command(Path.cwd(), file))
