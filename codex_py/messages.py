"""The only helpers that read or build message shapes: the text of a message, a transcript, tool
results as messages, and repairs of a history that every provider must accept.

Inside codex-py a history is a list of OpenAI Chat Completions style dicts (see ``types``). A tool
result message carries its exit code as data (``exit_code``), next to the text the model reads,
so nothing has to parse that text back.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from codex_py.types import Message, ToolCall, ToolResult

ABORTED = (
    "aborted: the session stopped before this call's result was recorded; "
    "it may or may not have run, so check before relying on it"
)


def tool_message(call_id: str, result: ToolResult) -> Message:
    """The history message that answers tool call ``call_id`` with ``result``."""
    return {
        "role": "tool",
        "tool_call_id": call_id,
        "content": result.to_model_text(),
        "exit_code": result.exit_code,
    }


def call_as_json(call: ToolCall) -> str:
    """Any tool call in one spelling: its name and its arguments as sorted JSON (their text,
    stripped, when they are not a JSON object). Tools refine this with their own forms."""
    try:
        arguments = call.parsed()
    except ValueError:
        return f"{call.name} {call.arguments.strip()}"
    return f"{call.name} {json.dumps(arguments, sort_keys=True, ensure_ascii=False)}"


def tool_failed(message: Message) -> bool:
    """Whether a tool result message reports a failure (a non-zero ``exit_code``)."""
    code = message.get("exit_code", 0)
    return isinstance(code, int) and code != 0


def message_text(message: Message) -> str:
    """A message's text; tolerates ``None`` and lists of ``{"type": "text", "text"}`` parts."""
    content = message.get("content")
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))


def tool_call_as_text(call: Mapping[str, Any]) -> str:
    """A tool call written as text, for calls that offer no tools (the API would reject it)."""
    function = call.get("function") or {}
    name, arguments = function.get("name", ""), function.get("arguments", "")
    return f"[tool call {call.get('id', '')}: {name} {arguments}]"


def tool_result_as_text(message: Message) -> str:
    """A tool result written as text, the counterpart of ``tool_call_as_text``."""
    return f"[tool result {message.get('tool_call_id', '')}]\n{message_text(message)}"


def assistant_text(message: Message, *, structured: bool) -> str:
    """An assistant turn's text; when tools are not offered its tool calls are appended as text."""
    parts = [message_text(message)]
    if not structured:
        parts += [tool_call_as_text(call) for call in message.get("tool_calls") or []]
    return "\n".join(part for part in parts if part)


def transcript(messages: Sequence[Message], clip: int | None = None) -> str:
    """A conversation as plain text, a paragraph per message (tool traffic written as text),
    for models that read it as one prompt. ``clip`` bounds each message's length."""
    parts = []
    for message in messages:
        role = message["role"]
        if role == "tool":
            text = tool_result_as_text(message)
        elif role == "assistant":
            text = f"Assistant: {assistant_text(message, structured=False)}"
        else:
            text = f"{role.title()}: {message_text(message)}"
        parts.append(text if clip is None or len(text) <= clip else text[:clip] + " [... cut]")
    return "\n\n".join(parts)


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
    return tool_message(call_id, ToolResult(reason, exit_code=130))
