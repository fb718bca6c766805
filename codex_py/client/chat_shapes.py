"""OpenAI Chat Completions shapes for the public client: a request in, a completion or stream
chunks out, in exactly the JSON the API would send (``ChatObject`` adds attribute access)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from codex_py.types import Message, ModelRequest, ModelResponse, Provider, ToolSpec, Usage

_MESSAGE_KEYS = ("role", "content", "tool_calls", "tool_call_id", "name")
_FINISH_REASONS = frozenset({"stop", "length", "content_filter", "tool_calls"})


class ChatObject(dict[str, Any]):
    """A dict of the API's JSON, whose keys can also be read as attributes, like the OpenAI
    SDK's objects (``reply.choices[0].message.content``)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        super().__init__({key: _wrap(value) for key, value in data.items()})

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def to_dict(self) -> dict[str, Any]:
        """A plain, JSON-serialisable copy."""
        return {key: _plain(value) for key, value in self.items()}

    def model_dump(self) -> dict[str, Any]:
        """The same as ``to_dict()`` (the name pydantic objects use)."""
        return self.to_dict()


def _wrap(value: Any) -> Any:
    if isinstance(value, Mapping):
        return ChatObject(value)
    return [_wrap(item) for item in value] if isinstance(value, list) else value


def _plain(value: Any) -> Any:
    if isinstance(value, ChatObject):
        return value.to_dict()
    return [_plain(item) for item in value] if isinstance(value, list) else value


def request_from_chat(
    messages: Sequence[Mapping[str, Any]],
    *,
    model: str,
    tools: Sequence[Mapping[str, Any]] | None,
    tool_choice: str | None,
    max_tokens: int | None,
    stream: bool,
) -> ModelRequest:
    """Chat Completions arguments as our ``ModelRequest``."""
    if tool_choice not in (None, "auto", "none"):
        raise ValueError(f"tool_choice {tool_choice!r} is not supported; use 'auto' or 'none'")
    specs = [] if tool_choice == "none" else [_tool_spec(tool) for tool in tools or []]
    return ModelRequest(
        messages=[_message(message) for message in messages],
        tools=specs,
        model=model,
        intent="tool_use" if specs else "synthesis",  # as the router would classify the call
        max_output_tokens=max_tokens,
        stream=stream,
    )


def _message(message: Mapping[str, Any]) -> Message:
    out: Message = {key: message[key] for key in _MESSAGE_KEYS if message.get(key) is not None}
    if out.get("role") == "developer":
        out["role"] = "system"
    if "content" not in out and out.get("role") != "assistant":
        out["content"] = ""
    if "tool_calls" in out:
        out["tool_calls"] = [_tool_call(call) for call in out["tool_calls"]]
    return out


def _tool_call(call: Mapping[str, Any]) -> dict[str, Any]:
    function = call["function"]
    return {
        "id": call["id"],
        "type": "function",
        "function": {"name": function["name"], "arguments": function.get("arguments") or "{}"},
    }


def _tool_spec(tool: Mapping[str, Any]) -> ToolSpec:
    if tool.get("type") != "function" or "function" not in tool:
        raise ValueError(f"only function tools are supported, not {tool.get('type')!r}")
    function = tool["function"]
    return {
        "name": function["name"],
        "description": function.get("description", ""),
        "parameters": function.get("parameters") or {"type": "object", "properties": {}},
    }


def completion(response: ModelResponse, model: str) -> ChatObject:
    """A ``chat.completion`` object for ``response``."""
    message: dict[str, Any] = {"role": "assistant", "content": response.text or None}
    if response.tool_calls:
        message["tool_calls"] = [call.to_wire() for call in response.tool_calls]
    choice = {"index": 0, "message": message, "finish_reason": finish_reason(response)}
    return ChatObject(
        {
            **_header("chat.completion", response.model or model),
            "choices": [{**choice, "logprobs": None}],
            "usage": usage_dict(response.usage),
        }
    )


def finish_reason(response: ModelResponse) -> str:
    if response.tool_calls:
        return "tool_calls"
    return response.stop_reason if response.stop_reason in _FINISH_REASONS else "stop"


def usage_dict(usage: Usage) -> dict[str, Any]:
    return {
        "prompt_tokens": usage.input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.input_tokens + usage.output_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cache_read_tokens},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
    }


async def stream_chunks(
    provider: Provider, request: ModelRequest, *, include_usage: bool
) -> AsyncIterator[ChatObject]:
    """``chat.completion.chunk`` objects as the provider streams its text; tool calls, the
    finish reason and (when asked) the usage follow once it is done. Text that was not
    streamed (an ensemble's) comes in one chunk at the end."""
    header = _header("chat.completion.chunk", request.model)
    if include_usage:
        header["usage"] = None

    def chunk(delta: dict[str, Any], finish: str | None = None) -> ChatObject:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return ChatObject({**header, "choices": [choice]})

    texts: asyncio.Queue[str | None] = asyncio.Queue()
    call = asyncio.ensure_future(provider.complete(request, on_text=texts.put_nowait))
    call.add_done_callback(lambda _: texts.put_nowait(None))
    streamed = False
    try:
        yield chunk({"role": "assistant", "content": ""})
        while (text := await texts.get()) is not None:
            streamed = streamed or bool(text)
            yield chunk({"content": text})
        response = await call
    finally:
        call.cancel()
    if response.text and not streamed:
        yield chunk({"content": response.text})
    if response.tool_calls:
        calls = [{"index": i, **c.to_wire()} for i, c in enumerate(response.tool_calls)]
        yield chunk({"tool_calls": calls})
    yield chunk({}, finish_reason(response))
    if include_usage:
        yield ChatObject({**header, "choices": [], "usage": usage_dict(response.usage)})


def _header(kind: str, model: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
        "object": kind,
        "created": int(time.time()),
        "model": model,
    }
