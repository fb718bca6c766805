"""Table tests of the pure OpenAI translation: Responses API and Chat Completions."""

from __future__ import annotations

import re
from typing import Any

import pytest

from codex_py.errors import ContextLengthError, ProviderError
from codex_py.providers.wire.common import CallTarget, portable_call_id
from codex_py.providers.wire.openai import ChatStream, ResponsesStream, from_wire, to_wire
from codex_py.types import Message, ModelRequest, ToolCall, Usage

TARGET = CallTarget("openai", "gpt-test", "http://127.0.0.1:1/v1", "OPENAI_API_KEY")
SHELL = {"name": "shell", "description": "Run a command", "parameters": {"type": "object"}}
CLAUDE_ID = "toolu_01A09q90qw90lq917835lq9"
ODD_ID = "functions.shell:0"  # as some OpenAI-compatible servers name calls
HISTORY: list[Message] = [
    {"role": "system", "content": "You are a coding agent."},
    {"role": "user", "content": "List the files."},
    {
        "role": "assistant",
        "content": "Listing.",
        "tool_calls": [ToolCall(CLAUDE_ID, "shell", '{"command": ["ls"]}').to_wire()],
    },
    {"role": "tool", "tool_call_id": CLAUDE_ID, "content": '{"output": "a.py"}'},
    {
        "role": "assistant",
        "content": None,
        "tool_calls": [ToolCall(ODD_ID, "shell", '{"command": ["cat", "a.py"]}').to_wire()],
    },
    {"role": "tool", "tool_call_id": ODD_ID, "content": '{"output": "print(1)"}'},
    {"role": "user", "content": "Now summarise."},
]


def request(tools: bool = True, stream: bool = False, **changes: Any) -> ModelRequest:
    return ModelRequest(
        messages=HISTORY, tools=[SHELL] if tools else [], model="gpt-test", stream=stream, **changes
    )


# --- to_wire ---------------------------------------------------------------------------------


def test_responses_wire_keeps_roles_tool_calls_and_results_in_order() -> None:
    kwargs = to_wire(request(), wire_api="responses", max_output_tokens=512)
    assert kwargs["instructions"] == "You are a coding agent."
    assert kwargs["max_output_tokens"] == 512
    assert kwargs["store"] is False
    assert "stream" not in kwargs
    assert kwargs["tools"] == [
        {
            "type": "function",
            "name": "shell",
            "description": "Run a command",
            "parameters": {"type": "object"},
            "strict": False,
        }
    ]
    shapes = [(item.get("type", "message"), item.get("role")) for item in kwargs["input"]]
    assert shapes == [
        ("message", "user"),
        ("message", "assistant"),
        ("function_call", None),
        ("function_call_output", None),
        ("function_call", None),
        ("function_call_output", None),
        ("message", "user"),
    ]
    calls = [item for item in kwargs["input"] if item.get("type") == "function_call"]
    outputs = [item for item in kwargs["input"] if item.get("type") == "function_call_output"]
    assert calls[0] == {
        "type": "function_call",
        "call_id": CLAUDE_ID,
        "name": "shell",
        "arguments": '{"command": ["ls"]}',
    }
    assert [c["call_id"] for c in calls] == [o["call_id"] for o in outputs]
    assert outputs[1]["output"] == '{"output": "print(1)"}'


def test_chat_wire_keeps_roles_tool_calls_and_results_in_order() -> None:
    kwargs = to_wire(request(stream=True), wire_api="chat", max_output_tokens=256)
    assert kwargs["max_tokens"] == 256
    assert kwargs["stream"] is True
    assert kwargs["stream_options"] == {"include_usage": True}
    assert kwargs["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "shell",
                "description": "Run a command",
                "parameters": {"type": "object"},
            },
        }
    ]
    messages = kwargs["messages"]
    assert [m["role"] for m in messages] == [
        "system",
        "user",
        "assistant",
        "tool",
        "assistant",
        "tool",
        "user",
    ]
    assert messages[2]["content"] == "Listing."
    assert messages[2]["tool_calls"][0]["id"] == CLAUDE_ID
    assert messages[3]["tool_call_id"] == CLAUDE_ID
    assert messages[4]["content"] is None
    assert messages[4]["tool_calls"][0]["id"] == messages[5]["tool_call_id"]


@pytest.mark.parametrize("wire_api", ["responses", "chat"])
def test_without_tools_the_tool_traffic_is_sent_as_text(wire_api: Any) -> None:
    kwargs = to_wire(request(tools=False), wire_api=wire_api, max_output_tokens=100)
    items = kwargs["input" if wire_api == "responses" else "messages"]
    assert "tools" not in kwargs
    assert all("type" not in item and "tool_calls" not in item for item in items)
    assert {item["role"] for item in items} <= {"system", "user", "assistant"}
    text = "\n".join(item["content"] or "" for item in items)
    assert f"[tool call {CLAUDE_ID}: shell" in text
    assert f"[tool result {CLAUDE_ID}]\n" in text
    assert "print(1)" in text


@pytest.mark.parametrize(
    ("call_id", "kept"),
    [
        ("call_abc123", True),
        (CLAUDE_ID, True),
        ("x" * 40, True),
        ("x" * 41, False),
        (ODD_ID, False),
        ("call with spaces", False),
    ],
)
def test_call_ids_are_made_portable_deterministically(call_id: str, kept: bool) -> None:
    portable = portable_call_id(call_id)
    assert (portable == call_id) is kept
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,40}", portable)
    assert portable_call_id(call_id) == portable


@pytest.mark.parametrize("wire_api", ["responses", "chat"])
def test_an_odd_call_id_is_rewritten_the_same_way_in_the_call_and_its_result(
    wire_api: Any,
) -> None:
    kwargs = to_wire(request(), wire_api=wire_api, max_output_tokens=100)
    text = str(kwargs)
    assert ODD_ID not in text
    assert text.count(portable_call_id(ODD_ID)) == 2


# --- from_wire -------------------------------------------------------------------------------

RESPONSES_BODY = {
    "status": "completed",
    "output": [
        {"type": "reasoning", "id": "rs_1", "summary": []},
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Running ls.", "annotations": []}],
        },
        {
            "type": "function_call",
            "id": "fc_1",
            "call_id": "call_1",
            "name": "shell",
            "arguments": '{"command": ["ls"]}',
        },
    ],
    "usage": {
        "input_tokens": 120,
        "input_tokens_details": {"cached_tokens": 100},
        "output_tokens": 30,
        "output_tokens_details": {"reasoning_tokens": 12},
        "total_tokens": 150,
    },
}
CHAT_BODY = {
    "choices": [
        {
            "index": 0,
            "finish_reason": "tool_calls",
            "message": {
                "role": "assistant",
                "content": "Running ls.",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "shell", "arguments": '{"command": ["ls"]}'},
                    }
                ],
            },
        }
    ],
    "usage": {
        "prompt_tokens": 120,
        "completion_tokens": 30,
        "prompt_tokens_details": {"cached_tokens": 100},
        "completion_tokens_details": {"reasoning_tokens": 12},
    },
}


@pytest.mark.parametrize(("wire_api", "body"), [("responses", RESPONSES_BODY), ("chat", CHAT_BODY)])
def test_from_wire_reads_text_tool_calls_and_usage(wire_api: Any, body: dict[str, Any]) -> None:
    response = from_wire(body, wire_api=wire_api)
    assert response.text == "Running ls."
    assert response.tool_calls == [ToolCall("call_1", "shell", '{"command": ["ls"]}')]
    assert response.usage == Usage(
        input_tokens=120, output_tokens=30, cache_read_tokens=100, reasoning_tokens=12
    )
    assert response.stop_reason == "tool_calls"


@pytest.mark.parametrize(
    ("status", "details", "stop"),
    [
        ("completed", None, "stop"),
        ("incomplete", {"reason": "max_output_tokens"}, "length"),
        ("incomplete", {"reason": "content_filter"}, "content_filter"),
    ],
)
def test_responses_stop_reasons(status: str, details: Any, stop: str) -> None:
    body = {"status": status, "incomplete_details": details, "output": []}
    assert from_wire(body, wire_api="responses").stop_reason == stop


# --- streams ---------------------------------------------------------------------------------


def responses_events(terminal: bool = True) -> list[dict[str, Any]]:
    item = {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "shell"}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": {"status": "in_progress", "output": []}},
        {"type": "response.output_text.delta", "delta": "Run"},
        {"type": "response.output_text.delta", "delta": "ning."},
        {
            "type": "response.output_item.added",
            "output_index": 1,
            "item": {**item, "arguments": ""},
        },
        {"type": "response.function_call_arguments.delta", "output_index": 1, "delta": '{"a"'},
        {
            "type": "response.output_item.done",
            "output_index": 0,
            "item": {"type": "message", "content": [{"type": "output_text", "text": "Running."}]},
        },
        {
            "type": "response.output_item.done",
            "output_index": 1,
            "item": {**item, "arguments": "{}"},
        },
    ]
    usage = {"input_tokens": 9, "output_tokens": 4, "input_tokens_details": {"cached_tokens": 2}}
    if terminal:
        completed = {"status": "completed", "output": [], "usage": usage}
        events.append({"type": "response.completed", "response": completed})
    return events


def test_responses_stream_passes_deltas_and_builds_the_answer_from_done_items() -> None:
    stream = ResponsesStream(TARGET)
    deltas = [stream.feed(event) for event in responses_events()]
    assert "".join(deltas) == "Running."
    response = stream.finish()
    assert response.text == "Running."
    assert response.tool_calls == [ToolCall("call_1", "shell", "{}")]
    assert response.usage == Usage(input_tokens=9, output_tokens=4, cache_read_tokens=2)


def test_responses_stream_without_completed_is_a_retryable_failure() -> None:
    stream = ResponsesStream(TARGET)
    for event in responses_events(terminal=False):
        stream.feed(event)
    with pytest.raises(ProviderError, match=r"response\.completed") as caught:
        stream.finish()
    assert caught.value.retryable


@pytest.mark.parametrize(
    ("event", "kind", "retryable"),
    [
        ({"type": "error", "code": "server_error", "message": "boom"}, ProviderError, True),
        ({"type": "error", "code": "rate_limit_exceeded", "message": "slow"}, ProviderError, True),
        (
            {
                "type": "response.failed",
                "response": {"error": {"code": "context_length_exceeded", "message": "too long"}},
            },
            ContextLengthError,
            False,
        ),
    ],
)
def test_responses_stream_error_events_raise(
    event: dict[str, Any], kind: type[Exception], retryable: bool
) -> None:
    with pytest.raises(kind) as caught:
        ResponsesStream(TARGET).feed(event)
    assert isinstance(caught.value, ProviderError)
    assert caught.value.retryable is retryable


def chat_chunks(finish: bool = True) -> list[dict[str, Any]]:
    def chunk(delta: dict[str, Any], reason: str | None = None) -> dict[str, Any]:
        return {"choices": [{"index": 0, "delta": delta, "finish_reason": reason}], "usage": None}

    opening = {"index": 0, "id": "call_9", "type": "function", "function": {"name": "shell"}}
    chunks = [
        chunk({"role": "assistant", "content": ""}),
        chunk({"content": "Let me look."}),
        chunk({"tool_calls": [{**opening, "function": {"name": "shell", "arguments": ""}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '{"command": '}}]}),
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": '["ls"]}'}}]}),
        chunk({"tool_calls": [{"index": 1, "id": "call_10", "function": {"name": "shell"}}]}),
    ]
    if finish:
        chunks.append(chunk({}, "tool_calls"))
        chunks.append({"choices": [], "usage": {"prompt_tokens": 7, "completion_tokens": 3}})
    return chunks


def test_chat_stream_assembles_tool_calls_split_across_chunks() -> None:
    stream = ChatStream(TARGET)
    assert "".join(stream.feed(chunk) for chunk in chat_chunks()) == "Let me look."
    response = stream.finish()
    assert response.tool_calls == [
        ToolCall("call_9", "shell", '{"command": ["ls"]}'),
        ToolCall("call_10", "shell", "{}"),
    ]
    assert response.usage == Usage(input_tokens=7, output_tokens=3)
    assert response.stop_reason == "tool_calls"


def test_chat_stream_without_finish_reason_is_a_retryable_failure() -> None:
    stream = ChatStream(TARGET)
    for chunk in chat_chunks(finish=False):
        stream.feed(chunk)
    with pytest.raises(ProviderError, match="finish_reason") as caught:
        stream.finish()
    assert caught.value.retryable


def test_the_session_cache_key_goes_to_the_responses_api_only() -> None:
    keyed = ModelRequest(messages=[{"role": "user", "content": "hi"}], model="m", cache_key="s1")
    assert to_wire(keyed, wire_api="responses", max_output_tokens=5)["prompt_cache_key"] == "s1"
    assert "prompt_cache_key" not in to_wire(keyed, wire_api="chat", max_output_tokens=5)
