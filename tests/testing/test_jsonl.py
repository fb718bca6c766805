"""Reading ``--json`` output back: typed events, and a loud failure on a line that is not one."""

from __future__ import annotations

import json

import pytest

from codex_py.errors import EventDecodeError
from codex_py.events import RouteEvent, SessionEnd, UsageEvent
from codex_py.testing.jsonl import decode, events, of, of_type

STREAM = [
    RouteEvent("planning", "anthropic", "claude-x", "first call"),
    UsageEvent("anthropic", "claude-x", 10, 5, intent="planning", cost_usd=0.5),
    SessionEnd("completed", 1),
]
STDOUT = "\n".join(json.dumps(e.to_dict()) for e in STREAM) + "\n\n"


def test_decode_gives_the_typed_events_in_order() -> None:
    log = decode(STDOUT)
    assert log == STREAM
    assert of_type(log, UsageEvent)[0].cost_usd == 0.5
    assert of(events(STDOUT), "session_end") == [STREAM[-1].to_dict()]


@pytest.mark.parametrize(
    "line", ['{"type": "usage", "provider": "p"}', '{"type": "nope"}', "[1]", "not json"]
)
def test_a_line_that_is_not_an_event_fails_loudly(line: str) -> None:
    with pytest.raises((EventDecodeError, ValueError)):
        decode(STDOUT + line)
    with pytest.raises((EventDecodeError, ValueError)):
        events(STDOUT + line)
