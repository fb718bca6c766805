"""Find where a file most resembles a block of lines that matched nowhere, for error messages.

Each line of the block votes for the window starts implied by the file lines equal to it (after
folding whitespace and punctuation) or, failing that, similar to it; the best-voted windows are
scored line by line. Similar lines are found among those sharing the line's rarer words, so a
failure on a large file still answers quickly.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from codex_py.tools.apply_patch.matcher import fold_punctuation

_MAX_FUZZY_LINES = 6
_MAX_WINDOWS = 20
_SHORTLIST = 30
_SIMILAR_CUTOFF = 0.6
_INEXACT_WEIGHT = 0.8
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Region:
    """``size`` lines from 0-based ``start``, resembling the wanted block with ``score`` in 0..1."""

    start: int
    size: int
    score: float


def closest_region(lines: Sequence[str], pattern: Sequence[str], near: int = 0) -> Region | None:
    """The window of ``lines`` most like ``pattern``, or None if no line resembles any of it.
    Among equally similar windows, those from line ``near`` on, and closest to it, win."""
    size = min(len(pattern), len(lines))
    if not size:
        return None
    keys = [fold_punctuation(line) for line in lines]
    wanted = [fold_punctuation(line) for line in pattern]
    positions: dict[str, list[int]] = {}
    for number, key in enumerate(keys):
        positions.setdefault(key, []).append(number)
    similar: _SimilarLines | None = None
    fuzzy_budget = _MAX_FUZZY_LINES
    votes: Counter[int] = Counter()
    for offset, key in enumerate(wanted):
        if not key:
            continue
        hits = positions.get(key)
        if hits is None and fuzzy_budget:
            fuzzy_budget -= 1
            similar = similar or _SimilarLines(positions)
            hits = [number for line in similar.to(key) for number in positions[line]]
        for number in hits or ():
            votes[min(max(number - offset, 0), len(lines) - size)] += 1
    scored = [
        Region(start, size, _similarity(keys[start : start + size], wanted))
        for start, _ in votes.most_common(_MAX_WINDOWS)
    ]
    return max(
        scored,
        key=lambda region: (region.score, region.start >= near, -abs(region.start - near)),
        default=None,
    )


class _SimilarLines:
    """Distinct file lines indexed by their words, to shortlist lines similar to a given one."""

    def __init__(self, distinct: Iterable[str]) -> None:
        self._by_word: dict[str, list[str]] = {}
        count = 0
        for line in distinct:
            count += 1
            for word in set(_WORD.findall(line)):
                self._by_word.setdefault(word, []).append(line)
        # Words on more lines than this say little and cost much: they are not used.
        self._common = max(50, count // 20)

    def to(self, line: str) -> list[str]:
        """File lines with a character similarity of at least 0.6 to ``line``."""
        shared: Counter[str] = Counter()
        for word in set(_WORD.findall(line)):
            having = self._by_word.get(word, ())
            if len(having) <= self._common:
                shared.update(having)
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(line)
        found = []
        for candidate, _ in shared.most_common(_SHORTLIST):
            matcher.set_seq1(candidate)
            if matcher.ratio() >= _SIMILAR_CUTOFF:
                found.append(candidate)
        return found


def _similarity(window: Sequence[str], wanted: Sequence[str]) -> float:
    """Mean line similarity: 1 for an equal line, a discounted character ratio otherwise, so
    windows where whole lines match rank above ones that are merely alike throughout."""
    total = 0.0
    for have, want in zip(window, wanted, strict=False):
        if have == want:
            total += 1
        else:
            ratio = difflib.SequenceMatcher(None, have, want, autojunk=False).ratio()
            total += _INEXACT_WEIGHT * ratio
    return total / len(wanted)
