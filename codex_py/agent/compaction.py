"""History compaction: estimate a history's size and summarise its middle when it grows too big.

``compact()`` keeps the system message, the task (the first user message), the plan and the
last ``keep_recent`` messages, and replaces everything between them with one user message
holding a summary written by one text-only model call. A tool call is never separated from its
results: the cut before the kept tail moves back until the tail starts at a message that is not
a tool result, so every tool result left in the history still follows its call, as the OpenAI
(Responses, Chat Completions) and Anthropic APIs all require.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from codex_py.config.settings import ContextSettings
from codex_py.errors import ProviderError
from codex_py.events import CompactionEvent, NullSink
from codex_py.messages import message_text
from codex_py.types import Intent, Message, ModelRequest, Provider, Sink

CHARS_PER_TOKEN = 4
MESSAGE_OVERHEAD_TOKENS = 4
SUMMARY_MAX_OUTPUT_TOKENS = 4096
SUMMARY_PREFIX = "Summary of the earlier part of this session"
SUMMARY_INSTRUCTIONS = """\
You compact the history of a coding agent's session so that the agent can carry on without it.
Below is the part of the session being dropped: the agent's messages, the tool calls it made
and what they returned. Write a concise summary of it for the agent: what was done and found,
files read or changed (with paths), commands run and their outcomes, decisions and their
reasons, errors met and whether they were fixed, and what remained to do. Keep exact names,
paths, identifiers and error messages; leave out chatter and long outputs. Do not call tools;
answer with the summary only."""


def estimate_tokens(messages: Sequence[Message]) -> int:
    """A cheap, deliberately rough token count: the characters of every message's content and
    tool calls divided by 4 (about right for English and code under BPE tokenizers), plus 4
    tokens of per-message overhead. Good enough to decide when to compact; not a bill."""
    chars = sum(len(message_text(m)) + _calls_chars(m) for m in messages)
    return -(-chars // CHARS_PER_TOKEN) + MESSAGE_OVERHEAD_TOKENS * len(messages)


def needs_compaction(messages: Sequence[Message], window: int, threshold: float) -> bool:
    """Whether ``messages`` fill at least ``threshold`` (a fraction) of a ``window``-token model."""
    return estimate_tokens(messages) >= threshold * window


async def compact(
    messages: Sequence[Message],
    summariser: Provider,
    keep_recent: int,
    *,
    intent: Intent = "synthesis",
    clip_chars: int = 4000,
) -> tuple[list[Message], int]:
    """The compacted history and the number of messages the summary replaced (0 and the history
    unchanged when there is nothing to summarise). Each summarised message is clipped to
    ``clip_chars`` characters (head and tail) before it goes to ``summariser`` in a call with
    ``intent``, whose answer must be text; a call without text raises ``ProviderError``."""
    tail_start = _tail_start(messages, keep_recent)
    pinned = _pinned(messages, tail_start)
    middle = [m for i, m in enumerate(messages[:tail_start]) if i not in pinned]
    if not middle:
        return list(messages), 0
    response = await summariser.complete(summary_request(middle, clip_chars, intent))
    if not response.text.strip():
        raise ProviderError(
            f"{summariser.name} wrote no summary of the history",
            f"check the {intent} route (providers.routing.{intent})",
        )
    header = f"{SUMMARY_PREFIX} ({len(middle)} messages were compacted):"
    summary: Message = {"role": "user", "content": f"{header}\n\n{response.text.strip()}"}
    head = [messages[i] for i in sorted(pinned)]
    return [*head, summary, *messages[tail_start:]], len(middle)


def summary_request(
    middle: Sequence[Message], clip_chars: int, intent: Intent = "synthesis"
) -> ModelRequest:
    """The one text-only call that summarises ``middle``."""
    transcript = "\n\n".join(render(message, clip_chars) for message in middle)
    return ModelRequest(
        messages=[
            {"role": "system", "content": SUMMARY_INSTRUCTIONS},
            {"role": "user", "content": transcript},
        ],
        tools=[],
        intent=intent,
        max_output_tokens=SUMMARY_MAX_OUTPUT_TOKENS,
    )


def render(message: Message, clip_chars: int) -> str:
    """One message as plain text for the summariser, long content clipped in the middle."""
    role = message["role"]
    lines = [_clip(message_text(message), clip_chars)]
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        arguments = _clip(str(function.get("arguments") or ""), clip_chars)
        lines.append(f"(tool call {call.get('id', '')}: {function.get('name', '')} {arguments})")
    label = f"[tool result {message.get('tool_call_id', '')}]" if role == "tool" else f"[{role}]"
    return "\n".join([label, *(line for line in lines if line)])


def _calls_chars(message: Message) -> int:
    calls = message.get("tool_calls")
    return len(json.dumps(calls)) if calls else 0


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n[... {len(text) - 2 * half} characters left out ...]\n{text[-half:]}"


def _tail_start(messages: Sequence[Message], keep_recent: int) -> int:
    """Where the kept tail begins: ``keep_recent`` from the end, moved back over tool results
    so that none is separated from the assistant message that made its call."""
    start = max(0, len(messages) - max(0, keep_recent))
    while 0 < start < len(messages) and messages[start]["role"] == "tool":
        start -= 1
    return start


def _pinned(messages: Sequence[Message], tail_start: int) -> set[int]:
    """Indices before the tail that are kept: the system message, the task and the plan."""
    pinned = {i for i in range(tail_start) if messages[i]["role"] == "system"}
    task = next((i for i in range(tail_start) if messages[i]["role"] == "user"), None)
    if task is None:
        return pinned
    pinned.add(task)
    plan = _plan_index(messages, task, tail_start)
    return pinned if plan is None else pinned | {plan}


def _is_user_turn(message: Message) -> bool:
    """A message the user wrote (an earlier compaction's summary is not one)."""
    return message["role"] == "user" and not message_text(message).startswith(SUMMARY_PREFIX)


def _plan_index(messages: Sequence[Message], task: int, end: int) -> int | None:
    """The latest plan before ``end``: an assistant text without tool calls answering a user's
    message (what a planning call writes), else the first assistant text after the task."""
    texts = [
        i
        for i in range(task + 1, end)
        if messages[i]["role"] == "assistant"
        and not messages[i].get("tool_calls")
        and message_text(messages[i]).strip()
    ]
    after_user = [i for i in texts if _is_user_turn(messages[i - 1])]
    if after_user:
        return after_user[-1]
    return texts[0] if texts else None


def context_window(settings: ContextSettings, model: str) -> int:
    """The context window of ``model`` in tokens (``context.windows``, else the default)."""
    return settings.windows.get(model, settings.default_window)


class Compactor:
    """Summarises the middle of the history once it passes the threshold of ``window`` tokens.

    The summary is asked of ``provider`` (the run's router) with each of ``intents`` in turn
    (the synthesis route, then the planning route) until one answers.
    """

    def __init__(
        self,
        provider: Provider,
        settings: ContextSettings,
        window: int,
        sink: Sink | None = None,
        intents: Sequence[Intent] = ("synthesis", "planning"),
    ) -> None:
        self.provider = provider
        self.settings = settings
        self.window = window
        self.sink = sink or NullSink()
        self.intents = intents

    async def maybe_compact(self, history: list[Message], *, force: bool = False) -> list[Message]:
        """The compacted history, or ``history`` itself when it still fits."""
        if not force and not needs_compaction(
            history, self.window, self.settings.compact_threshold
        ):
            return history
        before = estimate_tokens(history)
        error: ProviderError | None = None
        for intent in self.intents:
            try:
                compacted, count = await compact(
                    history, self.provider, self.settings.keep_recent_messages, intent=intent
                )
            except ProviderError as failure:
                error = failure
                continue
            if count:
                self.sink.emit(CompactionEvent(before, estimate_tokens(compacted), count))
            return compacted
        assert error is not None
        raise error
