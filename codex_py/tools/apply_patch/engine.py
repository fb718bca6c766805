"""The pure engine: a file's text and an Update's chunks in, the new text out. No filesystem.

Chunks apply in order. A chunk's ``@@`` context lines are found first (from the current
position), then its old lines (context and removed) from there, with :class:`LineIndex`'s four
passes; a chunk marked ``*** End of File`` must match at the end, and a chunk with no old lines
is appended at the end. When old lines ending in an empty line match nowhere, they are tried
again without it. The result always ends with a newline (unless it is empty).

Beyond Codex: a CRLF file (CRLF for at least half its line breaks) is edited as lines and
written back with CRLF throughout; a UTF-8 byte order mark is kept; a chunk never matches
before the end of the previous one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from codex_py.tools.apply_patch import report
from codex_py.tools.apply_patch.matcher import LineIndex
from codex_py.tools.apply_patch.parser import Chunk

_BOM = "\ufeff"


@dataclass(frozen=True)
class Replacement:
    """Replace ``old_len`` lines of the original from ``start`` by ``new_lines``."""

    start: int
    old_len: int
    new_lines: tuple[str, ...]


@dataclass(frozen=True)
class FileText:
    """A text split into lines without their line endings, and how to join it back."""

    lines: list[str]
    eol: str = "\n"
    bom: bool = False
    final_newline: bool = True

    @classmethod
    def split(cls, text: str) -> FileText:
        bom = text.startswith(_BOM)
        if bom:
            text = text[1:]
        crlf = text.count("\r\n") if "\r" in text else 0
        eol = "\r\n" if crlf and 2 * crlf >= text.count("\n") else "\n"
        lines = text.split("\n")
        if lines[-1] == "":
            lines.pop()
        if eol == "\r\n":
            lines = [line[:-1] if line.endswith("\r") else line for line in lines]
        return cls(lines, eol, bom, final_newline=not text or text.endswith("\n"))

    def join(self, lines: Sequence[str]) -> str:
        """``lines`` in this text's line endings, ending with one (the Codex rule)."""
        body = self.eol.join([*lines, ""]) if lines else ""  # one copy of the text, not two
        return _BOM + body if self.bom else body


@dataclass(frozen=True)
class TextUpdate:
    """The outcome of applying chunks: the new text and how it was derived (for diffs)."""

    before: FileText
    new_lines: list[str]
    replacements: list[Replacement]
    text: str


def apply_to_text(original: str, chunks: Sequence[Chunk], path: str) -> str:
    """Apply ``chunks`` to ``original``; ``path`` only names the file in errors (PatchError)."""
    return update_text(original, chunks, path).text


def update_text(original: str, chunks: Sequence[Chunk], path: str) -> TextUpdate:
    """Like :func:`apply_to_text`, keeping the replacements for a diff."""
    before = FileText.split(original)
    replacements = compute_replacements(before.lines, chunks, path)
    new_lines = splice(before.lines, replacements)
    return TextUpdate(before, new_lines, replacements, before.join(new_lines))


def compute_replacements(lines: list[str], chunks: Sequence[Chunk], path: str) -> list[Replacement]:
    """Where each chunk applies, sorted by position; raises PatchError for a chunk that does
    not match, with the closest region of the file."""
    index = LineIndex(lines)
    replacements: list[Replacement] = []
    position = 0
    for number, chunk in enumerate(chunks, 1):
        where = report.ChunkRef(path, number, len(chunks), chunk)
        for context in chunk.contexts:
            found = index.seek([context], position)
            if found is None:
                raise report.context_not_found(index, context, position, where)
            position = found + 1
        if not chunk.old_lines:
            at = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
            replacements.append(Replacement(at, 0, chunk.new_lines))
            continue
        old, new = chunk.old_lines, chunk.new_lines
        found = index.seek(old, position, eof=chunk.end_of_file)
        if found is None and old[-1] == "":
            old = old[:-1]
            new = new[:-1] if new and new[-1] == "" else new
            found = index.seek(old, position, eof=chunk.end_of_file)
        if found is None:
            raise report.lines_not_found(index, chunk.old_lines, position, where)
        replacements.append(Replacement(found, len(old), new))
        position = found + len(old)
    return sorted(replacements, key=lambda replacement: replacement.start)


def splice(lines: Sequence[str], replacements: Sequence[Replacement]) -> list[str]:
    """``lines`` with sorted, non-overlapping ``replacements`` made, in one forward pass."""
    result: list[str] = []
    position = 0
    for replacement in replacements:
        start = max(replacement.start, position)
        result.extend(lines[position:start])
        result.extend(replacement.new_lines)
        position = max(position, replacement.start + replacement.old_len)
    result.extend(lines[position:])
    return result
