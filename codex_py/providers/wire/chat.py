"""The Chat Completions wire (``POST /chat/completions``): request body, reply, stream chunks.

It is what OpenAI-compatible servers (Ollama, vLLM, LM Studio, OpenRouter...) speak.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codex_py.messages import assistant_text, message_text, tool_result_as_text
from codex_py.providers.wire.common import (
    CallTarget,
    bad_stream_error,
    count,
    new_call_id,
    portable_call_id,
)
from codex_py.types import ModelRequest, ModelResponse, ToolCall, ToolSpec, Usage


def chat_to_wire(request: ModelRequest, max_output_tokens: int) -> dict[str, Any]:
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


def chat_from_wire(body: Mapping[str, Any]) -> ModelResponse:
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
        return chat_from_wire({"choices": [choice], "usage": self._usage})
