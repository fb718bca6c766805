"""Which commands a command runs, and whether any of them is dangerous.

``nested_commands`` finds ``argv`` and every command it runs inside: the commands of shell
scripts (``bash -c``, ``eval``), substitutions, wrappers (``env``, ``xargs``, ``timeout``...)
and ``find -exec``. ``dangerous_reason`` / ``is_dangerous`` look at all of them for destructive
commands, which are never waved through.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from codex_py.errors import ShellSyntaxError
from codex_py.policy.shell.flags import has_flag
from codex_py.policy.shell.syntax import SHELLS, Scripts, basename, shell_script

__all__ = ["dangerous_reason", "is_dangerous", "nested_commands"]

_MAX_DEPTH = 6
_ALWAYS_DANGEROUS = {
    "sudo": "runs a command as root",
    "su": "switches user",
    "doas": "runs a command as root",
    "pkexec": "runs a command as root",
    "dd": "writes raw data to files or devices",
    "mkfs": "formats a filesystem",
    "mke2fs": "formats a filesystem",
    "mkswap": "formats a swap area",
    "fdisk": "edits partition tables",
    "sfdisk": "edits partition tables",
    "parted": "edits partition tables",
    "wipefs": "erases filesystem signatures",
    "shred": "overwrites files irrecoverably",
    "shutdown": "shuts the machine down",
    "reboot": "reboots the machine",
    "halt": "halts the machine",
    "poweroff": "powers the machine off",
}
_DOWNLOADERS = frozenset({"curl", "wget"})
_STDIN_INTERPRETERS = frozenset({"python", "python3", "perl", "ruby", "node"})
_WRAPPERS: dict[str, tuple[frozenset[str], int]] = {
    # wrapper: (options that take a value, positional arguments before the command)
    "env": (frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}), 0),
    "nohup": (frozenset(), 0),
    "nice": (frozenset({"-n", "--adjustment"}), 0),
    "ionice": (frozenset({"-c", "--class", "-n", "--classdata", "-p", "--pid"}), 0),
    "time": (frozenset({"-f", "--format", "-o", "--output"}), 0),
    "timeout": (frozenset({"-s", "--signal", "-k", "--kill-after"}), 1),
    "xargs": (frozenset({"-I", "-n", "-L", "-P", "-s", "-d", "-a", "-E", "--max-args"}), 0),
    "exec": (frozenset({"-a"}), 0),
    "command": (frozenset(), 0),
    "builtin": (frozenset(), 0),
    "setsid": (frozenset(), 0),
    "stdbuf": (frozenset({"-i", "-o", "-e"}), 0),
}
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")


@dataclass(frozen=True)
class _Found:
    argv: tuple[str, ...]
    dynamic: bool = False
    """The command name comes from an expansion, e.g. ``$(curl ...)``."""


def nested_commands(argv: Sequence[str], scripts: Scripts | None = None) -> list[tuple[str, ...]]:
    """``argv`` and every command it runs inside: script commands, substitutions, wrapped
    commands (``env``, ``xargs``, ``find -exec``...). Just ``argv`` when a script cannot be parsed.
    """
    found: list[_Found] = []
    try:
        _collect(tuple(argv), False, 0, found, scripts or Scripts())
    except ShellSyntaxError:
        return [tuple(argv)]
    return [item.argv for item in found]


def is_dangerous(argv: Sequence[str], scripts: Scripts | None = None) -> bool:
    """Whether ``argv`` may destroy data or escalate: never approved without a person or rule."""
    return dangerous_reason(argv, scripts) is not None


def dangerous_reason(argv: Sequence[str], scripts: Scripts | None = None) -> str | None:
    """Why ``argv`` is dangerous, or None. Looks inside shell scripts, substitutions, wrappers
    (``env``, ``xargs``, ``timeout``...) and ``find -exec``. A script this module cannot parse
    counts as dangerous, so that it is never run without review.
    """
    found: list[_Found] = []
    try:
        _collect(tuple(argv), False, 0, found, scripts or Scripts())
    except ShellSyntaxError as exc:
        return f"the shell script could not be parsed ({exc}); review it before running it"
    for item in found:
        reason = _command_danger(item.argv)
        if reason:
            return f"`{' '.join(item.argv)}` {reason}"
    names = {basename(item.argv[0]) for item in found}
    if names & _DOWNLOADERS and any(_runs_fetched_code(item) for item in found):
        return "it runs code it downloads (curl/wget into a shell or interpreter)"
    return None


def _collect(
    argv: tuple[str, ...], dynamic: bool, depth: int, found: list[_Found], scripts: Scripts
) -> None:
    """Add ``argv`` and every command it runs inside to ``found``."""
    if depth > _MAX_DEPTH:
        raise ShellSyntaxError("commands nested too deeply")
    if not argv:
        return
    found.append(_Found(argv, dynamic))
    script = shell_script(argv, strict=False)
    if basename(argv[0]) == "eval":
        script = " ".join(argv[1:])
    if script is not None:
        _collect_script(script, depth + 1, found, scripts)
    for inner in _inner_commands(argv):
        _collect(inner, False, depth + 1, found, scripts)


def _collect_script(script: str, depth: int, found: list[_Found], scripts: Scripts) -> None:
    parsed = scripts.parse(script)
    for words in parsed.commands:
        while words and not words[0].quoted and _ASSIGNMENT.match(words[0].text):
            words = words[1:]  # FOO=1 cmd ...
        if words:
            _collect(tuple(w.text for w in words), words[0].expands, depth, found, scripts)
    for body in parsed.substitutions:
        _collect_script(body, depth + 1, found, scripts)


def _inner_commands(argv: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Commands that ``argv`` runs as its arguments: wrappers and ``find -exec``."""
    name = basename(argv[0])
    if name in _WRAPPERS:
        takes_value, positional = _WRAPPERS[name]
        index = 1
        while index < len(argv) and (argv[index].startswith("-") or _ASSIGNMENT.match(argv[index])):
            if argv[index] == "--":
                index += 1
                break
            index += 2 if argv[index] in takes_value else 1
        inner = argv[index + positional :]
        return [inner] if inner else []
    if name == "find":
        commands, index = [], 0
        while index < len(argv):
            if argv[index] in ("-exec", "-execdir", "-ok", "-okdir"):
                end = next(
                    (i for i in range(index + 1, len(argv)) if argv[i] in (";", "+")), len(argv)
                )
                commands.append(argv[index + 1 : end])
                index = end
            index += 1
        return commands
    return []


def _command_danger(argv: tuple[str, ...]) -> str | None:
    name, args = basename(argv[0]), argv[1:]
    if name in _ALWAYS_DANGEROUS:
        return _ALWAYS_DANGEROUS[name]
    if name.startswith("mkfs."):
        return "formats a filesystem"
    if name == "rm" and has_flag(args, "rRf", ("--recursive", "--force")):
        return "deletes files recursively or without asking"
    if name in ("chmod", "chown", "chgrp") and has_flag(args, "R", ("--recursive",)):
        return "changes permissions or ownership recursively"
    if name == "find" and "-delete" in args:
        return "deletes every file it finds"
    if name == "git":
        return _git_danger(args)
    return None


def _git_danger(args: tuple[str, ...]) -> str | None:
    index = 0
    while index < len(args) and args[index].startswith("-"):
        index += 2 if args[index] in ("-c", "-C", "--git-dir", "--work-tree") else 1
    if index >= len(args):
        return None
    command, rest = args[index], args[index + 1 :]
    if command == "push" and (
        has_flag(rest, "fd", ("--force", "--force-with-lease", "--mirror", "--delete"))
        or any(arg.startswith(("+", ":")) for arg in rest)
    ):
        return "rewrites or deletes remote history"
    if command == "reset" and "--hard" in rest:
        return "discards uncommitted changes"
    if command == "clean" and has_flag(rest, "f", ("--force",)):
        return "deletes untracked files"
    if command == "branch" and has_flag(rest, "D", ()):
        return "deletes a branch even if unmerged"
    return None


def _runs_fetched_code(item: _Found) -> bool:
    """Whether the command runs code it does not name: a shell reading stdin or a file, eval,
    source, an interpreter reading stdin, or a command whose name is an expansion."""
    name, args = basename(item.argv[0]), item.argv[1:]
    if item.dynamic or name in ("eval", "source", "."):
        return True
    if name in SHELLS:
        return shell_script(item.argv, strict=False) is None
    return name in _STDIN_INTERPRETERS and (not args or args[0] == "-")
