"""The tokenizer under ``shell_syntax``: shell source to words and operator strings.

It understands quoting, escapes, operators, ``$``-expansions and substitutions (``$(...)``,
backticks, ``<(...)``, ``${...}``, whose bodies it records), and heredocs (bodies skipped, but
scanned for substitutions unless the delimiter is quoted). Anything else raises
``ShellSyntaxError``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codex_py.errors import ShellSyntaxError

_CONTROL = ("&&", "||", ";;", "|&", ";", "|", "&", "(", ")", "\n")
REDIRECTS = ("&>>", "&>", ">>", "<<<", "<<-", "<<", ">&", "<&", ">|", "<>", ">", "<")
_OPERATORS = tuple(sorted(_CONTROL + REDIRECTS, key=len, reverse=True))
_GLOB_CHARS = frozenset("*?[]{}")
_NAME_START = re.compile(r"[A-Za-z_]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Word:
    """One word after quote removal. Expansions are kept as their source text."""

    text: str = ""
    expands: bool = False
    """Holds ``$name``, ``$(...)``, backticks...: its value is only known when it runs."""
    globs: bool = False
    """Holds unquoted ``* ? [ ] { }``: the shell may turn it into other words."""
    quoted: bool = False


class Lexer:
    """Turns shell source into words and operator strings."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.pos = 0
        self.tokens: list[Word | str] = []
        self.substitutions: list[str] = []
        self.word: Word | None = None
        self._delimiter_expected = False
        self._heredocs: list[tuple[str, bool, bool]] = []  # (delimiter, quoted, strip tabs)

    def lex(self) -> list[Word | str]:
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char in " \t":
                self._end_word()
                self.pos += 1
            elif char == "#" and self.word is None:
                end = self.src.find("\n", self.pos)
                self.pos = len(self.src) if end < 0 else end
            elif char == "\\":
                self._escape()
            elif char == "'":
                end = self._closing_quote("'", self.pos + 1)
                self._add(self.src[self.pos + 1 : end], quoted=True)
                self.pos = end + 1
            elif char == '"':
                self._double_quoted()
            elif char == "$":
                self._dollar()
            elif char == "`":
                self._substitution(self.pos + 1, "`")
            elif char in "<>" and self.src.startswith("(", self.pos + 1):
                self._substitution(self.pos + 2, ")")
            else:
                self._operator_or_char(char)
        self._end_word()
        return self.tokens

    def _current(self) -> Word:
        if self.word is None:
            self.word = Word()
        return self.word

    def _add(self, text: str, *, quoted: bool = False, globs: bool = False) -> None:
        word = self._current()
        word.text += text
        word.quoted |= quoted
        word.globs |= globs

    def _end_word(self) -> None:
        if self.word is None:
            return
        if self._delimiter_expected:
            strip_tabs = self.tokens[-1] == "<<-"
            self._heredocs.append((self.word.text, self.word.quoted, strip_tabs))
            self._delimiter_expected = False
        self.tokens.append(self.word)
        self.word = None

    def _operator_or_char(self, char: str) -> None:
        operator = next((op for op in _OPERATORS if self.src.startswith(op, self.pos)), None)
        if operator is None:
            self._add(char, globs=char in _GLOB_CHARS)
            self.pos += 1
            return
        if operator in REDIRECTS and self.word is not None and self.word.text.isdigit():
            self.word = None  # "2>&1": the digits name a file descriptor, not an argument
        self._end_word()
        self.tokens.append(operator)
        self.pos += len(operator)
        if operator in ("<<", "<<-"):
            self._delimiter_expected = True
        elif operator == "\n" and self._heredocs:
            self._skip_heredoc_bodies()

    def _escape(self) -> None:
        following = self.src[self.pos + 1 : self.pos + 2]
        if following != "\n":  # backslash-newline joins lines
            self._add(following or "\\", quoted=True)
        self.pos += 2

    def _double_quoted(self) -> None:
        self.pos += 1
        self._add("", quoted=True)
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char == '"':
                self.pos += 1
                return
            if char == "\\" and self.src[self.pos + 1 : self.pos + 2] in ('"', "\\", "$", "`"):
                self._add(self.src[self.pos + 1], quoted=True)
                self.pos += 2
            elif char == "$":
                self._dollar()
            elif char == "`":
                self._substitution(self.pos + 1, "`")
            else:
                self._add(char, quoted=True)
                self.pos += 1
        raise ShellSyntaxError("unterminated double quote")

    def _dollar(self) -> None:
        following = self.src[self.pos + 1 : self.pos + 2]
        if following == "(":
            self._substitution(self.pos + 2, ")")
        elif following == "{":
            self._substitution(self.pos + 2, "}")
        elif following == "'":  # ANSI-C quoting: treat its value as unknown
            end = self._closing_quote("'", self.pos + 2, escapes=True)
            self._expansion(end + 1)
        elif following == '"':
            self.pos += 1
        elif following and _NAME_START.match(following):
            match = _NAME.match(self.src, self.pos + 1)
            assert match is not None
            self._expansion(match.end())
        elif following and (following.isdigit() or following in "@*#?$!-"):
            self._expansion(self.pos + 2)
        else:
            self._add("$")
            self.pos += 1

    def _expansion(self, end: int) -> None:
        self._add(self.src[self.pos : end])
        self._current().expands = True
        self.pos = end

    def _substitution(self, body_start: int, closer: str) -> None:
        """``$(...)``, ``${...}``, backticks, ``<(...)``: record the body, keep the source text."""
        end = self._closing(body_start, closer)
        self.substitutions.append(self.src[body_start:end])
        self._expansion(end + 1)

    def _closing(self, start: int, closer: str) -> int:
        """Index of the ``closer`` matching an opener just before ``start``, skipping quotes."""
        opener = {")": "(", "}": "{"}.get(closer)
        depth, pos = 1, start
        while pos < len(self.src):
            char = self.src[pos]
            if char == "\\":
                pos += 2
                continue
            if char in "'\"" and closer != "`":
                pos = self._closing_quote(char, pos + 1, escapes=char == '"') + 1
                continue
            if char == closer:
                depth -= 1
                if depth == 0:
                    return pos
            elif char == opener:
                depth += 1
            pos += 1
        raise ShellSyntaxError(f"unterminated substitution (missing {closer!r})")

    def _closing_quote(self, quote: str, start: int, *, escapes: bool = False) -> int:
        pos = start
        while pos < len(self.src):
            if escapes and self.src[pos] == "\\":
                pos += 2
                continue
            if self.src[pos] == quote:
                return pos
            pos += 1
        raise ShellSyntaxError(f"unterminated {quote} quote")

    def _skip_heredoc_bodies(self) -> None:
        """Skip the bodies of heredocs started on the line just ended; an unquoted delimiter
        lets substitutions in the body run, so those are recorded.
        """
        for delimiter, quoted, strip_tabs in self._heredocs:
            while self.pos < len(self.src):
                end = self.src.find("\n", self.pos)
                end = len(self.src) if end < 0 else end
                line = self.src[self.pos : end]
                self.pos = end + 1
                if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                    break
                if not quoted:
                    self.substitutions.extend(Lexer(line).scan_substitutions())
        self._heredocs.clear()

    def scan_substitutions(self) -> list[str]:
        """The substitution bodies in the source read as heredoc text (quotes are literal)."""
        while self.pos < len(self.src):
            char = self.src[self.pos]
            if char == "$":
                self._dollar()
            elif char == "`":
                self._substitution(self.pos + 1, "`")
            else:
                self.pos += 2 if char == "\\" else 1
        return self.substitutions
