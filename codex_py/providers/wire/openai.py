"""Pure translation between our history and OpenAI's two wire APIs (no SDK import).

``to_wire`` builds the request body for ``POST /responses`` (Responses API,
``openai_responses_wire``) or ``POST /chat/completions`` (Chat Completions, ``openai_chat_wire``),
which are also the keyword arguments of the SDK's ``responses.create`` and
``chat.completions.create``; ``from_wire`` reads a non-streaming reply; ``ResponsesStream`` and
``ChatStream`` fold streamed events into the same ``ModelResponse``.

When a request offers no tools, earlier tool calls and results are sent as plain text: Anthropic
rejects tool blocks without tool definitions and OpenAI-compatible servers vary, so every wire
does the same.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from codex_py.providers.wire.chat import (
    ChatStream,
    chat_from_wire,
    chat_to_wire,
    chat_usage,
)
from codex_py.providers.wire.responses import (
    ResponsesStream,
    responses_from_wire,
    responses_to_wire,
    responses_usage,
)
from codex_py.types import ModelRequest, ModelResponse

# The streams and usage readers are also importable from here, where they used to live.
__all__ = [
    "ChatStream",
    "ResponsesStream",
    "WireApi",
    "chat_usage",
    "from_wire",
    "responses_usage",
    "to_wire",
]

WireApi = Literal["responses", "chat"]


def to_wire(request: ModelRequest, *, wire_api: WireApi, max_output_tokens: int) -> dict[str, Any]:
    """The request body for ``request`` on ``wire_api``."""
    if wire_api == "chat":
        return chat_to_wire(request, max_output_tokens)
    return responses_to_wire(request, max_output_tokens)


def from_wire(body: Mapping[str, Any], *, wire_api: WireApi) -> ModelResponse:
    """A non-streaming reply body as a ``ModelResponse``."""
    return chat_from_wire(body) if wire_api == "chat" else responses_from_wire(body)
