"""Reading a command the way a shell would, so that it can be classified without running it.

``parse_script`` splits a ``bash -lc`` / ``sh -c`` script into simple commands, recording what
else it uses: redirections, substitutions (``$(...)``, backticks, ``<(...)``, ``${...}``),
control operators, and which words hold expansions or globs. The tokenizer (``shell_lexer``) is
deliberately small: anything it cannot read raises ``ShellSyntaxError``, which callers treat as "not
known to be safe".
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field

from codex_py.errors import ShellSyntaxError
from codex_py.policy.shell.lexer import REDIRECTS, Lexer, Word

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})
"""Every shell codex-py recognises; no other module lists shell names."""
_SHELL_FLAGS = re.compile(r"-[lc]+")
_SCRIPT_FLAGS = frozenset({"-c", "-lc", "-cl"})
# A script with any of these characters needs a shell to mean what it says.
_NEEDS_SHELL = re.compile(r"[|&;<>()$`\\*?\[\]{}~!#\n]")
_BUILTINS = frozenset(
    {"cd", "export", "source", ".", "exit", "set", "unset", "alias", "eval", "exec", "ulimit"}
)


@dataclass
class Script:
    """A parsed script: its simple commands and the constructs around them."""

    commands: list[list[Word]] = field(default_factory=list)
    operators: set[str] = field(default_factory=set)
    redirects: bool = False
    substitutions: list[str] = field(default_factory=list)
    """Bodies of ``$(...)``, backticks, ``<(...)``, ``${...}``: scripts of their own."""


def basename(program: str) -> str:
    return program.rpartition("/")[2]


def is_shell(program: str) -> bool:
    """Whether ``program`` (by any path) is one of ``SHELLS``."""
    return basename(program) in SHELLS


def plain_command(argv: list[str]) -> list[str]:
    """``argv`` with a ``bash -lc SCRIPT`` wrapper removed when the script is a plain command
    line (no pipes, redirections, variables, globs, escapes or builtins), so that
    ``["bash", "-lc", "ls  -la"]`` and ``["ls", "-la"]`` are the same command."""
    if len(argv) != 3 or not is_shell(argv[0]):
        return argv
    if argv[1] not in _SCRIPT_FLAGS or _NEEDS_SHELL.search(argv[2]):
        return argv
    try:
        words = shlex.split(argv[2])
    except ValueError:
        return argv
    if not words or "=" in words[0] or words[0] in _BUILTINS:
        return argv
    return words


def shell_script(argv: Sequence[str], *, strict: bool = True) -> str | None:
    """The script of a shell invocation (``bash -lc SCRIPT``, ``sh -c SCRIPT``), else None.

    Strict: only ``-c``/``-l`` flags, and the script is the last argument. Loose: the argument
    after the first short-option cluster containing ``c``, whatever follows it.
    """
    if len(argv) < 3 or basename(argv[0]) not in SHELLS:
        return None
    if strict:
        flags = argv[1:-1]
        joined = "".join(flags)
        if all(_SHELL_FLAGS.fullmatch(flag) for flag in flags) and "c" in joined:
            return argv[-1]
        return None
    for index, arg in enumerate(argv[1:-1], start=1):
        if arg.startswith("-") and not arg.startswith("--") and "c" in arg:
            return argv[index + 1]
    return None


def parse_script(source: str) -> Script:
    """Split ``source`` into simple commands; raises ``ShellSyntaxError`` when it cannot."""
    lexer = Lexer(source)
    tokens = lexer.lex()
    script = Script(substitutions=lexer.substitutions)
    current: list[Word] = []
    redirect_target = False
    for token in tokens:
        if isinstance(token, Word):
            if redirect_target:  # the file (or heredoc delimiter) a redirection names
                redirect_target = False
            else:
                current.append(token)
        elif token in REDIRECTS:
            script.redirects = redirect_target = True
        else:
            script.operators.add(token)
            if current:
                script.commands.append(current)
            current = []
    if current:
        script.commands.append(current)
    return script


class Scripts:
    """Parses each script once. A decision makes one and hands it to every check that reads
    the command (rules, the dangerous check, the known-safe check), so no script is parsed
    twice; ``parses`` counts the parses it made."""

    def __init__(self) -> None:
        self._parsed: dict[str, Script | ShellSyntaxError] = {}
        self.parses = 0

    def parse(self, source: str) -> Script:
        """``parse_script(source)``, remembered (its ``ShellSyntaxError`` too)."""
        if source not in self._parsed:
            self.parses += 1
            try:
                self._parsed[source] = parse_script(source)
            except ShellSyntaxError as error:
                self._parsed[source] = error
        result = self._parsed[source]
        if isinstance(result, ShellSyntaxError):
            raise result
        return result
