"""Shell completion: ``codex completion bash|zsh|fish`` prints a script, and the script calls
``codex`` back with ``_CODEX_COMPLETE=complete_<shell>`` and the words typed so far.

Typer's completion classes do the shell side. The words are read the way ``codex`` reads its
argv (``cli.argv``): before any command word the top level offers the commands and the options
of ``codex [OPTIONS] PROMPT``; after one, that command's options and values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from codex_py.cli.argv import positionals, value_options
from codex_py.errors import UsageError

if TYPE_CHECKING:
    from typer._click.shell_completion import CompletionItem, ShellComplete
    from typer.core import TyperGroup

COMPLETE_VAR = "_CODEX_COMPLETE"
SHELLS = ("bash", "zsh", "fish")

Resolve = Callable[[list[str], str], "list[CompletionItem]"]


def script(group: Any, shell: str) -> str:
    """The completion script of ``shell`` for ``codex``."""
    if shell not in SHELLS:
        raise UsageError(f"no completion for the shell {shell!r}", "use bash, zsh or fish")
    return completer(group, shell).source().strip() + "\n"


def respond(group: TyperGroup, instruction: str) -> int:
    """Answer a completion request (``instruction`` is ``complete_bash`` and so on)."""
    shell = instruction.removeprefix("complete_")
    if shell not in SHELLS:
        return 1
    print(completer(group, shell).complete())
    return 0


def completer(group: TyperGroup, shell: str) -> ShellComplete:
    from typer import _completion_classes as classes

    base: Any = {
        "bash": classes.BashComplete,
        "zsh": classes.ZshComplete,
        "fish": classes.FishComplete,
    }[shell]

    class Completer(base):  # type: ignore[misc]
        def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
            return completions(group, args, incomplete, super().get_completions)

    made: ShellComplete = Completer(group, {}, "codex", COMPLETE_VAR)
    return made


def completions(
    group: TyperGroup, args: list[str], incomplete: str, resolve: Resolve
) -> list[CompletionItem]:
    """What to offer after ``codex ARGS`` for the word ``incomplete``; ``resolve`` is typer's
    completion for an argv that names its command."""
    values = value_options(group)
    words = positionals(args, values)
    if words and words[0][1] in group.commands:
        index, name = words[0]
        return resolve([name, *args[:index], *args[index + 1 :]], incomplete)
    if args and args[-1] in values:
        return resolve(["run", *args], incomplete)
    if incomplete.startswith("-"):
        offered = resolve(["run", *args], incomplete) + resolve([], incomplete)
        return list({item.value: item for item in offered}.values())
    return [] if words else resolve([], incomplete)
