"""A scripted ``Reply`` rendered as OpenAI sends it, for the Responses API (``responses_*``: the
``response`` object; stream frames with ``event:`` lines, ending with ``response.completed`` and
no ``[DONE]``) and Chat Completions (``chat_*``: ``chat.completion`` and its chunks, ending with
a ``finish_reason``, the usage chunk when asked for, and ``data: [DONE]``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from codex_py.client.chat_shapes import usage_dict
from codex_py.testing.replies import Reply, ScriptedCall
from codex_py.testing.sse import Json, Stream, frame, new_id, thirds, words

_ERRORS: dict[int, tuple[str, str | None, str]] = {
    400: ("invalid_request_error", None, "Invalid request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: ("invalid_request_error", None, "You are not allowed to use this model."),
    404: ("invalid_request_error", "model_not_found", "The model `{model}` does not exist."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached; please try again later."),
}


def error_body(reply: Reply, model: str) -> Json:
    """``{"error": {"message", "type", "param", "code"}}`` for ``reply.status``."""
    default = ("server_error", None, "The server had an error processing your request.")
    kind, code, message = _ERRORS.get(reply.status, default)
    given = reply.error
    error = {
        "message": given.get("message", message.replace("{model}", model)),
        "type": given.get("type", kind),
        "param": given.get("param"),
        "code": given.get("code", code),
    }
    return {"error": error}


def responses_error_event(reply: Reply, model: str) -> bytes:
    """The ``error`` event the Responses API sends when a stream fails after it began."""
    error = error_body(reply, model)["error"]
    code = error["code"] or error["type"]
    event = {"type": "error", "code": code, "message": error["message"], "param": error["param"]}
    return frame(event, "error")


def chat_error_event(reply: Reply, model: str) -> bytes:
    """The chunk Chat Completions sends when a stream fails after it began."""
    return frame(error_body(reply, model))


# --- Responses API ---------------------------------------------------------------------------


def _response(reply: Reply, model: str, status: str, output: list[Json]) -> Json:
    usage = reply.usage
    counts = {
        "input_tokens": usage.input_tokens,
        "input_tokens_details": {"cached_tokens": usage.cache_read_tokens},
        "output_tokens": usage.output_tokens,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
        "total_tokens": usage.input_tokens + usage.output_tokens,
    }
    return {
        "id": new_id("resp_"),
        "object": "response",
        "created_at": int(time.time()),
        "status": status,
        "model": model,
        "output": output,
        "error": None,
        "incomplete_details": None,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
        "usage": counts if status == "completed" else None,
    }


def _message_events(index: int, text: str) -> list[Json]:
    item_id = new_id("msg_")
    where = {"item_id": item_id, "output_index": index, "content_index": 0}
    part = {"type": "output_text", "text": text, "annotations": []}
    item = {"id": item_id, "type": "message", "status": "in_progress", "role": "assistant"}
    done = {**item, "status": "completed", "content": [part]}
    deltas = [
        {"type": "response.output_text.delta", **where, "delta": piece, "logprobs": []}
        for piece in words(text)
    ]
    return [
        {
            "type": "response.output_item.added",
            "output_index": index,
            "item": {**item, "content": []},
        },
        {"type": "response.content_part.added", **where, "part": {**part, "text": ""}},
        *deltas,
        {"type": "response.output_text.done", **where, "text": text, "logprobs": []},
        {"type": "response.content_part.done", **where, "part": part},
        {"type": "response.output_item.done", "output_index": index, "item": done},
    ]


def _function_call_events(index: int, call: ScriptedCall) -> list[Json]:
    item_id = new_id("fc_")
    item = {
        "id": item_id,
        "type": "function_call",
        "status": "in_progress",
        "arguments": "",
        "call_id": call.id or new_id("call_"),
        "name": call.name,
    }
    done = {**item, "status": "completed", "arguments": call.arguments}
    where = {"item_id": item_id, "output_index": index}
    deltas = [
        {"type": "response.function_call_arguments.delta", **where, "delta": piece}
        for piece in thirds(call.arguments)
    ]
    return [
        {"type": "response.output_item.added", "output_index": index, "item": item},
        *deltas,
        {"type": "response.function_call_arguments.done", **where, "arguments": call.arguments},
        {"type": "response.output_item.done", "output_index": index, "item": done},
    ]


def _item_events(reply: Reply) -> list[list[Json]]:
    """Each output item's stream events; the last one of each carries the finished item."""
    groups = [_message_events(0, reply.text)] if reply.text else []
    groups += [_function_call_events(len(groups), call) for call in reply.tool_calls]
    return groups


def responses_body(reply: Reply, model: str) -> Json:
    """The ``response`` object of a non-streamed reply."""
    items = [group[-1]["item"] for group in _item_events(reply)]
    return _response(reply, model, "completed", items)


def responses_stream(reply: Reply, model: str, request: Mapping[str, Any]) -> Stream:
    """The frames of a streamed reply; ``response.completed`` is the terminal part."""
    groups = _item_events(reply)
    started = _response(reply, model, "in_progress", [])
    finished = _response(reply, model, "completed", [group[-1]["item"] for group in groups])
    events = [
        {"type": "response.created", "response": started},
        {"type": "response.in_progress", "response": started},
        *[event for group in groups for event in group],
        {"type": "response.completed", "response": {**finished, "id": started["id"]}},
    ]
    frames = [
        frame({**event, "sequence_number": n}, event["type"]) for n, event in enumerate(events)
    ]
    bad = frame(
        '{"type": "response.output_text.delta", "delta": "oops', "response.output_text.delta"
    )
    return Stream(frames, len(frames) - 1, bad)


# --- Chat Completions ------------------------------------------------------------------------


def _chat_calls(reply: Reply) -> list[Json]:
    return [
        {
            "id": call.id or new_id("call_"),
            "type": "function",
            "function": {"name": call.name, "arguments": call.arguments},
        }
        for call in reply.tool_calls
    ]


def _head(model: str, kind: str) -> Json:
    return {"id": new_id("chatcmpl-"), "object": kind, "created": int(time.time()), "model": model}


def chat_body(reply: Reply, model: str) -> Json:
    """The ``chat.completion`` object of a non-streamed reply."""
    message: Json = {"role": "assistant", "content": reply.text or None, "refusal": None}
    if reply.tool_calls:
        message["tool_calls"] = _chat_calls(reply)
    finish = "tool_calls" if reply.tool_calls else "stop"
    choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
    return {
        **_head(model, "chat.completion"),
        "choices": [choice],
        "usage": usage_dict(reply.usage),
    }


def chat_stream(reply: Reply, model: str, request: Mapping[str, Any]) -> Stream:
    """The chunks of a streamed reply; the ``finish_reason`` chunk starts the terminal part."""
    include_usage = bool((request.get("stream_options") or {}).get("include_usage"))
    head = _head(model, "chat.completion.chunk")
    if include_usage:
        head["usage"] = None  # every chunk but the last says so

    def chunk(delta: Json, finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return frame({**head, "choices": [choice]})

    frames = [chunk({"role": "assistant", "content": ""})]
    frames += [chunk({"content": piece}) for piece in words(reply.text)]
    for index, call in enumerate(_chat_calls(reply)):
        name, arguments = call["function"]["name"], call["function"]["arguments"]
        opening = {**call, "index": index, "function": {"name": name, "arguments": ""}}
        frames.append(chunk({"tool_calls": [opening]}))
        frames += [
            chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
            for piece in thirds(arguments)
        ]
    terminal = len(frames)
    frames.append(chunk({}, "tool_calls" if reply.tool_calls else "stop"))
    if include_usage:
        frames.append(frame({**head, "choices": [], "usage": usage_dict(reply.usage)}))
    frames.append(frame("[DONE]"))
    return Stream(frames, terminal, frame('{"id": "chatcmpl-broken", "choices": [{"delta": '))
