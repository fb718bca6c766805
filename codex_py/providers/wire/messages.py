"""Pure translation between our history and Anthropic's Messages API (no SDK import).

System messages go to ``system``; tool calls become ``tool_use`` blocks and tool results
``tool_result`` blocks in a user turn; consecutive turns of one role are merged, as the API
requires. When a request offers no tools, tool traffic is written as text, because the API
rejects tool blocks without tool definitions.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from codex_py.errors import ProviderError
from codex_py.messages import assistant_text, message_text, tool_result_as_text
from codex_py.providers.wire.common import (
    CallTarget,
    arguments_object,
    bad_stream_error,
    count,
    http_error,
    portable_call_id,
)
from codex_py.types import Message, ModelRequest, ModelResponse, ToolCall, ToolSpec, Usage

_STATUS_BY_ERROR_TYPE = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}
_STOP_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
    "refusal": "content_filter",
}
Block = dict[str, Any]


CACHE = {"type": "ephemeral"}
CONTINUE = "Continue."


def to_wire(request: ModelRequest, *, max_tokens: int) -> dict[str, Any]:
    """The ``POST /v1/messages`` body (the keyword arguments of ``messages.create``)."""
    structured = bool(request.tools)
    system: list[str] = []
    turns: list[dict[str, Any]] = []
    for message in request.messages:
        if message["role"] == "system":
            system.append(message_text(message))
            continue
        role, blocks = _turn_blocks(message, structured)
        if not blocks:
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    if turns and turns[-1]["role"] == "assistant":
        # A final assistant turn would be read as a prefill to continue; ask for the next turn.
        turns.append({"role": "user", "content": _text_blocks(CONTINUE)})
    _mark_cache_breakpoint(turns)
    kwargs: dict[str, Any] = {"model": request.model, "max_tokens": max_tokens, "messages": turns}
    if system:
        kwargs["system"] = [{"type": "text", "text": "\n\n".join(system), "cache_control": CACHE}]
    if request.tools:
        kwargs["tools"] = [_tool(spec) for spec in request.tools]
    if request.stream:
        kwargs["stream"] = True
    return kwargs


def _mark_cache_breakpoint(turns: list[dict[str, Any]]) -> None:
    """Prompt caching: mark the end of the history, so the next call (which repeats all of it
    and adds a little) reads the prefix from the cache. With the system prompt's mark that is
    two of the four breakpoints the API allows."""
    if turns and turns[-1]["content"]:
        last = turns[-1]["content"][-1]
        turns[-1]["content"][-1] = {**last, "cache_control": CACHE}


def _turn_blocks(message: Message, structured: bool) -> tuple[str, list[Block]]:
    role = message["role"]
    if role == "assistant":
        blocks = _text_blocks(assistant_text(message, structured=structured))
        calls = (message.get("tool_calls") or []) if structured else []
        return "assistant", blocks + [_tool_use(call) for call in calls]
    if role == "tool" and structured:
        result = {
            "type": "tool_result",
            "tool_use_id": portable_call_id(message["tool_call_id"]),
            "content": message_text(message) or "(no output)",
        }
        return "user", [result]
    if role == "tool":
        return "user", _text_blocks(tool_result_as_text(message))
    return "user", _text_blocks(message_text(message))


def _text_blocks(text: str) -> list[Block]:
    # The API rejects empty or whitespace-only text blocks.
    return [{"type": "text", "text": text}] if text.strip() else []


def _tool_use(call: Mapping[str, Any]) -> Block:
    function = call["function"]
    return {
        "type": "tool_use",
        "id": portable_call_id(call["id"]),
        "name": function["name"],
        "input": arguments_object(function.get("arguments") or ""),
    }


def _tool(spec: ToolSpec) -> dict[str, Any]:
    return {
        "name": spec["name"],
        "description": spec.get("description", ""),
        "input_schema": spec.get("parameters", {"type": "object", "properties": {}}),
    }


def from_wire(body: Mapping[str, Any]) -> ModelResponse:
    """A Messages API reply body as a ``ModelResponse``."""
    texts: list[str] = []
    calls: list[ToolCall] = []
    for block in body.get("content") or []:
        if block.get("type") == "text":
            texts.append(str(block.get("text") or ""))
        elif block.get("type") == "tool_use":
            arguments = json.dumps(block.get("input") or {})
            calls.append(ToolCall(id=block["id"], name=block["name"], arguments=arguments))
    stop_reason = str(body.get("stop_reason") or "")
    return ModelResponse(
        text="".join(texts),
        tool_calls=calls,
        usage=messages_usage(body.get("usage")),
        stop_reason=_STOP_REASONS.get(stop_reason, stop_reason),
    )


def messages_usage(usage: Mapping[str, Any] | None) -> Usage:
    """Anthropic usage, normalised: its ``input_tokens`` exclude cache reads and writes."""
    read = count(usage, "cache_read_input_tokens")
    write = count(usage, "cache_creation_input_tokens")
    return Usage(
        input_tokens=count(usage, "input_tokens") + read + write,
        output_tokens=count(usage, "output_tokens"),
        cache_read_tokens=read,
        cache_write_tokens=write,
    )


def error_status(status: int, error_type: str | None) -> int:
    """The HTTP status an error stands for; an error event inside a 200 stream has only a type."""
    if status >= 400:
        return status
    return _STATUS_BY_ERROR_TYPE.get(error_type or "", 500)


def stream_error(target: CallTarget, error: Mapping[str, Any]) -> ProviderError:
    """The ``ProviderError`` for an ``error`` event's ``{"type", "message"}`` object."""
    error_type = str(error.get("type") or "")
    message = str(error.get("message") or "the stream reported an error")
    return http_error(target, error_status(200, error_type), message, error_type)


class MessagesStream:
    """Folds Messages API stream events; complete only after ``message_stop``."""

    def __init__(self, target: CallTarget) -> None:
        self._target = target
        self._blocks: dict[int, Block] = {}
        self._parts: dict[int, list[str]] = {}
        self._usage: dict[str, Any] = {}
        self._stop_reason = ""
        self._done = False

    def feed(self, event: Mapping[str, Any]) -> str:
        kind = event.get("type")
        if kind == "content_block_delta":
            return self._add_delta(count(event, "index"), event.get("delta") or {})
        if kind == "content_block_start":
            self._blocks[count(event, "index")] = dict(event.get("content_block") or {})
        elif kind == "message_start":
            self._add_usage((event.get("message") or {}).get("usage"))
        elif kind == "message_delta":
            self._stop_reason = (event.get("delta") or {}).get("stop_reason") or self._stop_reason
            self._add_usage(event.get("usage"))
        elif kind == "message_stop":
            self._done = True
        elif kind == "error":
            raise stream_error(self._target, event.get("error") or {})
        return ""

    def _add_delta(self, index: int, delta: Mapping[str, Any]) -> str:
        kind = delta.get("type")
        piece = str(
            (delta.get("text") if kind == "text_delta" else delta.get("partial_json")) or ""
        )
        if kind in ("text_delta", "input_json_delta"):
            self._parts.setdefault(index, []).append(piece)
        return piece if kind == "text_delta" else ""

    def _add_usage(self, usage: Mapping[str, Any] | None) -> None:
        # message_delta repeats the counts it knows; later, non-null values win.
        self._usage.update(
            {key: value for key, value in (usage or {}).items() if value is not None}
        )

    def finish(self) -> ModelResponse:
        if not self._done:
            raise bad_stream_error(self._target, "the stream ended before message_stop")
        for index, block in self._blocks.items():
            joined = "".join(self._parts.get(index, []))
            if block.get("type") == "text":
                block["text"] = block.get("text", "") + joined
            elif block.get("type") == "tool_use" and joined:
                block["input"] = self._tool_input(joined)
        content = [self._blocks[index] for index in sorted(self._blocks)]
        body = {"content": content, "stop_reason": self._stop_reason, "usage": self._usage}
        return from_wire(body)

    def _tool_input(self, text: str) -> Any:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise bad_stream_error(self._target, f"tool input is not JSON ({exc})") from exc
