"""Reading a command the way a shell would, so that it can be classified without running it.

``parse_script`` splits a ``bash -lc`` / ``sh -c`` script into simple commands, recording what
else it uses: redirections, substitutions (``$(...)``, backticks, ``<(...)``, ``${...}``),
control operators, and which words hold expansions or globs. Heredoc bodies are skipped (but
scanned for substitutions unless the delimiter is quoted). The lexer is deliberately small: it
understands quoting, escapes and operators, and anything it cannot read raises ``ScriptError``,
which callers treat as "not known to be safe".

On top of the parser: ``is_known_safe`` (read-only commands that may run without asking) and
``dangerous_reason`` / ``is_dangerous`` (destructive commands that are never waved through).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ksh"})
_CONTROL = ("&&", "||", ";;", "|&", ";", "|", "&", "(", ")", "\n")
_REDIRECT = ("&>>", "&>", ">>", "<<<", "<<-", "<<", ">&", "<&", ">|", "<>", ">", "<")
_OPERATORS = tuple(sorted(_CONTROL + _REDIRECT, key=len, reverse=True))
_GLOB_CHARS = frozenset("*?[]{}")
_NAME_START = re.compile(r"[A-Za-z_]")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SHELL_FLAGS = re.compile(r"-[lc]+")


class ScriptError(ValueError):
    """The script uses syntax this parser does not understand (or is malformed)."""


@dataclass
class Word:
    """One word after quote removal. Expansions are kept as their source text."""

    text: str = ""
    expands: bool = False
    """Holds ``$name``, ``$(...)``, backticks...: its value is only known when it runs."""
    globs: bool = False
    """Holds unquoted ``* ? [ ] { }``: the shell may turn it into other words."""
    quoted: bool = False


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
    """Split ``source`` into simple commands; raises ``ScriptError`` when it cannot."""
    lexer = _Lexer(source)
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
        elif token in _REDIRECT:
            script.redirects = redirect_target = True
        else:
            script.operators.add(token)
            if current:
                script.commands.append(current)
            current = []
    if current:
        script.commands.append(current)
    return script


class _Lexer:
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
        if operator in _REDIRECT and self.word is not None and self.word.text.isdigit():
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
        raise ScriptError("unterminated double quote")

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
        raise ScriptError(f"unterminated substitution (missing {closer!r})")

    def _closing_quote(self, quote: str, start: int, *, escapes: bool = False) -> int:
        pos = start
        while pos < len(self.src):
            if escapes and self.src[pos] == "\\":
                pos += 2
                continue
            if self.src[pos] == quote:
                return pos
            pos += 1
        raise ScriptError(f"unterminated {quote} quote")

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
                    self.substitutions.extend(_Lexer(line).scan_substitutions())
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


# --- known-safe commands ---------------------------------------------------------------------

_PLAIN_JOINERS = frozenset({"&&", "||", ";", "|", "\n"})
_SYSTEM_DIRS = frozenset({"/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin"})
# The issue's list, plus cd, true and false (harmless, and common in scripts).
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


def is_known_safe(argv: Sequence[str]) -> bool:
    """Whether ``argv`` only reads: it may run without asking, in any approval mode."""
    if not argv:
        return False
    script = shell_script(argv)
    if script is None:
        return _is_safe_command(list(argv))
    commands = plain_script_commands(script)
    if not commands:
        return False
    return all(_is_safe_words(words) for words in commands)


def plain_script_commands(script: str) -> list[list[Word]] | None:
    """The simple commands of a script made only of words joined by ``&& || ; |``; None when
    it uses anything more (redirections, substitutions, expansions, subshells, background jobs)
    or cannot be parsed.
    """
    try:
        parsed = parse_script(script)
    except ScriptError:
        return None
    if parsed.redirects or parsed.substitutions or not parsed.operators <= _PLAIN_JOINERS:
        return None
    if any(word.expands for words in parsed.commands for word in words):
        return None
    return parsed.commands


def commands_needing_approval(argv: Sequence[str]) -> list[tuple[str, ...]] | None:
    """The commands ``argv`` runs that are not known-safe: ``argv`` itself, or the simple
    commands of a plain shell script; None for a script that is not plain.
    """
    script = shell_script(argv)
    if script is None:
        return [] if is_known_safe(argv) else [tuple(argv)]
    commands = plain_script_commands(script)
    if commands is None:
        return None
    return [tuple(word.text for word in cmd) for cmd in commands if not _is_safe_words(cmd)]


def nested_commands(argv: Sequence[str]) -> list[tuple[str, ...]]:
    """``argv`` and every command it runs inside: script commands, substitutions, wrapped
    commands (``env``, ``xargs``, ``find -exec``...). Just ``argv`` when a script cannot be parsed.
    """
    found: list[_Found] = []
    try:
        _collect(tuple(argv), False, 0, found)
    except ScriptError:
        return [tuple(argv)]
    return [item.argv for item in found]


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
        return not any(_is_option(a, _RG_UNSAFE) or _short_cluster_has(a, "z") for a in _opts(args))
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
    if any(_is_option(arg, _GIT_UNSAFE, abbreviated=True) for arg in _opts(rest)):
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


def _opts(args: Sequence[str]) -> list[str]:
    """The arguments before ``--`` (after it, everything is an operand)."""
    return list(args[: args.index("--")]) if "--" in args else list(args)


def _is_option(arg: str, names: Sequence[str], *, abbreviated: bool = False) -> bool:
    """Whether ``arg`` is one of the long options ``names`` (``--name`` or ``--name=value``);
    ``abbreviated`` also matches unambiguous prefixes, which git accepts.
    """
    given = arg.split("=", 1)[0]
    if abbreviated and given.startswith("--") and len(given) > 3:
        return any(name.startswith(given) for name in names)
    return given in names


def _short_cluster_has(arg: str, letters: str) -> bool:
    return arg.startswith("-") and not arg.startswith("--") and any(c in letters for c in arg[1:])


# --- dangerous commands ----------------------------------------------------------------------

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


def is_dangerous(argv: Sequence[str]) -> bool:
    """Whether ``argv`` may destroy data or escalate: never approved without a person or rule."""
    return dangerous_reason(argv) is not None


def dangerous_reason(argv: Sequence[str]) -> str | None:
    """Why ``argv`` is dangerous, or None. Looks inside shell scripts, substitutions, wrappers
    (``env``, ``xargs``, ``timeout``...) and ``find -exec``. A script this module cannot parse
    counts as dangerous, so that it is never run without review.
    """
    found: list[_Found] = []
    try:
        _collect(tuple(argv), False, 0, found)
    except ScriptError as exc:
        return f"the shell script could not be parsed ({exc}); review it before running it"
    for item in found:
        reason = _command_danger(item.argv)
        if reason:
            return f"`{' '.join(item.argv)}` {reason}"
    names = {basename(item.argv[0]) for item in found}
    if names & _DOWNLOADERS and any(_runs_fetched_code(item) for item in found):
        return "it runs code it downloads (curl/wget into a shell or interpreter)"
    return None


def _collect(argv: tuple[str, ...], dynamic: bool, depth: int, found: list[_Found]) -> None:
    """Add ``argv`` and every command it runs inside to ``found``."""
    if depth > _MAX_DEPTH:
        raise ScriptError("commands nested too deeply")
    if not argv:
        return
    found.append(_Found(argv, dynamic))
    script = shell_script(argv, strict=False)
    if basename(argv[0]) == "eval":
        script = " ".join(argv[1:])
    if script is not None:
        _collect_script(script, depth + 1, found)
    for inner in _inner_commands(argv):
        _collect(inner, False, depth + 1, found)


def _collect_script(script: str, depth: int, found: list[_Found]) -> None:
    parsed = parse_script(script)
    for words in parsed.commands:
        while words and not words[0].quoted and _ASSIGNMENT.match(words[0].text):
            words = words[1:]  # FOO=1 cmd ...
        if words:
            _collect(tuple(w.text for w in words), words[0].expands, depth, found)
    for body in parsed.substitutions:
        _collect_script(body, depth + 1, found)


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
    if name == "rm" and _has_flag(args, "rRf", ("--recursive", "--force")):
        return "deletes files recursively or without asking"
    if name in ("chmod", "chown", "chgrp") and _has_flag(args, "R", ("--recursive",)):
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
        _has_flag(rest, "fd", ("--force", "--force-with-lease", "--mirror", "--delete"))
        or any(arg.startswith(("+", ":")) for arg in rest)
    ):
        return "rewrites or deletes remote history"
    if command == "reset" and "--hard" in rest:
        return "discards uncommitted changes"
    if command == "clean" and _has_flag(rest, "f", ("--force",)):
        return "deletes untracked files"
    if command == "branch" and _has_flag(rest, "D", ()):
        return "deletes a branch even if unmerged"
    return None


def _has_flag(args: Sequence[str], short: str, long: Sequence[str]) -> bool:
    options = _opts(args)
    return any(_short_cluster_has(a, short) or _is_option(a, long) for a in options)


def _runs_fetched_code(item: _Found) -> bool:
    """Whether the command runs code it does not name: a shell reading stdin or a file, eval,
    source, an interpreter reading stdin, or a command whose name is an expansion."""
    name, args = basename(item.argv[0]), item.argv[1:]
    if item.dynamic or name in ("eval", "source", "."):
        return True
    if name in SHELLS:
        return shell_script(item.argv, strict=False) is None
    return name in _STDIN_INTERPRETERS and (not args or args[0] == "-")
