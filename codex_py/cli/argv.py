"""What ``codex`` does with its argv before typer parses it.

``codex [OPTIONS] PROMPT`` and ``codex -q PROMPT`` have no subcommand word, so the argv is
rewritten to reach the hidden ``run`` command (or ``exec``). A single bare word close to a
command's name (``codex sesions``) is a typo, not a task: it is refused before anything runs.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from codex_py.errors import UsageError

if TYPE_CHECKING:
    from typer.core import TyperGroup

RUN_COMMANDS = ("run", "exec", "resume")
"""The commands that start (or continue) a run; ``run`` is the hidden ``codex [PROMPT]``."""
EARLY_EXITS = ("-h", "--help", "--version")


def positionals(args: Sequence[str], value_options: Collection[str]) -> list[tuple[int, str]]:
    """The index and text of every word that is neither an option nor an option's value, up to
    a ``--`` (after which every word is positional, and none is a command)."""
    found: list[tuple[int, str]] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            break
        if not arg.startswith("-") or arg == "-":
            found.append((index, arg))
        index += 2 if arg in value_options else 1
    return found


def rewrite_argv(
    args: Sequence[str],
    *,
    commands: Collection[str],
    value_options: Collection[str],
    terminal: bool = False,
) -> list[str]:
    """The argv typer sees. ``commands`` are the subcommand names; ``value_options`` the run
    options that take a value. Raises ``UsageError`` for a bare word that looks like a typo."""
    if not args:
        return ["run"] if terminal else []
    if args[0] in EARLY_EXITS:
        return list(args)
    args = list(args)
    command = "run"
    if "-q" in args:
        args.remove("-q")
        command = "exec"
    words = positionals(args, value_options)
    if words and command == "run" and words[0][1] in commands:
        index, name = words[0]
        return [name, *args[:index], *args[index + 1 :]]
    if len(words) == 1 and "--" not in args:
        refuse_typo(words[0][1], commands)
    return [command, *args]


def refuse_typo(word: str, commands: Collection[str]) -> None:
    """Raise ``UsageError`` when ``word`` alone is close to a command name (or is ``help``)."""
    visible = sorted(c for c in commands if c != "run")
    suggestion = "--help" if word.lower() == "help" else None
    if suggestion is None:
        close = difflib.get_close_matches(word.lower(), visible, n=1, cutoff=0.7)
        suggestion = close[0] if close else None
    if suggestion is not None:
        raise UsageError(
            f"{word!r} is not a command",
            f"did you mean `codex {suggestion}`? To send it as a prompt: codex -- {word}",
        )


def value_options(group: TyperGroup) -> set[str]:
    """The names of the run options that take a value (``--provider NAME``, ``-c K=V``)."""
    from typer.core import TyperOption

    run = group.commands["run"]
    options = [p for p in run.params if isinstance(p, TyperOption) and not p.is_flag]
    return {name for option in options for name in option.opts}


def command_of(args: Sequence[str]) -> str | None:
    """The subcommand a rewritten argv runs (``None``: the top-level group itself)."""
    return args[0] if args and not args[0].startswith("-") else None


def is_run(args: Sequence[str]) -> bool:
    """Whether a rewritten argv starts (or continues) a run, rather than asking for help."""
    options = _before_separator(args)
    return command_of(args) in RUN_COMMANDS and not set(options) & {"-h", "--help"}


def wants_json(args: Sequence[str]) -> bool:
    """Whether a rewritten argv asks a run for ``--json`` output."""
    return is_run(args) and "--json" in _before_separator(args)


def _before_separator(args: Sequence[str]) -> list[str]:
    return list(args[: args.index("--")]) if "--" in args else list(args)
