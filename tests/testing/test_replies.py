"""The scripted-reply format: parsing, validation and conversion."""

from __future__ import annotations

from typing import Any

import pytest

from codex_py.testing.replies import Reply, ScriptedCall, parse_reply
from codex_py.types import ToolCall, Usage


def test_a_full_reply_parses() -> None:
    reply = parse_reply(
        {
            "text": "hi",
            "tool_calls": [
                {"name": "shell", "arguments": {"command": ["ls"]}, "id": "call_1"},
                {"name": "apply_patch", "arguments": '{"input": "x"}'},
            ],
            "usage": {"input_tokens": 7, "cache_read_tokens": 3},
            "delay": 1,
            "status": 200,
            "headers": {"retry-after": 2},
            "fault": "stall",
            "fault_after": 4,
        }
    )
    assert reply == Reply(
        text="hi",
        tool_calls=(
            ScriptedCall("shell", '{"command": ["ls"]}', "call_1"),
            ScriptedCall("apply_patch", '{"input": "x"}'),
        ),
        usage=Usage(input_tokens=7, output_tokens=5, cache_read_tokens=3),
        delay=1.0,
        headers={"retry-after": "2"},
        fault="stall",
        fault_after=4,
    )


def test_defaults() -> None:
    reply = parse_reply({})
    assert (reply.text, reply.tool_calls, reply.status, reply.fault) == ("", (), 200, None)
    assert reply.usage == Usage(input_tokens=10, output_tokens=5)
    assert not reply.is_error
    assert parse_reply({"status": 429}).is_error


@pytest.mark.parametrize(
    ("data", "complaint"),
    [
        ({"txt": "typo"}, "unknown reply key 'txt'"),
        ({"fault": "explode"}, "fault must be one of"),
        ({"status": 99}, "status must be"),
        ({"text": 5}, "'text' has the wrong type"),
        ({"delay": True}, "'delay' has the wrong type"),
        ({"tool_calls": [{"arguments": {}}]}, "needs a string 'name'"),
        ({"tool_calls": [{"name": "x", "arguments": 3}]}, "mapping or JSON text"),
        ({"usage": {"input": 3}}, "unknown usage key 'input'"),
        ({"usage": {"input_tokens": "3"}}, "usage 'input_tokens' must be a whole number"),
        ({"fault_after": -1}, "'fault_after' must not be negative"),
        ({"delay": -0.5}, "'delay' must not be negative"),
    ],
)
def test_bad_replies_name_what_is_wrong(data: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint):
        parse_reply(data)


def test_to_response_keeps_given_ids_and_makes_up_missing_ones() -> None:
    reply = parse_reply(
        {"text": "ok", "tool_calls": [{"name": "a", "id": "c1"}, {"name": "b"}, {"name": "b"}]}
    )
    response = reply.to_response()
    assert response.tool_calls[0] == ToolCall("c1", "a", "{}")
    assert response.stop_reason == "tool_calls"
    made_up = [call.id for call in response.tool_calls[1:]]
    assert all(made_up) and made_up[0] != made_up[1]
    assert response.usage == reply.usage and response.usage is not reply.usage
