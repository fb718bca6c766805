"""Table tests of the pure Anthropic Messages API translation."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from codex_py.errors import ContextLengthError, ProviderError
from codex_py.providers.wire.common import CallTarget, portable_call_id
from codex_py.providers.wire.messages import (
    CACHE,
    CONTINUE,
    MessagesStream,
    from_wire,
    to_wire,
)
from codex_py.types import Message, ModelRequest, ToolCall, Usage

TARGET = CallTarget("anthropic", "claude-test", "http://127.0.0.1:1", "ANTHROPIC_API_KEY")
SHELL = {"name": "shell", "description": "Run a command", "parameters": {"type": "object"}}
OPENAI_ID = "call_abc123"  # a call made earlier by an OpenAI model
ODD_ID = "functions.shell:0"
HISTORY: list[Message] = [
    {"role": "system", "content": "You are a coding agent."},
    {"role": "user", "content": "List the files."},
    {"role": "user", "content": "Then read one."},
    {
        "role": "assistant",
        "content": "Listing.",
        "tool_calls": [
            ToolCall(OPENAI_ID, "shell", '{"command": ["ls"]}').to_wire(),
            ToolCall(ODD_ID, "shell", '{"command": ["pwd"]}').to_wire(),
        ],
    },
    {"role": "tool", "tool_call_id": OPENAI_ID, "content": '{"output": "a.py"}'},
    {"role": "tool", "tool_call_id": ODD_ID, "content": '{"output": "/w"}'},
    {"role": "user", "content": "Now summarise."},
    {"role": "assistant", "content": "   "},
    {"role": "system", "content": "Be brief."},
]


def request(tools: bool = True, **changes: Any) -> ModelRequest:
    tool_list = [SHELL] if tools else []
    return ModelRequest(messages=HISTORY, tools=tool_list, model="claude-test", **changes)


def test_system_goes_to_system_and_same_role_turns_merge() -> None:
    kwargs = to_wire(request(stream=False), max_tokens=1024)
    assert kwargs["model"] == "claude-test"
    assert kwargs["max_tokens"] == 1024
    assert "stream" not in kwargs
    assert kwargs["system"] == [
        {"type": "text", "text": "You are a coding agent.\n\nBe brief.", "cache_control": CACHE}
    ]
    assert kwargs["tools"] == [
        {"name": "shell", "description": "Run a command", "input_schema": {"type": "object"}}
    ]
    turns = kwargs["messages"]
    assert [turn["role"] for turn in turns] == ["user", "assistant", "user"]
    assert turns[0]["content"] == [
        {"type": "text", "text": "List the files."},
        {"type": "text", "text": "Then read one."},
    ]


def test_tool_calls_become_tool_use_and_results_lead_the_next_user_turn() -> None:
    assistant, results = to_wire(request(), max_tokens=1)["messages"][1:3]
    assert assistant["content"][0] == {"type": "text", "text": "Listing."}
    assert assistant["content"][1] == {
        "type": "tool_use",
        "id": OPENAI_ID,
        "name": "shell",
        "input": {"command": ["ls"]},
    }
    assert [block["type"] for block in results["content"]] == [
        "tool_result",
        "tool_result",
        "text",
    ]
    assert results["content"][0] == {
        "type": "tool_result",
        "tool_use_id": OPENAI_ID,
        "content": '{"output": "a.py"}',
    }
    # The last block of the history is the prompt-cache breakpoint.
    assert results["content"][2] == {
        "type": "text",
        "text": "Now summarise.",
        "cache_control": CACHE,
    }


def test_only_the_system_prompt_and_the_end_of_the_history_are_cache_breakpoints() -> None:
    kwargs = to_wire(request(), max_tokens=1)
    marked = [b for turn in kwargs["messages"] for b in turn["content"] if "cache_control" in b]
    assert marked == [kwargs["messages"][-1]["content"][-1]]
    assert kwargs["system"][0]["cache_control"] == CACHE


def test_a_history_ending_with_the_assistant_asks_for_the_next_turn() -> None:
    plan = ModelRequest(
        messages=[
            {"role": "user", "content": "Fix it."},
            {"role": "assistant", "content": "1. Read\n2. Fix"},
        ],
        model="claude-test",
    )
    turns = to_wire(plan, max_tokens=1)["messages"]
    assert [t["role"] for t in turns] == ["user", "assistant", "user"]
    assert turns[-1]["content"][0]["text"] == CONTINUE


def test_ids_that_anthropic_rejects_are_rewritten_the_same_in_call_and_result() -> None:
    assistant, results = to_wire(request(), max_tokens=1)["messages"][1:3]
    use_id = assistant["content"][2]["id"]
    assert use_id != ODD_ID
    assert re.fullmatch(r"[a-zA-Z0-9_-]+", use_id)
    assert use_id == portable_call_id(ODD_ID) == results["content"][1]["tool_use_id"]


def test_without_tools_no_tool_blocks_are_sent() -> None:
    kwargs = to_wire(request(tools=False), max_tokens=1)
    assert "tools" not in kwargs
    blocks = [block for turn in kwargs["messages"] for block in turn["content"]]
    assert {block["type"] for block in blocks} == {"text"}
    text = "\n".join(block["text"] for block in blocks)
    assert f'[tool call {OPENAI_ID}: shell {{"command": ["ls"]}}]' in text
    assert f'[tool result {ODD_ID}]\n{{"output": "/w"}}' in text
    assert [turn["role"] for turn in kwargs["messages"]] == ["user", "assistant", "user"]


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ('{"command": ["ls"]}', {"command": ["ls"]}),
        ("", {}),
        ("not json", {"raw_arguments": "not json"}),
        ("[1, 2]", {"raw_arguments": "[1, 2]"}),
    ],
)
def test_tool_use_input_is_always_an_object(arguments: str, expected: dict[str, Any]) -> None:
    call = ToolCall("call_1", "shell", arguments).to_wire()
    history: list[Message] = [
        {"role": "user", "content": "go"},
        {"role": "assistant", "tool_calls": [call]},
    ]
    request = ModelRequest(messages=history, tools=[SHELL], model="m")
    assistant = to_wire(request, max_tokens=1)["messages"][1]
    assert assistant["content"] == [
        {"type": "tool_use", "id": "call_1", "name": "shell", "input": expected}
    ]


# --- from_wire -------------------------------------------------------------------------------


def test_from_wire_reads_text_tool_use_and_normalises_usage() -> None:
    body = {
        "content": [
            {"type": "text", "text": "I'll list them."},
            {"type": "tool_use", "id": "toolu_1", "name": "shell", "input": {"command": ["ls"]}},
        ],
        "stop_reason": "tool_use",
        "usage": {
            "input_tokens": 20,
            "output_tokens": 15,
            "cache_read_input_tokens": 1000,
            "cache_creation_input_tokens": 300,
        },
    }
    response = from_wire(body)
    assert response.text == "I'll list them."
    assert response.tool_calls == [ToolCall("toolu_1", "shell", '{"command": ["ls"]}')]
    assert response.stop_reason == "tool_calls"
    assert response.usage == Usage(
        input_tokens=1320, output_tokens=15, cache_read_tokens=1000, cache_write_tokens=300
    )


@pytest.mark.parametrize(
    ("wire", "ours"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("tool_use", "tool_calls"),
        ("max_tokens", "length"),
        ("refusal", "content_filter"),
        ("pause_turn", "pause_turn"),
    ],
)
def test_stop_reasons(wire: str, ours: str) -> None:
    assert from_wire({"content": [], "stop_reason": wire}).stop_reason == ours


# --- streams ---------------------------------------------------------------------------------


def stream_events(stop: bool = True) -> list[dict[str, Any]]:
    usage = {"input_tokens": 5, "cache_read_input_tokens": 40, "output_tokens": 1}
    tool = {"type": "tool_use", "id": "toolu_7", "name": "shell", "input": {}}
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": {"content": [], "usage": usage}},
        {"type": "ping"},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "!"}},
        {"type": "content_block_stop", "index": 0},
        {"type": "content_block_start", "index": 1, "content_block": tool},
        *[
            {
                "type": "content_block_delta",
                "index": 1,
                "delta": {"type": "input_json_delta", "partial_json": piece},
            }
            for piece in ["", '{"comm', 'and": ["ls"]}']
        ],
        {"type": "content_block_stop", "index": 1},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use"},
            "usage": {"output_tokens": 9},
        },
    ]
    return [*events, {"type": "message_stop"}] if stop else events


def test_stream_passes_text_deltas_and_assembles_tool_input() -> None:
    stream = MessagesStream(TARGET)
    deltas = [stream.feed(event) for event in stream_events()]
    assert [delta for delta in deltas if delta] == ["Hi", "!"]
    response = stream.finish()
    assert response.text == "Hi!"
    assert response.tool_calls == [ToolCall("toolu_7", "shell", json.dumps({"command": ["ls"]}))]
    assert response.stop_reason == "tool_calls"
    assert response.usage == Usage(input_tokens=45, output_tokens=9, cache_read_tokens=40)


def test_stream_without_message_stop_is_a_retryable_failure() -> None:
    stream = MessagesStream(TARGET)
    for event in stream_events(stop=False):
        stream.feed(event)
    with pytest.raises(ProviderError, match="message_stop") as caught:
        stream.finish()
    assert caught.value.retryable


def test_stream_with_broken_tool_input_fails_retryably() -> None:
    stream = MessagesStream(TARGET)
    events = stream_events()
    events[8] = {**events[8], "delta": {"type": "input_json_delta", "partial_json": '{"comm'}}
    events[9] = {**events[9], "delta": {"type": "input_json_delta", "partial_json": "and"}}
    for event in events:
        stream.feed(event)
    with pytest.raises(ProviderError, match="not JSON") as caught:
        stream.finish()
    assert caught.value.retryable


@pytest.mark.parametrize(
    ("error", "kind", "status", "retryable"),
    [
        ({"type": "overloaded_error", "message": "Overloaded"}, ProviderError, 529, True),
        ({"type": "api_error", "message": "Internal"}, ProviderError, 500, True),
        ({"type": "rate_limit_error", "message": "slow down"}, ProviderError, 429, True),
        (
            {"type": "invalid_request_error", "message": "prompt is too long: 9 > 8"},
            ContextLengthError,
            400,
            False,
        ),
    ],
)
def test_stream_error_events_raise(
    error: dict[str, str], kind: type[Exception], status: int, retryable: bool
) -> None:
    with pytest.raises(kind) as caught:
        MessagesStream(TARGET).feed({"type": "error", "error": error})
    assert isinstance(caught.value, ProviderError)
    assert (caught.value.status, caught.value.retryable) == (status, retryable)
