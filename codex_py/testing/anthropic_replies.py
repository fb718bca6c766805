"""A scripted ``Reply`` rendered as the Anthropic Messages API sends it: message body, stream
frames (``event:`` + ``data:`` lines, a ``ping`` after ``message_start``) and error body.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codex_py.testing.replies import Reply
from codex_py.testing.sse import Json, Stream, frame, json_object, new_id, thirds, words

_ERRORS = {
    400: ("invalid_request_error", "Invalid request."),
    401: ("authentication_error", "invalid x-api-key"),
    403: ("permission_error", "Your API key does not have permission to use this resource."),
    404: ("not_found_error", "model: {model}"),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: ("rate_limit_error", "Number of requests has exceeded your rate limit."),
    529: ("overloaded_error", "Overloaded"),
}


def error_body(reply: Reply, model: str) -> Json:
    """``{"type": "error", "error": {"type", "message"}}`` for ``reply.status``."""
    kind, message = _ERRORS.get(reply.status, ("api_error", "Internal server error"))
    error = {
        "type": reply.error.get("type", kind),
        "message": reply.error.get("message", message.replace("{model}", model)),
    }
    return {"type": "error", "error": error, "request_id": new_id("req_")}


def error_event(reply: Reply, model: str) -> bytes:
    """The ``error`` event the API sends when a stream fails after it began."""
    return frame({"type": "error", "error": error_body(reply, model)["error"]}, "error")


def _usage(reply: Reply, output_tokens: int) -> Json:
    usage = reply.usage
    cached = usage.cache_read_tokens + usage.cache_write_tokens
    return {
        "input_tokens": max(0, usage.input_tokens - cached),
        "cache_creation_input_tokens": usage.cache_write_tokens,
        "cache_read_input_tokens": usage.cache_read_tokens,
        "output_tokens": output_tokens,
    }


def _blocks(reply: Reply) -> list[Json]:
    blocks: list[Json] = [{"type": "text", "text": reply.text}] if reply.text else []
    for call in reply.tool_calls:
        call_id = call.id or new_id("toolu_")
        input_ = json_object(call.arguments)
        blocks.append({"type": "tool_use", "id": call_id, "name": call.name, "input": input_})
    return blocks


def body(reply: Reply, model: str) -> Json:
    """The ``message`` object of a non-streamed reply."""
    return {
        "id": new_id("msg_"),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": _blocks(reply),
        "stop_reason": "tool_use" if reply.tool_calls else "end_turn",
        "stop_sequence": None,
        "usage": _usage(reply, reply.usage.output_tokens),
    }


def stream(reply: Reply, model: str, request: Mapping[str, Any]) -> Stream:
    """The frames of a streamed reply; ``message_stop`` is the terminal part."""
    message = {**body(reply, model), "content": [], "stop_reason": None, "usage": _usage(reply, 1)}
    events: list[Json] = [{"type": "message_start", "message": message}, {"type": "ping"}]
    arguments = iter(call.arguments for call in reply.tool_calls)
    for index, block in enumerate(_blocks(reply)):
        if block["type"] == "text":
            start = {**block, "text": ""}
            deltas = [{"type": "text_delta", "text": piece} for piece in words(block["text"])]
        else:  # the API starts a tool's input with an empty piece
            start = {**block, "input": {}}
            pieces = ["", *thirds(next(arguments))]
            deltas = [{"type": "input_json_delta", "partial_json": piece} for piece in pieces]
        events.append({"type": "content_block_start", "index": index, "content_block": start})
        events += [{"type": "content_block_delta", "index": index, "delta": d} for d in deltas]
        events.append({"type": "content_block_stop", "index": index})
    stop = {"stop_reason": "tool_use" if reply.tool_calls else "end_turn", "stop_sequence": None}
    usage = {"output_tokens": reply.usage.output_tokens}
    events.append({"type": "message_delta", "delta": stop, "usage": usage})
    events.append({"type": "message_stop"})
    frames = [frame(event, event["type"]) for event in events]
    bad = frame('{"type": "content_block_delta", "index": 0, "delta": {', "content_block_delta")
    return Stream(frames, len(frames) - 1, bad)
