"""Cutting a streamed Markdown answer into blocks that can be printed for good as they complete.

A block ends at a blank line outside a fenced code block, once the next line has arrived and
shows that a new block starts there (a line that continues a list, or is indented, keeps the
block open so a loose list renders as one list). What is not yet complete stays pending; the
terminal shows it in a live region until it is.
"""

from __future__ import annotations

import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CONTINUES = re.compile(r"^(\s|[-*+]\s|\d+[.)]\s|>)")


class MarkdownStream:
    """Accumulates deltas; hands out each finished block once."""

    def __init__(self) -> None:
        self.text = ""
        self.done = 0
        """How much of ``text`` was handed out as finished blocks."""

    def feed(self, delta: str) -> str | None:
        """Add ``delta``; return the text of the blocks it completed, if any."""
        self.text += delta
        cut = self._last_boundary()
        if cut <= self.done:
            return None
        finished = self.text[self.done : cut].strip("\n")
        self.done = cut
        return finished or None

    def pending(self) -> str:
        """The text after the last finished block."""
        return self.text[self.done :]

    def finish(self) -> str | None:
        """The rest of the answer, at its end."""
        rest = self.pending().strip("\n")
        self.done = len(self.text)
        return rest or None

    def _last_boundary(self) -> int:
        """Offset just after the last blank line that ends a block, among complete lines."""
        position = self.done
        boundary = self.done
        fence: str | None = None
        blank_at: int | None = None
        for line in self.text[self.done :].split("\n")[:-1]:  # the last one is not complete
            end = position + len(line) + 1
            if blank_at is not None and line.strip():
                if fence is None and not _CONTINUES.match(line):
                    boundary = blank_at
                blank_at = None
            fence = _track_fence(line, fence)
            if not line.strip() and fence is None:
                blank_at = end
            position = end
        return boundary


def _track_fence(line: str, fence: str | None) -> str | None:
    """The open fence after ``line`` (None outside code blocks)."""
    match = _FENCE.match(line)
    if not match:
        return fence
    marker = match.group(1)
    if fence is None:
        return marker
    if marker[0] == fence[0] and len(marker) >= len(fence) and not line.strip()[len(marker) :]:
        return None
    return fence
