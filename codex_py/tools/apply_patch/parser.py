"""Parse Codex's patch format into hunks, as leniently as Codex's own CLI does.

::

    *** Begin Patch
    *** Add File: path          then lines each starting with "+"
    *** Delete File: path
    *** Update File: path
    *** Move to: new/path       optional, right after Update File
    @@ optional context line    a chunk header; the first chunk may omit it
     context / -removed / +added lines
    *** End of File             optional: the chunk must match at the end of the file
    *** End Patch

Leniencies (all of Codex's, plus two harmless extras): the input is trimmed and may be wrapped in
a heredoc (``<<EOF`` / ``<<'EOF'`` / ``<<"EOF"`` ... ``EOF``); marker and hunk-header lines may
carry surrounding whitespace; CRLF line endings in the patch are accepted; blank lines between
chunks (and, our extra, between hunks) are skipped; an empty line inside a chunk is an empty
context line; several consecutive ``@@ ctx`` lines (our extra; Codex rejects them) narrow the
search step by step. Every error names the line of the patch it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from codex_py.errors import PatchError

BEGIN_MARKER = "*** Begin Patch"
END_MARKER = "*** End Patch"
ADD_MARKER = "*** Add File: "
DELETE_MARKER = "*** Delete File: "
UPDATE_MARKER = "*** Update File: "
MOVE_MARKER = "*** Move to: "
EOF_MARKER = "*** End of File"
VALID_HEADERS = "'*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'"

_HEREDOC_START = re.compile(r"<<\s*(['\"]?)(\w+)\1")
_FORMAT_HINT = (
    "start with '*** Begin Patch', end with '*** End Patch', one file operation per header"
)
_CHUNK_RULE = (
    "Every line should start with ' ' (context line), '+' (added line), or '-' (removed line)"
)
_CHUNK_HINT = "prefix each chunk line with ' ', '-' or '+'; start each chunk with '@@'"


@dataclass(frozen=True)
class Chunk:
    """One change inside an updated file: replace ``old_lines`` by ``new_lines``.

    ``contexts`` are the ``@@ ...`` lines that narrow where the chunk applies; ``line_number`` is
    the patch line the chunk starts on (for error messages).
    """

    old_lines: tuple[str, ...]
    new_lines: tuple[str, ...]
    contexts: tuple[str, ...] = ()
    end_of_file: bool = False
    line_number: int = 0


@dataclass(frozen=True)
class AddFile:
    path: str
    contents: str
    line_number: int = 0


@dataclass(frozen=True)
class DeleteFile:
    path: str
    line_number: int = 0


@dataclass(frozen=True)
class UpdateFile:
    path: str
    chunks: tuple[Chunk, ...]
    move_to: str | None = None
    line_number: int = 0


Hunk = AddFile | DeleteFile | UpdateFile


@dataclass(frozen=True)
class Patch:
    """A parsed patch: its file operations, in order."""

    hunks: tuple[Hunk, ...]


def parse_patch(text: str) -> Patch:
    """Parse ``text``; raises :class:`PatchError` naming the offending patch line."""
    _check_encodable(text)
    body, first_number = _patch_body(text)
    cursor = _Cursor(body, first_number)
    hunks: list[Hunk] = []
    while not cursor.done():
        if not cursor.peek().strip():
            cursor.take()
            continue
        hunks.append(_parse_hunk(cursor, after_add=bool(hunks) and isinstance(hunks[-1], AddFile)))
    if not hunks:
        raise PatchError("Invalid patch: it contains no file operations", _FORMAT_HINT)
    return Patch(tuple(hunks))


def _check_encodable(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        message = (
            f"Invalid patch: character {exc.start} is not valid Unicode text (a lone surrogate)"
        )
        raise PatchError(message, "send the patch as plain UTF-8 text") from exc


class _Cursor:
    """The body lines with a read position; ``number`` is the 1-based patch line at it."""

    def __init__(self, lines: list[str], first_number: int) -> None:
        self._lines = lines
        self._index = 0
        self._first_number = first_number

    @property
    def number(self) -> int:
        return self._first_number + self._index

    def done(self) -> bool:
        return self._index >= len(self._lines)

    def peek(self) -> str:
        return self._lines[self._index]

    def take(self) -> str:
        line = self._lines[self._index]
        self._index += 1
        return line


def _split_lines(text: str) -> list[str]:
    """Split on ``\\n`` only (never on other Unicode breaks), dropping one ``\\r`` per line."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def _patch_body(text: str) -> tuple[list[str], int]:
    """Check the Begin/End markers (unwrapping a heredoc) and return the lines between them,
    with the patch line number of the first of them."""
    leading_breaks = text[: len(text) - len(text.lstrip())].count("\n")
    lines = _split_lines(text.strip())
    heredoc = _HEREDOC_START.fullmatch(lines[0].strip())
    if heredoc and len(lines) >= 4 and lines[-1].strip().endswith(heredoc.group(2)):
        lines = lines[1:-1]
        leading_breaks += 1
        while len(lines) > 1 and not lines[0].strip():
            lines.pop(0)
            leading_breaks += 1
        while len(lines) > 1 and not lines[-1].strip():
            lines.pop()
    if lines[0].strip() != BEGIN_MARKER:
        raise PatchError(
            "Invalid patch: the first line of the patch must be '*** Begin Patch'", _FORMAT_HINT
        )
    if len(lines) < 2 or lines[-1].strip() != END_MARKER:
        raise PatchError(
            "Invalid patch: the last line of the patch must be '*** End Patch'", _FORMAT_HINT
        )
    return lines[1:-1], leading_breaks + 2


def _error(number: int, message: str, hint: str) -> PatchError:
    return PatchError(f"Invalid patch at line {number}: {message}", hint)


def _parse_hunk(cursor: _Cursor, *, after_add: bool) -> Hunk:
    number = cursor.number
    header = cursor.take().strip()
    if header.startswith(ADD_MARKER):
        added: list[str] = []
        while not cursor.done() and cursor.peek().startswith("+"):
            added.append(cursor.take()[1:] + "\n")
        return AddFile(header[len(ADD_MARKER) :].strip(), "".join(added), number)
    if header.startswith(DELETE_MARKER):
        return DeleteFile(header[len(DELETE_MARKER) :].strip(), number)
    if header.startswith(UPDATE_MARKER):
        return _parse_update(cursor, header[len(UPDATE_MARKER) :].strip(), number)
    message = f"'{header}' is not a valid hunk header. Valid hunk headers: {VALID_HEADERS}"
    hint = "each line of an added file must start with '+'" if after_add else _FORMAT_HINT
    raise _error(number, message, hint)


def _parse_update(cursor: _Cursor, path: str, number: int) -> UpdateFile:
    move_to = None
    if not cursor.done() and cursor.peek().strip().startswith(MOVE_MARKER):
        move_to = cursor.take().strip()[len(MOVE_MARKER) :].strip()
    chunks: list[Chunk] = []
    while not cursor.done():
        line = cursor.peek()
        if not line.strip():
            cursor.take()
            continue
        if line.startswith("*"):
            break
        chunks.append(_parse_chunk(cursor, first=not chunks))
    if not chunks:
        hint = "an Update File needs at least one chunk of ' ', '-' and '+' lines"
        raise _error(number, f"Update file hunk for path '{path}' is empty", hint)
    return UpdateFile(path, tuple(chunks), move_to, number)


def _parse_chunk(cursor: _Cursor, *, first: bool) -> Chunk:
    number = cursor.number
    contexts, has_header = _parse_contexts(cursor)
    if not has_header and not first:
        message = f"Expected update hunk to start with a @@ context marker, got: '{cursor.peek()}'"
        raise _error(number, message, "begin every chunk after the first with '@@'")
    old: list[str] = []
    new: list[str] = []
    end_of_file = False
    count = 0
    while not cursor.done():
        line = cursor.peek()
        if line.rstrip() == EOF_MARKER:
            if count == 0:
                break
            cursor.take()
            end_of_file = True
            break
        marker, content = line[:1], line[1:]
        if marker not in ("", " ", "+", "-"):
            if count == 0:
                message = f"Unexpected line found in update hunk: '{line}'. {_CHUNK_RULE}"
                raise _error(cursor.number, message, _CHUNK_HINT)
            break
        if marker != "+":
            old.append(content)
        if marker != "-":
            new.append(content)
        cursor.take()
        count += 1
    if count == 0:
        raise _error(cursor.number, "Update hunk does not contain any lines", _CHUNK_HINT)
    return Chunk(tuple(old), tuple(new), contexts, end_of_file, number)


def _parse_contexts(cursor: _Cursor) -> tuple[tuple[str, ...], bool]:
    """Consume the chunk's ``@@`` lines; returns their context texts and whether any was seen."""
    contexts: list[str] = []
    seen = False
    while not cursor.done():
        line = cursor.peek()
        if line.rstrip() == "@@":
            seen = True
        elif line.startswith("@@ "):
            seen = True
            contexts.append(line[3:])
        else:
            break
        cursor.take()
    return tuple(contexts), seen
