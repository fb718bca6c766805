"""The adapters through the real ``openai`` and ``anthropic`` SDKs, over HTTP, against the local
fake API: replies, what the server received, error mapping and broken streams, on every wire."""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import replace
from typing import Any, Literal

import pytest

from codex_py.config.settings import Endpoint
from codex_py.errors import ContextLengthError, ProviderError
from codex_py.providers.anthropic import AnthropicProvider
from codex_py.providers.openai import OpenAIProvider
from codex_py.testing.fake_api import FakeAPI, RecordedRequest
from codex_py.types import Message, ModelRequest, ModelResponse, ToolResult, Usage

WIRES = ["responses", "chat", "messages"]
SHELL = {
    "name": "shell",
    "description": "Run a command",
    "parameters": {"type": "object", "properties": {"command": {"type": "array"}}},
}
Provider = OpenAIProvider | AnthropicProvider


def provider(base: str, wire: str, **endpoint: Any) -> Provider:
    """An adapter for ``wire`` at ``base`` (the fake's root URL)."""
    if wire == "messages":
        settings = Endpoint(kind="anthropic", base_url=base, api_key_env="ANTHROPIC_API_KEY")
        return AnthropicProvider("anthropic", replace(settings, **endpoint), "test-key")
    wire_api: Literal["responses", "chat"] = "chat" if wire == "chat" else "responses"
    settings = Endpoint(base_url=base + "/v1", wire_api=wire_api, api_key_env="OPENAI_API_KEY")
    return OpenAIProvider("openai", replace(settings, **endpoint), "test-key")


def ask(
    adapter: Provider,
    messages: list[Message],
    *,
    tools: bool = True,
    stream: bool = True,
    model: str = "model-x",
) -> tuple[ModelResponse, list[str]]:
    """One call on a fresh event loop; returns the answer and the text deltas seen."""
    deltas: list[str] = []
    request = ModelRequest(
        messages=messages, tools=[SHELL] if tools else [], model=model, stream=stream
    )

    async def call() -> ModelResponse:
        try:
            return await adapter.complete(request, deltas.append)
        finally:
            await adapter.aclose()

    return asyncio.run(call()), deltas


def fails(
    adapter: Provider, messages: list[Message] | None = None, **options: Any
) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        ask(adapter, messages or HELLO, **options)
    return caught.value


HELLO: list[Message] = [
    {"role": "system", "content": "Be helpful."},
    {"role": "user", "content": "Hello?"},
]


# --- replies ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "plain"])
@pytest.mark.parametrize("wire", WIRES)
def test_text_reply(fake_api: FakeAPI, wire: str, stream: bool) -> None:
    usage = {"input_tokens": 1200, "output_tokens": 40, "cache_read_tokens": 1000}
    fake_api.add({"text": "Hello there, friend.", "usage": usage})
    response, deltas = ask(provider(fake_api.url, wire), HELLO, stream=stream)
    assert response.text == "Hello there, friend."
    assert deltas == (["Hello", " there,", " friend."] if stream else [])
    assert response.tool_calls == []
    assert response.usage == Usage(input_tokens=1200, output_tokens=40, cache_read_tokens=1000)
    assert (response.provider, response.model) == (provider(fake_api.url, wire).name, "model-x")
    assert response.stop_reason == "stop"
    assert fake_api.requests[0].stream is stream


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "plain"])
@pytest.mark.parametrize("wire", WIRES)
def test_tool_calls(fake_api: FakeAPI, wire: str, stream: bool) -> None:
    calls = [
        {"name": "shell", "arguments": {"command": ["ls", "-la"]}, "id": "call_fixed1"},
        {"name": "apply_patch", "arguments": '{"input": "*** Begin Patch"}'},
    ]
    fake_api.add({"text": "Looking.", "tool_calls": calls})
    response, _ = ask(provider(fake_api.url, wire), HELLO, stream=stream)
    assert response.text == "Looking."
    assert [(call.name, call.parsed()) for call in response.tool_calls] == [
        ("shell", {"command": ["ls", "-la"]}),
        ("apply_patch", {"input": "*** Begin Patch"}),
    ]
    assert response.tool_calls[0].id == "call_fixed1"
    assert response.tool_calls[1].id
    assert response.stop_reason == "tool_calls"


def tool_history(call_id: str) -> list[Message]:
    result = ToolResult(output="a.py\nb.py", exit_code=0, duration_seconds=0.01)
    return [
        *HELLO,
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": call_id,
                    "type": "function",
                    "function": {"name": "shell", "arguments": '{"command": ["ls"]}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": call_id, "content": result.to_model_text()},
    ]


def sent_call_and_result(request: RecordedRequest) -> tuple[str, str, str]:
    """The tool call id, the result's id and the result text the server received."""
    body = request.body
    if request.wire == "responses":
        call = next(i for i in body["input"] if i.get("type") == "function_call")
        output = next(i for i in body["input"] if i.get("type") == "function_call_output")
        return call["call_id"], output["call_id"], output["output"]
    if request.wire == "chat":
        call = next(m for m in body["messages"] if m.get("tool_calls"))["tool_calls"][0]
        output = next(m for m in body["messages"] if m["role"] == "tool")
        return call["id"], output["tool_call_id"], output["content"]
    blocks = [block for turn in body["messages"] for block in turn["content"]]
    use = next(b for b in blocks if b["type"] == "tool_use")
    result = next(b for b in blocks if b["type"] == "tool_result")
    return use["id"], result["tool_use_id"], result["content"]


@pytest.mark.parametrize("wire", WIRES)
def test_server_receives_tools_roles_and_tool_results(fake_api: FakeAPI, wire: str) -> None:
    fake_api.add({"text": "Two files."})
    ask(provider(fake_api.url, wire), tool_history("call_7"))
    (request,) = fake_api.requests
    body = request.body
    assert body["model"] == "model-x"
    assert [tool.get("name") or tool["function"]["name"] for tool in body["tools"]] == ["shell"]
    call_id, result_id, output = sent_call_and_result(request)
    assert call_id == result_id == "call_7"
    assert json.loads(output) == {
        "output": "a.py\nb.py",
        "metadata": {"exit_code": 0, "duration_seconds": 0.01},
    }
    assert request.headers["authorization"] == "Bearer test-key"
    if wire == "messages":
        assert "anthropic-version" in request.headers
        assert body["system"][0]["text"] == "Be helpful."
        assert [turn["role"] for turn in body["messages"]] == ["user", "assistant", "user"]
        assert body["max_tokens"] == 8192
    else:
        assert body.get("max_output_tokens", body.get("max_tokens")) == 8192


@pytest.mark.parametrize("wire", WIRES)
def test_a_call_offering_no_tools_sends_no_tools_and_no_tool_blocks(
    fake_api: FakeAPI, wire: str
) -> None:
    fake_api.add({"text": "Plan: 1. look"})
    response, _ = ask(provider(fake_api.url, wire), tool_history("call_7"), tools=False)
    assert response.tool_calls == []
    body = fake_api.requests[0].body
    assert "tools" not in body
    sent = json.dumps(body)
    for marker in ("tool_use", "tool_result", "function_call", "tool_calls", '"tool"'):
        assert marker not in sent
    assert "[tool call call_7: shell" in sent


@pytest.mark.parametrize("wire", WIRES)
def test_max_output_tokens_comes_from_the_request_or_the_endpoint(
    fake_api: FakeAPI, wire: str
) -> None:
    fake_api.add({"text": "a"})
    fake_api.add({"text": "b"})
    adapter = provider(fake_api.url, wire, max_output_tokens=333)
    ask(adapter, HELLO)
    asyncio.run(_complete(adapter, ModelRequest(messages=HELLO, model="m", max_output_tokens=77)))
    limits = [
        next(r.body[k] for k in ("max_output_tokens", "max_tokens") if k in r.body)
        for r in fake_api.requests
    ]
    assert limits == [333, 77]


async def _complete(adapter: Provider, request: ModelRequest) -> ModelResponse:
    try:
        return await adapter.complete(request)
    finally:
        await adapter.aclose()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("messages", "responses"),
        ("responses", "messages"),
        ("messages", "chat"),
        ("chat", "messages"),
    ],
)
def test_a_tool_call_from_one_provider_is_answered_on_the_other(
    fake_api: FakeAPI, first: str, second: str
) -> None:
    fake_api.add({"tool_calls": [{"name": "shell", "arguments": {"command": ["ls"]}}]})
    fake_api.add({"text": "Done."})
    response, _ = ask(provider(fake_api.url, first), HELLO)
    (call,) = response.tool_calls
    history = [*HELLO, response.to_message()]
    history.append({"role": "tool", "tool_call_id": call.id, "content": "a.py"})
    answer, _ = ask(provider(fake_api.url, second), history)
    assert answer.text == "Done."
    assert [r.wire for r in fake_api.requests] == [first, second]
    assert sent_call_and_result(fake_api.requests[1]) == (call.id, call.id, "a.py")


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("wire", WIRES)
def test_401_names_the_key_variable(fake_api: FakeAPI, wire: str) -> None:
    fake_api.add({"status": 401})
    error = fails(provider(fake_api.url, wire))
    variable = "ANTHROPIC_API_KEY" if wire == "messages" else "OPENAI_API_KEY"
    assert (error.status, error.retryable) == (401, False)
    assert variable in str(error)
    assert "\n" not in str(error)


@pytest.mark.parametrize("wire", WIRES)
def test_404_on_a_model_names_the_model_and_the_config_key(fake_api: FakeAPI, wire: str) -> None:
    fake_api.add({"status": 404})
    adapter = provider(fake_api.url, wire)
    error = fails(adapter, model="no-such-model")
    assert (error.status, error.retryable) == (404, False)
    assert "'no-such-model'" in error.message
    assert f"providers.models.{adapter.name}" in error.hint


@pytest.mark.parametrize("status", [429, 500, 503, 529])
@pytest.mark.parametrize("wire", WIRES)
def test_overload_and_server_errors_are_retryable(
    fake_api: FakeAPI, wire: str, status: int
) -> None:
    fake_api.add({"status": status, "headers": {"retry-after": "3"}})
    error = fails(provider(fake_api.url, wire))
    assert (error.status, error.retryable, error.retry_after) == (status, True, 3.0)


@pytest.mark.parametrize("wire", WIRES)
def test_the_wait_asked_for_in_milliseconds_or_in_the_message_is_kept(
    fake_api: FakeAPI, wire: str
) -> None:
    fake_api.add({"status": 429, "headers": {"retry-after-ms": "1500"}})
    fake_api.add({"status": 429, "error": {"message": "Please try again in 2.5s."}})
    adapter = provider(fake_api.url, wire)
    assert [fails(adapter).retry_after for _ in range(2)] == [1.5, 2.5]


@pytest.mark.parametrize("wire", WIRES)
def test_a_bad_request_is_not_retryable(fake_api: FakeAPI, wire: str) -> None:
    fake_api.add({"status": 400, "error": {"message": "tools.0: bad schema"}})
    error = fails(provider(fake_api.url, wire))
    assert (error.status, error.retryable, type(error)) == (400, False, ProviderError)
    assert "tools.0: bad schema" in error.message


@pytest.mark.parametrize(
    ("wire", "error"),
    [
        ("responses", {"message": "Your input exceeds the context window of this model."}),
        (
            "chat",
            {
                "message": "This model's maximum context length is 8192 tokens.",
                "code": "context_length_exceeded",
            },
        ),
        ("messages", {"message": "prompt is too long: 210000 tokens > 200000 maximum"}),
    ],
)
def test_context_length_errors_have_their_own_type(
    fake_api: FakeAPI, wire: str, error: dict[str, str]
) -> None:
    fake_api.add({"status": 400, "error": error})
    assert isinstance(fails(provider(fake_api.url, wire)), ContextLengthError)


@pytest.mark.parametrize("wire", WIRES)
def test_connection_refused_names_the_base_url(wire: str) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{probe.getsockname()[1]}"
    error = fails(provider(base, wire))
    assert error.retryable
    assert f"at {base}" in error.message
    assert "base_url" in error.hint


@pytest.mark.parametrize(
    ("wire", "terminal"),
    [("responses", "response.completed"), ("chat", "finish_reason"), ("messages", "message_stop")],
)
def test_a_stream_cut_before_its_terminal_event_is_a_retryable_failure(
    fake_api: FakeAPI, wire: str, terminal: str
) -> None:
    fake_api.add({"text": "All done here.", "fault": "truncate"})
    error = fails(provider(fake_api.url, wire))
    assert error.retryable
    assert terminal in error.message


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "plain"])
@pytest.mark.parametrize("wire", WIRES)
def test_a_chunk_that_is_not_json_fails_the_call(
    fake_api: FakeAPI, wire: str, stream: bool
) -> None:
    fake_api.add({"text": "All done here.", "fault": "malformed", "fault_after": 3})
    error = fails(provider(fake_api.url, wire), stream=stream)
    assert error.retryable
    assert "not valid JSON" in error.message


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "plain"])
@pytest.mark.parametrize("wire", WIRES)
def test_a_dropped_connection_is_a_retryable_failure(
    fake_api: FakeAPI, wire: str, stream: bool
) -> None:
    fake_api.add({"text": "All done here.", "fault": "drop"})
    error = fails(provider(fake_api.url, wire), stream=stream)
    assert error.retryable
    assert "connection" in error.message


@pytest.mark.parametrize("wire", WIRES)
def test_a_stall_longer_than_the_timeout_is_a_retryable_failure(
    fake_api: FakeAPI, wire: str
) -> None:
    fake_api.add({"text": "All done here.", "fault": "stall", "delay": 30})
    error = fails(provider(fake_api.url, wire, timeout=0.2))
    assert error.retryable
    assert "sent nothing for 0.2 s" in error.message


@pytest.mark.parametrize(("wire", "status"), [("responses", 500), ("chat", 500), ("messages", 529)])
def test_an_error_event_mid_stream_is_mapped_like_its_status(
    fake_api: FakeAPI, wire: str, status: int
) -> None:
    fake_api.add({"text": "Partial answer", "status": status, "fault_after": 3})
    error = fails(provider(fake_api.url, wire))
    assert (error.status, error.retryable) == (status, True)


def test_a_request_without_a_model_fails_with_a_hint(fake_api: FakeAPI) -> None:
    error = fails(provider(fake_api.url, "messages"), model="")
    assert "providers.models.anthropic" in error.hint
    assert fake_api.requests == []
