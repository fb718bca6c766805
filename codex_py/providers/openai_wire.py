"""Pure translation between our history and OpenAI's two wire APIs (no SDK import).

``to_wire`` builds the request body for ``POST /responses`` (Responses API) or
``POST /chat/completions`` (Chat Completions), which are also the keyword arguments of the SDK's
``responses.create`` and ``chat.completions.create``; ``from_wire`` reads a non-streaming
reply; ``ResponsesStream`` and ``ChatStream`` fold streamed events into the same
``ModelResponse``.

When a request offers no tools, earlier tool calls and results are sent as plain text: Anthropic
rejects tool blocks without tool definitions and OpenAI-compatible servers vary, so every wire
does the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from codex_py.errors import ProviderError
from codex_py.providers.wire_common import (
    CallTarget,
    assistant_text,
    bad_stream_error,
    count,
    http_error,
    message_text,
    new_call_id,
    portable_call_id,
    tool_result_as_text,
)
from codex_py.types import Message, ModelRequest, ModelResponse, ToolCall, ToolSpec, Usage

WireApi = Literal["responses", "chat"]
# Status codes for the error codes OpenAI puts in stream error events; others count as 500.
_STATUS_BY_CODE = {
    "rate_limit_exceeded": 429,
    "insufficient_quota": 429,
    "context_length_exceeded": 400,
    "invalid_prompt": 400,
    "invalid_request_error": 400,
}


def to_wire(request: ModelRequest, *, wire_api: WireApi, max_output_tokens: int) -> dict[str, Any]:
    """The request body for ``request`` on ``wire_api``."""
    if wire_api == "chat":
        return _chat_to_wire(request, max_output_tokens)
    return _responses_to_wire(request, max_output_tokens)


def from_wire(body: Mapping[str, Any], *, wire_api: WireApi) -> ModelResponse:
    """A non-streaming reply body as a ``ModelResponse``."""
    return _chat_from_wire(body) if wire_api == "chat" else _responses_from_wire(body)


def stream_error(target: CallTarget, error: Mapping[str, Any]) -> ProviderError:
    """The ``ProviderError`` for an error object sent inside a stream."""
    code = str(error.get("code") or error.get("type") or "")
    message = str(error.get("message") or "the stream reported an error")
    return http_error(target, _STATUS_BY_CODE.get(code, 500), message, code)


# --- Responses API ---------------------------------------------------------------------------


def _responses_to_wire(request: ModelRequest, max_output_tokens: int) -> dict[str, Any]:
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


def _responses_from_wire(body: Mapping[str, Any]) -> ModelResponse:
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
        return _responses_from_wire(body)


# --- Chat Completions -----------------------------------------------------------------------


def _chat_to_wire(request: ModelRequest, max_output_tokens: int) -> dict[str, Any]:
    structured = bool(request.tools)
    messages: list[dict[str, Any]] = []
    for message in request.messages:
        role = message["role"]
        if role == "assistant":
            text = assistant_text(message, structured=structured)
            calls = message.get("tool_calls") if structured else None
            if text or calls:
                messages.append(_chat_assistant(text, calls or []))
        elif role == "tool" and structured:
            call_id = portable_call_id(message["tool_call_id"])
            messages.append(
                {"role": "tool", "tool_call_id": call_id, "content": message_text(message)}
            )
        elif role == "tool":
            messages.append({"role": "user", "content": tool_result_as_text(message)})
        else:
            messages.append({"role": role, "content": message_text(message)})
    kwargs: dict[str, Any] = {
        "model": request.model,
        "messages": messages,
        "max_tokens": max_output_tokens,
    }
    if request.tools:
        kwargs["tools"] = [_chat_tool(spec) for spec in request.tools]
    if request.stream:
        kwargs["stream"] = True
        kwargs["stream_options"] = {"include_usage": True}
    return kwargs


def _chat_assistant(text: str, calls: list[dict[str, Any]]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": text or None}
    if calls:
        message["tool_calls"] = [
            {**call, "id": portable_call_id(call["id"]), "type": "function"} for call in calls
        ]
    return message


def _chat_tool(spec: ToolSpec) -> dict[str, Any]:
    parameters = spec.get("parameters", {"type": "object", "properties": {}})
    function = {"name": spec["name"], "description": spec.get("description", "")}
    return {"type": "function", "function": {**function, "parameters": parameters}}


def _chat_from_wire(body: Mapping[str, Any]) -> ModelResponse:
    choice = (body.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    calls = [
        ToolCall(
            id=call.get("id") or new_call_id(),
            name=call["function"].get("name") or "",
            arguments=call["function"].get("arguments") or "{}",
        )
        for call in message.get("tool_calls") or []
    ]
    return ModelResponse(
        text=message.get("content") or "",
        tool_calls=calls,
        usage=chat_usage(body.get("usage")),
        stop_reason=choice.get("finish_reason") or "",
    )


def chat_usage(usage: Mapping[str, Any] | None) -> Usage:
    """Chat Completions usage, normalised."""
    return Usage(
        input_tokens=count(usage, "prompt_tokens"),
        output_tokens=count(usage, "completion_tokens"),
        cache_read_tokens=count(usage, "prompt_tokens_details", "cached_tokens"),
        reasoning_tokens=count(usage, "completion_tokens_details", "reasoning_tokens"),
    )


class ChatStream:
    """Folds Chat Completions chunks; complete only once a ``finish_reason`` arrived."""

    def __init__(self, target: CallTarget) -> None:
        self._target = target
        self._text: list[str] = []
        self._calls: dict[int, dict[str, str]] = {}
        self._finish_reason = ""
        self._usage: Mapping[str, Any] | None = None

    def feed(self, event: Mapping[str, Any]) -> str:
        if event.get("usage"):
            self._usage = event["usage"]
        choices = event.get("choices") or []
        if not choices:
            return ""
        choice = choices[0]
        delta = choice.get("delta") or {}
        for call in delta.get("tool_calls") or []:
            self._add_call_delta(call)
        self._finish_reason = choice.get("finish_reason") or self._finish_reason
        text = str(delta.get("content") or "")
        self._text.append(text)
        return text

    def _add_call_delta(self, delta: Mapping[str, Any]) -> None:
        slot = self._calls.setdefault(
            count(delta, "index"), {"id": "", "name": "", "arguments": ""}
        )
        function = delta.get("function") or {}
        slot["id"] = slot["id"] or str(delta.get("id") or "")
        slot["name"] = slot["name"] or str(function.get("name") or "")
        slot["arguments"] += str(function.get("arguments") or "")

    def finish(self) -> ModelResponse:
        if not self._finish_reason:
            raise bad_stream_error(self._target, "the stream ended before a finish_reason")
        calls = [
            {"id": slot["id"], "function": {"name": slot["name"], "arguments": slot["arguments"]}}
            for _, slot in sorted(self._calls.items())
        ]
        message = {"content": "".join(self._text), "tool_calls": calls}
        choice = {"message": message, "finish_reason": self._finish_reason}
        return _chat_from_wire({"choices": [choice], "usage": self._usage})
