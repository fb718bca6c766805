"""Reading ``codex exec --json`` output back, for tests and benchmarks.

``decode`` gives the typed events; ``events`` the same lines as JSON objects (the wire shape),
each checked to be an event. A line that is not an event fails loudly (``EventDecodeError``):
the stream is ours, so nothing in it may be unreadable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TypeVar

from codex_py.errors import EventDecodeError
from codex_py.events import Event, from_dict

JsonEvent = dict[str, Any]
E = TypeVar("E", bound=Event)


def decode(stdout: str) -> list[Event]:
    """Every event of ``stdout``, typed, in order."""
    return [from_dict(item) for item in _objects(stdout)]


def of_type(log: Iterable[Event], kind: type[E]) -> list[E]:
    """The events of one class."""
    return [event for event in log if isinstance(event, kind)]


def events(stdout: str) -> list[JsonEvent]:
    """Every event line of ``stdout`` as its JSON object, in order."""
    found = _objects(stdout)
    for item in found:
        from_dict(item)
    return found


def of(log: list[JsonEvent], kind: str) -> list[JsonEvent]:
    """The JSON events of one ``type``."""
    return [event for event in log if event["type"] == kind]


def _objects(stdout: str) -> list[JsonEvent]:
    found = []
    for line in stdout.splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if not isinstance(item, dict):
            raise EventDecodeError(f"not a JSON object: {line[:80]!r}")
        found.append(item)
    return found
