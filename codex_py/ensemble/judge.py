"""What an ensemble's judge is asked, and how its verdict is read (pure functions).

- ``selection_request``: the judge sees the conversation and every member's proposal, and makes
  the next step itself: it calls the tools of the proposal it picks (or of a better one that
  combines them), or writes the answer of a text-only turn.
- ``agreement_request``: for a text-only turn under ``unanimous`` or ``majority``, the judge
  says which answers agree in substance and writes the one answer they support, as JSON:
  ``{"agreeing": [1, 3], "answer": "..."}``; ``parse_agreement`` reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from codex_py.ensemble.panel import Member
from codex_py.ensemble.votes import ANSWER, Canonical, action_key, parse_json_object
from codex_py.messages import call_as_json
from codex_py.types import ModelRequest, ModelResponse

_PROPOSAL_LIMIT = 6000

_SELECT_ACTION = (
    "Decide the single best next step. Take it yourself now: call the tool(s) of the proposal "
    "you choose, or of a better step that combines them. If the task is complete, give the "
    "final answer in text instead."
)
_SELECT_TEXT = "Write the best answer, choosing one of them or combining them. Reply with it only."
_AGREEMENT = (
    "Decide which answers agree in substance (the same conclusions and the same plan; wording "
    "may differ), and write the one answer they support. Reply with one JSON object and "
    'nothing else: {"agreeing": [the numbers of the answers that agree with yours], '
    '"answer": "<your answer>"}'
)


@dataclass(frozen=True)
class Agreement:
    agreeing: frozenset[int]
    """1-based numbers of the members' answers that support ``answer``."""
    answer: str


def selection_request(
    request: ModelRequest,
    answers: Sequence[tuple[Member, ModelResponse]],
    canonical: Canonical = call_as_json,
) -> ModelRequest:
    """The judge's call when it must pick or make the answer itself (tools kept); each
    proposed action is shown in ``canonical`` form."""
    kind = "next step" if request.tools else "answer"
    instruction = _SELECT_ACTION if request.tools else _SELECT_TEXT
    listing = _listing(kind, answers, canonical if request.tools else None)
    return _with_note(request, listing, instruction)


def agreement_request(
    request: ModelRequest, answers: Sequence[tuple[Member, ModelResponse]]
) -> ModelRequest:
    """The judge's call that decides whether free-text answers agree (no tools)."""
    note = _with_note(request, _listing("answer", answers, None), _AGREEMENT)
    return replace(note, tools=[])


def parse_agreement(text: str, count: int) -> Agreement | None:
    """The judge's verdict, or ``None`` when it is not the JSON form asked for."""
    data = parse_json_object(text)
    if data is None:
        return None
    numbers, answer = data.get("agreeing"), data.get("answer")
    if not isinstance(numbers, list) or not isinstance(answer, str) or not answer.strip():
        return None
    if not all(isinstance(n, int) and 1 <= n <= count for n in numbers):
        return None
    return Agreement(frozenset(numbers), answer.strip())


def _listing(
    kind: str, answers: Sequence[tuple[Member, ModelResponse]], canonical: Canonical | None
) -> str:
    parts = [f"Several models were asked for the {kind} of this conversation. Their proposals:"]
    for number, (member, response) in enumerate(answers, 1):
        body = response.text.strip()
        if canonical is not None:
            action = action_key(response, canonical)
            body = f"{body}\nAction: {'none, a final answer' if action == ANSWER else action}"
        parts.append(f"Proposal {number} ({member.label}):\n{_clip(body.strip())}")
    return "\n\n".join(parts)


def _with_note(request: ModelRequest, listing: str, instruction: str) -> ModelRequest:
    note = {"role": "user", "content": f"{listing}\n\n{instruction}"}
    return replace(request, messages=[*request.messages, note])


def _clip(text: str) -> str:
    if len(text) <= _PROPOSAL_LIMIT:
        return text
    return text[:_PROPOSAL_LIMIT] + "\n[... cut]"
