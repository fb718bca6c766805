"""Server-sent-event framing and the small helpers the fake API's reply renderers share."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]


@dataclass(frozen=True)
class Stream:
    """The frames of one streamed reply. ``terminal`` is the index of the first frame of the
    terminal part (what a ``truncate`` fault leaves out); ``malformed`` is a frame, framed like
    the others, whose data is not JSON.
    """

    frames: list[bytes]
    terminal: int
    malformed: bytes


def frame(data: Json | str, event: str | None = None) -> bytes:
    """One SSE frame: an optional ``event:`` line, a ``data:`` line and a blank line."""
    payload = data if isinstance(data, str) else json.dumps(data)
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {payload}\n\n".encode()


def new_id(prefix: str) -> str:
    return prefix + uuid.uuid4().hex[:24]


def words(text: str) -> list[str]:
    """Text split as models stream it, a word with its leading space at a time; joins back."""
    if not text.strip():
        return [text] if text else []
    return re.findall(r"\s*\S+\s*$|\s*\S+", text)


def thirds(text: str) -> list[str]:
    """Text in (up to) three pieces, as tool arguments arrive."""
    size = max(1, -(-len(text) // 3))
    return [text[i : i + size] for i in range(0, len(text), size)]


def json_object(text: str) -> Any:
    """Parsed JSON text, or ``{}`` when it is not JSON (scripted arguments may be broken)."""
    try:
        return json.loads(text or "{}")
    except json.JSONDecodeError:
        return {}
