"""Approvals asked inline: the command or the diff, why it needs a yes, the safety votes if any
were taken, then one key: ``y`` yes once, ``a`` always (this command prefix, for the session),
``n`` no (with an optional message for the model), ``s`` (or Ctrl-C) stop the run.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.text import Text

from codex_py.ensemble.votes import Proposal
from codex_py.policy.decide import PatchAction
from codex_py.types import Approval, ApprovalRequest
from codex_py.ui.views import diff_view, vote_lines

VOTES_MARKER = "\n\nsafety vote:"
_VOTE_LINE = re.compile(r"^- (?P<member>.+?): (?P<decision>allow|deny): (?P<reason>.*)$")

Choose = Callable[[str, dict[str, str]], Awaitable[str]]
"""Asks for one key: (prompt, {key: meaning}) -> the key pressed."""
AskText = Callable[[str], Awaitable[str]]


def split_votes(summary: str) -> tuple[str, list[dict[str, str]], str]:
    """The action text, and the safety votes (with their heading) a ``SafetyApprover`` appended
    to the summary."""
    action, marker, rest = summary.partition(VOTES_MARKER)
    if not marker:
        return summary, [], ""
    lines = rest.split("\n")
    votes = [m.groupdict() for m in map(_VOTE_LINE.match, lines[1:]) if m]
    return action, votes, "safety vote:" + lines[0]


def request_view(request: ApprovalRequest) -> RenderableType:
    """What the user sees before deciding."""
    action, votes, heading = split_votes(request.summary)
    votes = _structured_votes(request) or votes
    danger = request.decision.dangerous
    title = Text.assemble(
        ("⚠ dangerous: ", "bold red") if danger else ("approval needed: ", "bold yellow"),
        request.decision.reason,
    )
    parts: list[RenderableType] = [title]
    if isinstance(request.action, PatchAction):
        parts.append(diff_view(action))
    else:
        parts.append(Text.assemble(("  $ ", "dim"), (action, "bold")))
    if votes:
        parts.append(Text(f"  {heading or 'votes:'}", style="cyan"))
        parts.extend(vote_lines(votes))
    return Group(*parts)


def choices(request: ApprovalRequest) -> dict[str, str]:
    """The keys offered; "always" only for commands (the policy remembers argv prefixes)."""
    keys = {"y": "yes"}
    if not isinstance(request.action, PatchAction):
        keys["a"] = "always this command"
    keys.update({"n": "no", "s": "stop"})
    return keys


def approval_for(key: str, message: str = "") -> Approval:
    if key == "y":
        return Approval(True)
    if key == "a":
        return Approval(True, always=True)
    if key == "n":
        return Approval(False, message=message or "the user said no")
    return Approval(False, stop=True, message="the user stopped the run")


class TerminalApprover:
    """A toolbox ``Approver`` that asks at the terminal. ``pause`` hides the renderer's live
    region while asking."""

    def __init__(
        self,
        console: Console,
        choose: Choose,
        ask_text: AskText,
        pause: Callable[[], Any] | None = None,
    ) -> None:
        self.console = console
        self.choose = choose
        self.ask_text = ask_text
        self.pause = pause

    async def __call__(self, request: ApprovalRequest) -> Approval:
        if self.pause is None:
            return await self._ask(request)
        with self.pause():
            return await self._ask(request)

    async def choose_proposal(self, proposals: list[Proposal]) -> int | None:
        """An ensemble's members disagree: show every proposal and let the user pick one (its
        index) or reject them all (None)."""
        if self.pause is None:
            return await self._pick(proposals)
        with self.pause():
            return await self._pick(proposals)

    async def _pick(self, proposals: list[Proposal]) -> int | None:
        self.console.print(Text("the ensemble disagrees:", style="bold yellow"))
        keys: dict[str, str] = {}
        for number, proposal in enumerate(proposals[:9], start=1):
            by = ", ".join(proposal.members)
            self.console.print(
                Text.assemble(f"  {number}. ", (proposal.summary, "bold"), f" ({by})")
            )
            keys[str(number)] = f"run {number}"
        keys["r"] = "reject all"
        key = await self.choose(_prompt(keys), keys)
        return int(key) - 1 if key.isdigit() else None

    async def _ask(self, request: ApprovalRequest) -> Approval:
        self.console.print(request_view(request))
        keys = choices(request)
        key = await self.choose(_prompt(keys), keys)
        message = ""
        if key == "n":
            message = (await self.ask_text("  tell the model why (Enter to skip): ")).strip()
        verdict = {"y": "approved", "a": "approved for the session", "n": "refused", "s": "stopped"}
        self.console.print(Text(f"  {verdict.get(key, 'stopped')}", style="dim"))
        return approval_for(key, message)


def _prompt(keys: dict[str, str]) -> str:
    return "  " + "  ".join(f"[{key}] {meaning}" for key, meaning in keys.items()) + " › "


def _structured_votes(request: ApprovalRequest) -> list[dict[str, str]]:
    """Votes attached to the request itself, for approvers that pass them that way."""
    return [
        {name: str(_field(vote, name) or "") for name in ("member", "decision", "reason")}
        for vote in getattr(request, "votes", None) or []
    ]


def _field(vote: Any, name: str) -> Any:
    return vote.get(name) if isinstance(vote, Mapping) else getattr(vote, name, "")
