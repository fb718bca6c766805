"""Locate a block of lines in a file.

:class:`LineIndex` runs Codex's four passes, each over the whole searchable range before the
next is tried: exact, ignoring trailing whitespace, ignoring surrounding whitespace, and with
Unicode punctuation folded to ASCII.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

_FOLDED = {
    "-": "\u2010\u2011\u2012\u2013\u2014\u2015\u2212",
    "'": "\u2018\u2019\u201a\u201b",
    '"': "\u201c\u201d\u201e\u201f",
    " ": "\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000",
}
_FOLD_TABLE = str.maketrans({char: ascii_ for ascii_, chars in _FOLDED.items() for char in chars})


def fold_punctuation(line: str) -> str:
    """``line`` stripped, with typographic dashes, quotes and spaces replaced by ASCII ones."""
    return line.strip().translate(_FOLD_TABLE)


def _unchanged(line: str) -> str:
    return line


Normaliser = Callable[[str], str]

PASSES: tuple[tuple[str, Normaliser], ...] = (
    ("exact", _unchanged),
    ("ignoring trailing whitespace", str.rstrip),
    ("ignoring surrounding whitespace", str.strip),
    ("with Unicode punctuation folded", fold_punctuation),
)


class LineIndex:
    """A file's lines, with each pass's normalised copy computed on first use."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self._views: dict[int, list[str]] = {0: lines}

    def _view(self, pass_number: int) -> list[str]:
        view = self._views.get(pass_number)
        if view is None:
            view = self._views[pass_number] = list(map(PASSES[pass_number][1], self.lines))
        return view

    def seek(self, pattern: Sequence[str], start: int, *, eof: bool = False) -> int | None:
        """Index of the first match of ``pattern`` at or after ``start`` (only at the very end
        when ``eof``), trying the passes in order; ``None`` when no pass matches."""
        if not pattern:
            return start
        last = len(self.lines) - len(pattern)
        first = last if eof else start
        if first < start or first > last:
            return None
        for pass_number, (_, normalise) in enumerate(PASSES):
            keys = [normalise(line) for line in pattern]
            found = _find(self._view(pass_number), keys, first, last)
            if found is not None:
                return found
        return None


def _find(view: list[str], keys: list[str], first: int, last: int) -> int | None:
    """First ``i`` in ``[first, last]`` with ``view[i:i+len(keys)] == keys``.

    Candidates come from ``list.index`` (C speed) on the pattern's longest line, which is the
    one least likely to repeat, so the scan stays linear in practice.
    """
    anchor = max(range(len(keys)), key=lambda j: len(keys[j]))
    target = keys[anchor]
    size = len(keys)
    i = first
    while i <= last:
        try:
            i = view.index(target, i + anchor, last + anchor + 1) - anchor
        except ValueError:
            return None
        if view[i : i + size] == keys:
            return i
        i += 1
    return None
