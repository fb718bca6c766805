"""Repairs of a conversation history that every provider must accept."""

from __future__ import annotations

from collections.abc import Sequence

from codex_py.types import Message, ToolResult

ABORTED = (
    "aborted: the session stopped before this call's result was recorded; "
    "it may or may not have run, so check before relying on it"
)


def answer_open_calls(history: Sequence[Message], reason: str = ABORTED) -> list[Message]:
    """``history`` with an aborted result right after the results of every tool call that has
    none, so each assistant message with tool calls is followed by all of its results."""
    repaired: list[Message] = []
    open_calls: list[str] = []
    for message in history:
        if message.get("role") == "tool":
            if message.get("tool_call_id") in open_calls:
                open_calls.remove(message["tool_call_id"])
            repaired.append(message)
            continue
        repaired.extend(_aborted(call_id, reason) for call_id in open_calls)
        repaired.append(message)
        open_calls = [str(c.get("id")) for c in message.get("tool_calls") or []]
    repaired.extend(_aborted(call_id, reason) for call_id in open_calls)
    return repaired


def _aborted(call_id: str, reason: str) -> Message:
    content = ToolResult(reason, exit_code=130).to_model_text()
    return {"role": "tool", "tool_call_id": call_id, "content": content}
