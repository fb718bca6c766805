"""Known-safe commands: read-only commands that may run without asking, in any approval mode.

A shell script counts only when it is plain (words joined by ``&& || ; |``, nothing the shell
would expand) and every command in it is known-safe.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from codex_py.errors import ShellSyntaxError
from codex_py.policy.shell.flags import before_double_dash, is_long_option, short_cluster_has
from codex_py.policy.shell.lexer import Word
from codex_py.policy.shell.syntax import Scripts, shell_script

_PLAIN_JOINERS = frozenset({"&&", "||", ";", "|", "\n"})
_SYSTEM_DIRS = frozenset({"/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin"})
# The list, plus cd, true and false (harmless, and common in scripts).
_ALWAYS_SAFE = frozenset(
    {"cat", "ls", "pwd", "echo", "head", "tail", "wc", "which", "nl", "grep", "cd", "true", "false"}
)
_GLOB_TOLERANT = _ALWAYS_SAFE
"""Commands none of whose options has side effects, so a glob that expands to a file named like
an option (``--pre=...``, ``-delete``, ``-i``) cannot make them unsafe."""
_RG_UNSAFE = ("--pre", "--hostname-bin", "--search-zip")
_FIND_UNSAFE = frozenset({"-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls"})
_GIT_READ_ONLY = frozenset({"status", "log", "diff", "show", "branch"})
_GIT_SAFE_GLOBALS = frozenset({"--no-pager", "-P", "--no-optional-locks", "--literal-pathspecs"})
_GIT_UNSAFE = ("--output", "--ext-diff", "--textconv", "--exec")
_BRANCH_LISTING = frozenset(
    {"-a", "--all", "-r", "--remotes", "-l", "--list", "-v", "-vv", "--verbose", "--color",
     "--no-color", "--column", "--no-column", "-i", "--ignore-case", "--show-current"}
)  # fmt: skip
_BRANCH_WITH_VALUE = frozenset(
    {"--contains", "--no-contains", "--merged", "--no-merged", "--points-at", "--sort", "--format"}
)
_SED_PRINT = re.compile(r"[0-9]+(,[0-9]+)?p")


def is_known_safe(argv: Sequence[str], scripts: Scripts | None = None) -> bool:
    """Whether ``argv`` only reads: it may run without asking, in any approval mode."""
    if not argv:
        return False
    script = shell_script(argv)
    if script is None:
        return _is_safe_command(list(argv))
    commands = plain_script_commands(script, scripts)
    if not commands:
        return False
    return all(_is_safe_words(words) for words in commands)


def plain_script_commands(script: str, scripts: Scripts | None = None) -> list[list[Word]] | None:
    """The simple commands of a script made only of words joined by ``&& || ; |``; None when
    it uses anything more (redirections, substitutions, expansions, subshells, background jobs)
    or cannot be parsed.
    """
    try:
        parsed = (scripts or Scripts()).parse(script)
    except ShellSyntaxError:
        return None
    if parsed.redirects or parsed.substitutions or not parsed.operators <= _PLAIN_JOINERS:
        return None
    if any(word.expands for words in parsed.commands for word in words):
        return None
    return parsed.commands


def commands_needing_approval(
    argv: Sequence[str], scripts: Scripts | None = None
) -> list[tuple[str, ...]] | None:
    """The commands ``argv`` runs that are not known-safe: ``argv`` itself, or the simple
    commands of a plain shell script; None for a script that is not plain.
    """
    script = shell_script(argv)
    if script is None:
        return [] if is_known_safe(argv, scripts) else [tuple(argv)]
    commands = plain_script_commands(script, scripts)
    if commands is None:
        return None
    return [tuple(word.text for word in cmd) for cmd in commands if not _is_safe_words(cmd)]


def _is_safe_words(words: list[Word]) -> bool:
    argv = [word.text for word in words]
    if any(word.globs for word in words) and _safe_name(argv[0]) not in _GLOB_TOLERANT:
        return False
    return _is_safe_command(argv)


def _safe_name(program: str) -> str | None:
    """The command name, when the program is a bare name or lives in a system directory (a
    relative path like ``./ls`` may be anything)."""
    if "/" not in program:
        return program
    head, _, name = program.rpartition("/")
    return name if head in _SYSTEM_DIRS else None


def _is_safe_command(argv: list[str]) -> bool:
    name, args = _safe_name(argv[0]), argv[1:]
    if name in _ALWAYS_SAFE:
        return True
    if name == "rg":
        return not any(
            is_long_option(a, _RG_UNSAFE) or short_cluster_has(a, "z")
            for a in before_double_dash(args)
        )
    if name == "find":
        return not any(a in _FIND_UNSAFE or a.startswith("-fprint") for a in args)
    if name == "git":
        return _is_safe_git(args)
    if name == "sed":
        return (
            len(args) >= 2
            and args[0] == "-n"
            and _SED_PRINT.fullmatch(args[1]) is not None
            and not any(a.startswith("-") for a in args[2:])
        )
    return False


def _is_safe_git(args: list[str]) -> bool:
    index = 0
    while index < len(args) and args[index].startswith("-"):
        if args[index] == "-C" and index + 1 < len(args):
            index += 2
        elif args[index] in _GIT_SAFE_GLOBALS:
            index += 1
        else:
            return False  # -c config overrides, --exec-path, --git-dir...
    if index >= len(args) or args[index] not in _GIT_READ_ONLY:
        return False
    rest = args[index + 1 :]
    if any(is_long_option(arg, _GIT_UNSAFE, abbreviated=True) for arg in before_double_dash(rest)):
        return False
    return args[index] != "branch" or _only_lists_branches(rest)


def _only_lists_branches(args: list[str]) -> bool:
    """``git branch`` with these args lists branches (rather than creating, moving, deleting)."""
    listing, positional, index = False, False, 0
    while index < len(args):
        arg = args[index]
        name = arg.split("=", 1)[0]
        if name in _BRANCH_WITH_VALUE:
            index += 1 if "=" in arg else 2
            continue
        if arg.startswith("-"):
            if name not in _BRANCH_LISTING:
                return False
            listing |= name in ("-l", "--list")
        else:
            positional = True
        index += 1
    return listing or not positional
