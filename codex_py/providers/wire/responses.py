"""The Responses API wire (``POST /responses``): request body, reply, stream events.

Also ``stream_error``: OpenAI sends the same error object inside a stream on either wire.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codex_py.errors import ProviderError
from codex_py.messages import assistant_text, message_text, tool_result_as_text
from codex_py.providers.wire.common import (
    CallTarget,
    bad_stream_error,
    count,
    http_error,
    new_call_id,
    portable_call_id,
)
from codex_py.types import Message, ModelRequest, ModelResponse, ToolCall, ToolSpec, Usage

# Status codes for the error codes OpenAI puts in stream error events; others count as 500.
_STATUS_BY_CODE = {
    "rate_limit_exceeded": 429,
    "insufficient_quota": 429,
    "context_length_exceeded": 400,
    "invalid_prompt": 400,
    "invalid_request_error": 400,
}


def stream_error(target: CallTarget, error: Mapping[str, Any]) -> ProviderError:
    """The ``ProviderError`` for an error object sent inside a stream."""
    code = str(error.get("code") or error.get("type") or "")
    message = str(error.get("message") or "the stream reported an error")
    return http_error(target, _STATUS_BY_CODE.get(code, 500), message, code)


def responses_to_wire(request: ModelRequest, max_output_tokens: int) -> dict[str, Any]:
    structured = bool(request.tools)
    instructions: list[str] = []
    items: list[dict[str, Any]] = []
    for message in request.messages:
        role = message["role"]
        if role == "system" and not items:
            instructions.append(message_text(message))
        elif role == "assistant":
            items += _responses_assistant_items(message, structured)
        elif role == "tool" and structured:
            call_id = portable_call_id(message["tool_call_id"])
            output = message_text(message)
            items.append({"type": "function_call_output", "call_id": call_id, "output": output})
        elif role == "tool":
            items.append({"role": "user", "content": tool_result_as_text(message)})
        else:
            items.append({"role": role, "content": message_text(message)})
    kwargs: dict[str, Any] = {
        "model": request.model,
        "input": items,
        "max_output_tokens": max_output_tokens,
        "store": False,
    }
    if instructions:
        kwargs["instructions"] = "\n\n".join(instructions)
    if request.cache_key:
        kwargs["prompt_cache_key"] = request.cache_key  # route a session's calls to one cache
    if request.tools:
        kwargs["tools"] = [_responses_tool(spec) for spec in request.tools]
    if request.stream:
        kwargs["stream"] = True
    return kwargs


def _responses_assistant_items(message: Message, structured: bool) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    text = assistant_text(message, structured=structured)
    if text:
        items.append({"role": "assistant", "content": text})
    calls = (message.get("tool_calls") or []) if structured else []
    for call in calls:
        function = call["function"]
        items.append(
            {
                "type": "function_call",
                "call_id": portable_call_id(call["id"]),
                "name": function["name"],
                "arguments": function.get("arguments") or "{}",
            }
        )
    return items


def _responses_tool(spec: ToolSpec) -> dict[str, Any]:
    return {
        "type": "function",
        "name": spec["name"],
        "description": spec.get("description", ""),
        "parameters": spec.get("parameters", {"type": "object", "properties": {}}),
        "strict": False,
    }


def responses_from_wire(body: Mapping[str, Any]) -> ModelResponse:
    texts: list[str] = []
    calls: list[ToolCall] = []
    for item in body.get("output") or []:
        if item.get("type") == "message":
            texts += [part.get("text") or part.get("refusal") or "" for part in item["content"]]
        elif item.get("type") == "function_call":
            call_id = item.get("call_id") or item.get("id") or new_call_id()
            arguments = item.get("arguments") or "{}"
            calls.append(ToolCall(id=call_id, name=item.get("name", ""), arguments=arguments))
    stop = "tool_calls" if calls else "stop"
    if body.get("status") == "incomplete":
        reason = str((body.get("incomplete_details") or {}).get("reason") or "incomplete")
        stop = "length" if reason == "max_output_tokens" else reason
    return ModelResponse(
        text="".join(texts),
        tool_calls=calls,
        usage=responses_usage(body.get("usage")),
        stop_reason=stop,
    )


def responses_usage(usage: Mapping[str, Any] | None) -> Usage:
    """Responses API usage, normalised (its ``input_tokens`` already include cached ones)."""
    return Usage(
        input_tokens=count(usage, "input_tokens"),
        output_tokens=count(usage, "output_tokens"),
        cache_read_tokens=count(usage, "input_tokens_details", "cached_tokens"),
        cache_write_tokens=count(usage, "input_tokens_details", "cache_write_tokens"),
        reasoning_tokens=count(usage, "output_tokens_details", "reasoning_tokens"),
    )


class ResponsesStream:
    """Folds Responses API stream events; complete only after ``response.completed``."""

    _TERMINAL = ("response.completed", "response.incomplete")

    def __init__(self, target: CallTarget) -> None:
        self._target = target
        self._items: dict[int, Mapping[str, Any]] = {}
        self._final: Mapping[str, Any] | None = None

    def feed(self, event: Mapping[str, Any]) -> str:
        kind = event.get("type")
        if kind == "response.output_text.delta":
            return str(event.get("delta") or "")
        if kind == "response.output_item.done":
            self._items[count(event, "output_index")] = event.get("item") or {}
        elif kind in self._TERMINAL:
            self._final = event.get("response") or {}
        elif kind == "response.failed":
            raise stream_error(self._target, (event.get("response") or {}).get("error") or {})
        elif kind == "error":
            raise stream_error(self._target, event)
        return ""

    def finish(self) -> ModelResponse:
        if self._final is None:
            raise bad_stream_error(self._target, "the stream ended before response.completed")
        body = dict(self._final)
        if not body.get("output"):
            body["output"] = [self._items[index] for index in sorted(self._items)]
        return responses_from_wire(body)
