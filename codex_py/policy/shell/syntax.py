"""Reading a command the way a shell would, so that it can be classified without running it.

``parse_script`` splits a ``bash -lc`` / ``sh -c`` script into simple commands, recording what
else it uses: redirections, substitutions (``$(...)``, backticks, ``<(...)``, ``${...}``),
control operators, and which words hold expansions or globs. The tokenizer (``shell_lexer``) is
deliberately small: anything it cannot read raises ``ShellSyntaxError``, which callers treat as "not
known to be safe".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from codex_py.policy.shell.lexer import REDIRECTS, Lexer, Word

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})
_SHELL_FLAGS = re.compile(r"-[lc]+")


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
