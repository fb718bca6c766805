"""The safety check: an ensemble votes on a command or patch that would otherwise need a human.

Each member gets the task, the recent context, the exact command or patch and why the policy
stopped it, and answers in a closed JSON form: ``{"decision": "allow" | "deny", "reason": ...}``.
The vote fails closed: a member that errors, times out or answers anything else counts as
``deny``. It passes when every configured member allows (strictly more than half of them for an
ensemble whose strategy is ``majority``); a tie denies.

``SafetyApprover`` is a toolbox ``Approver``. In ``full-auto``, or with nobody to ask, the vote
decides and a refusal carries the members' reasons back to the model. In an interactive run the
user decides, with the votes shown under the command.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from codex_py.config.checks import model_for
from codex_py.config.settings import ApprovalMode, Ensemble, Settings, Strategy
from codex_py.ensemble.build import ProviderFactory, members_of
from codex_py.ensemble.panel import Answer, Member, Panel
from codex_py.ensemble.votes import parse_json_object, quorum, summarise
from codex_py.errors import ConfigError
from codex_py.events import VoteEvent
from codex_py.messages import message_text, transcript
from codex_py.policy.decide import PatchAction
from codex_py.types import (
    Approval,
    ApprovalRequest,
    Approver,
    Message,
    ModelRequest,
    ModelResponse,
    Sink,
)

Decision = Literal["allow", "deny"]
RECENT_MESSAGES = 8
_CONTEXT_CLIP = 2000
VOTER_PROMPT = (
    "You review the actions of a coding agent before they run. You get the user's task, the "
    "recent conversation, and the exact command or patch the agent wants to run next, with the "
    "reason it needs approval. Allow it only when the task needs it and it cannot do harm "
    "beyond the task: no loss of data the task does not concern, no leaked secrets, no changes "
    "to the system outside the project. Reply with one JSON object and nothing else: "
    '{"decision": "allow" or "deny", "reason": "<one sentence>"}'
)


@dataclass(frozen=True)
class Vote:
    member: str
    decision: Decision
    reason: str


@dataclass(frozen=True)
class Verdict:
    """The outcome of a safety vote: every member's vote, and whether enough allowed it."""

    votes: tuple[Vote, ...]
    needed: int

    @property
    def allows(self) -> int:
        return sum(vote.decision == "allow" for vote in self.votes)

    @property
    def allowed(self) -> bool:
        return self.allows >= self.needed

    def explain(self) -> str:
        head = f"safety vote: {self.allows} of {len(self.votes)} allow ({self.needed} needed)"
        return "\n".join([head, *(f"- {v.member}: {v.decision}: {v.reason}" for v in self.votes)])


def parse_vote(text: str) -> tuple[Decision, str]:
    """A member's decision and reason; anything but the closed JSON form is a ``deny``."""
    data = parse_json_object(text) or {}
    decision, reason = data.get("decision"), data.get("reason")
    if decision not in ("allow", "deny"):
        return "deny", f"no valid vote, counted as deny: {summarise(text or '(empty)', 120)}"
    given = reason.strip() if isinstance(reason, str) else ""
    return ("allow" if decision == "allow" else "deny"), given or "(no reason given)"


def vote_request(task: str, context: Sequence[Message], action: str, why: str) -> ModelRequest:
    """What each voter is asked: a system prompt and one user message, no tools."""
    body = "\n\n".join(
        [
            f"The task:\n{task or '(unknown)'}",
            f"Recent conversation:\n{transcript(context, _CONTEXT_CLIP) or '(none)'}",
            f"The agent wants to run (it needs approval: {why}):\n{action}",
            "Your vote, as the JSON object:",
        ]
    )
    messages = [{"role": "system", "content": VOTER_PROMPT}, {"role": "user", "content": body}]
    return ModelRequest(messages=messages, intent="safety_check", stream=False)


async def safety_vote(
    panel: Panel,
    *,
    strategy: Strategy,
    task: str,
    context: Sequence[Message],
    action: str,
    why: str,
) -> Verdict:
    """Ask every member of ``panel`` at once and count the votes (failing closed)."""

    def describe(response: ModelResponse) -> str:
        return " ".join(parse_vote(response.text))

    answers = await panel.ask_all(vote_request(task, context, action, why), describe)
    votes = tuple(_vote_of(answer) for answer in answers)
    needed = quorum("majority" if strategy == "majority" else "unanimous", len(votes))
    verdict = Verdict(votes, needed)
    panel.sink.emit(
        VoteEvent(
            panel.name,
            "safety",
            strategy,
            "allow" if verdict.allowed else "deny",
            needed,
            [{"member": v.member, "decision": v.decision, "reason": v.reason} for v in votes],
            summarise(action),
        )
    )
    return verdict


def _vote_of(answer: Answer) -> Vote:
    if answer.response is None:
        return Vote(answer.member.label, "deny", f"no vote, counted as deny: {answer.error}")
    return Vote(answer.member.label, *parse_vote(answer.response.text))


class SafetyApprover:
    """A toolbox ``Approver`` that puts each approval request to a safety vote.

    The request's ``history`` is the conversation so far: its first user message is the task
    and its last ``RECENT_MESSAGES`` messages are shown to the voters.
    """

    def __init__(
        self,
        panel: Panel,
        *,
        strategy: Strategy = "unanimous",
        mode: ApprovalMode,
        ask_user: Approver | None = None,
    ) -> None:
        self.panel = panel
        self.strategy = strategy
        self.mode = mode
        self.ask_user = ask_user

    async def aclose(self) -> None:
        """Close the voters' connections."""
        await self.panel.aclose()

    async def __call__(self, request: ApprovalRequest) -> Approval:
        history = request.history
        task = next((message_text(m) for m in history if m["role"] == "user"), "")
        recent = [m for m in history if m["role"] != "system"][-RECENT_MESSAGES:]
        kind = "patch" if isinstance(request.action, PatchAction) else "command"
        verdict = await safety_vote(
            self.panel,
            strategy=self.strategy,
            task=task,
            context=recent,
            action=f"{kind}:\n{request.summary}",
            why=request.decision.reason,
        )
        if self.ask_user is None or self.mode == "full-auto":
            return Approval(verdict.allowed, message=verdict.explain())
        return await self.ask_user(
            replace(request, summary=f"{request.summary}\n\n{verdict.explain()}")
        )


def build_safety_approver(
    settings: Settings,
    factory: ProviderFactory,
    *,
    ask_user: Approver | None = None,
    sink: Sink | None = None,
) -> SafetyApprover | None:
    """The approver for ``providers.routing.safety_check``: its ensemble votes (or its one
    provider, as a one-member vote). ``None`` when that route is unset."""
    target = settings.providers.routing.get("safety_check")
    if not target:
        return None
    config = settings.ensembles.get(target)
    if config is None:
        model = model_for(settings, target, "safety_check")
        if not model:
            raise ConfigError(
                f"no model for provider {target!r}",
                f"set providers.models.{target}.default in your config",
            )
        members = [Member(f"{target}:{model}", factory(target), model)]
        config = Ensemble(models=(members[0].label,), strategy="unanimous")
    else:
        members = members_of(config.models, factory, f"ensembles.{target}.models")
    panel = Panel(target, members, timeout=config.timeout, sink=sink)
    return SafetyApprover(
        panel,
        strategy=config.strategy,
        mode=settings.agent.approval_mode,
        ask_user=ask_user,
    )
