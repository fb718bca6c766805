"""Bounded capture of a command's output: the head, the tail and the counts, never the middle.

A command may print gigabytes; the agent keeps at most ``limit`` bytes of it (the first half and
the last half) plus running totals, so its memory does not grow with the output. ``render``
turns what was kept into text for the model, with a marker saying how much was cut.
"""

from __future__ import annotations

from dataclasses import dataclass

_MARKER_RESERVE = 200
"""Room kept for the cut marker when choosing how many head and tail bytes to show."""


@dataclass(frozen=True)
class Rendered:
    """What ``OutputCapture.render`` returns: the text and whether anything was cut."""

    text: str
    truncated: bool


class OutputCapture:
    """Keeps the first and last bytes of a stream within ``limit`` bytes in all."""

    def __init__(self, limit: int) -> None:
        if limit <= 0:
            raise ValueError("limit must be positive")
        self.limit = limit
        self._head_capacity = limit // 2
        self._tail_capacity = limit - self._head_capacity
        self._head = bytearray()
        self._tail = bytearray()
        self.total_bytes = 0
        self._newlines = 0
        self._last_byte = b""

    def feed(self, chunk: bytes) -> None:
        """Record the next piece of output."""
        if not chunk:
            return
        self.total_bytes += len(chunk)
        self._newlines += chunk.count(b"\n")
        self._last_byte = chunk[-1:]
        room = self._head_capacity - len(self._head)
        if room > 0:
            self._head += chunk[:room]
            chunk = chunk[room:]
        if len(chunk) >= self._tail_capacity:
            self._tail = bytearray(chunk[-self._tail_capacity :])
            return
        self._tail += chunk
        # Trim lazily (at twice the capacity) so a stream of small chunks costs amortised O(1).
        if len(self._tail) > 2 * self._tail_capacity:
            del self._tail[: -self._tail_capacity]

    @property
    def total_lines(self) -> int:
        """Lines seen, counting a last line without a newline."""
        partial = 1 if self._last_byte and self._last_byte != b"\n" else 0
        return self._newlines + partial

    @property
    def buffered_bytes(self) -> int:
        """Bytes held in memory right now (bounded by about twice ``limit``)."""
        return len(self._head) + len(self._tail)

    @property
    def truncated(self) -> bool:
        return self.total_bytes > self.limit

    def render(self, limit: int | None = None) -> Rendered:
        """The output as text of at most ``limit`` UTF-8 bytes (default: the capture's limit).

        Undecodable bytes become U+FFFD. When the output does not fit, the middle is replaced by a
        marker giving the number of bytes and lines cut.
        """
        budget = min(limit or self.limit, self.limit)
        if self.total_bytes <= self.limit:  # nothing was dropped: head + tail is the whole stream
            head_source = tail_source = bytes(self._head) + bytes(self._tail)
        else:
            head_source, tail_source = bytes(self._head), bytes(self._tail)
        if self.total_bytes <= budget:
            return Rendered(_decode_within(head_source, budget, keep_end=False), False)
        room = max(budget - _MARKER_RESERVE, 0)
        head_room, tail_room = room // 2, room - room // 2
        head_bytes = _whole_chars(head_source[:head_room], keep_end=False)
        tail_bytes = _whole_chars(
            tail_source[max(len(tail_source) - tail_room, 0) :], keep_end=True
        )
        cut_bytes = self.total_bytes - len(head_bytes) - len(tail_bytes)
        cut_lines = self._newlines - head_bytes.count(b"\n") - tail_bytes.count(b"\n")
        marker = (
            f"\n[... {cut_bytes} bytes and {cut_lines} lines cut; the command printed "
            f"{self.total_bytes} bytes in {self.total_lines} lines ...]\n"
        )
        head_text = _decode_within(head_bytes, head_room, keep_end=False)
        tail_text = _decode_within(tail_bytes, tail_room, keep_end=True)
        return Rendered(head_text + marker + tail_text, True)


def _whole_chars(data: bytes, *, keep_end: bool) -> bytes:
    """Drop a UTF-8 character cut in two at the edge where ``data`` was sliced."""
    if keep_end:  # sliced at the start: skip continuation bytes (0b10xxxxxx)
        skip = 0
        while skip < min(3, len(data)) and 0x80 <= data[skip] < 0xC0:
            skip += 1
        return data[skip:]
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return data
        if byte >= 0xC0:  # the lead byte of the last character: is the character complete?
            needed = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return data if back >= needed else data[:-back]
    return data


def _decode_within(data: bytes, limit: int, *, keep_end: bool) -> str:
    """Decode ``data`` leniently, then cut the text to ``limit`` UTF-8 bytes on a character
    boundary (keeping the end when ``keep_end``). Cutting is needed because a slice may start or
    end inside a character, and replacement characters take more bytes than what they replace.
    """
    text = data.decode("utf-8", errors="replace")
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    kept = encoded[len(encoded) - limit :] if keep_end else encoded[:limit]
    return kept.decode("utf-8", errors="ignore")
