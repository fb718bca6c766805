"""Pure parts of an ensemble decision: proposed actions in canonical form, quorums, grouping,
and reading a model's JSON verdict.

What "the same action" means is the tools' business: the canonical form of each tool call comes
from the run's tool registry (``ToolRegistry.canonical_call``; ``bash -lc "ls  -la"`` equals
``ls -la``, patches compare by content), injected as ``Canonical``. Without one, calls compare
by name and arguments as sorted JSON. A turn's action is its tool calls in order, or ``ANSWER``
when a member made none.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from codex_py.config.settings import Strategy
from codex_py.messages import call_as_json
from codex_py.types import ModelResponse, ToolCall

ANSWER = "answer (no tool call)"

Canonical = Callable[[ToolCall], str]
"""A tool call in one spelling (the run's tools know theirs: ``ToolRegistry.canonical_call``)."""


@dataclass(frozen=True)
class Proposal:
    """One distinct answer and the members who gave it."""

    key: str
    members: tuple[str, ...]

    @property
    def summary(self) -> str:
        return summarise(self.key)


def quorum(strategy: Strategy, configured: int) -> int:
    """How many configured members must agree: all, strictly more than half, or one."""
    if strategy == "unanimous":
        return configured
    if strategy == "majority":
        return configured // 2 + 1
    return 1


def agreed(keys: Sequence[str], needed: int) -> str | None:
    """The answer given by at least ``needed`` members. Under ``unanimous`` and ``majority``
    that is more than half of the configured members, so a tie has no winner."""
    if not keys:
        return None
    key, votes = Counter(keys).most_common(1)[0]
    return key if votes >= needed else None


def group(labelled: Sequence[tuple[str, str]]) -> list[Proposal]:
    """Distinct answers in order of first appearance, each with the members who gave it."""
    members: dict[str, list[str]] = {}
    for label, key in labelled:
        members.setdefault(key, []).append(label)
    return [Proposal(key, tuple(labels)) for key, labels in members.items()]


def summarise(key: str, limit: int = 160) -> str:
    """A one-line form of a canonical action or answer, for events and prompts."""
    line = " ".join(key.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def action_key(response: ModelResponse, canonical: Canonical = call_as_json) -> str:
    """The canonical form of the action a response proposes: its tool calls in ``canonical``
    form, in order, or ``ANSWER`` when it made none."""
    if not response.tool_calls:
        return ANSWER
    return "\n".join(canonical(call) for call in response.tool_calls)


def parse_json_object(text: str) -> dict[str, Any] | None:
    """The JSON object in a model's reply (code fences or a sentence around it are tolerated);
    ``None`` when there is none."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        return None
    try:
        value = json.loads(text[start : end + 1])
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
