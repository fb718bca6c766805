"""The ensemble provider: several ``provider:model`` members decide every call together.

Members are asked concurrently, each with its own timeout, so a call takes about as long as the
slowest member. Then the strategy decides, always counted against the *configured* members:

- ``unanimous``: every member proposes the same action; ``majority``: strictly more than half
  do. Actions are compared in canonical form (``canonical``, from the run's tools). Free text
  cannot be compared that way: unless the texts are identical, the judge says which answers
  agree and writes the answer they support.
- ``judge``: the judge sees every proposal and makes the step itself (``judging``).
- ``first``: the first member to answer wins; the others are cancelled.

The judge is the configured one, else the first member. Members that fail are left out as
long as the strategy can still reach its quorum; otherwise the call raises ``ProviderError``
naming each failure. Without agreement (a tie included), ``on_disagreement`` decides:
``judge``, ``ask`` (``chooser`` shows the user every proposal; it returns the index of the one
picked, or ``None`` to reject them all) or ``refuse``.

The refusal contract: a refused (or rejected) step is a text response with no tool calls,
``stop_reason == REFUSED_STEP``. Its text names every proposal and
its members. The agent records it in the history like a plan and calls again (it is not a final
answer), so the model is told why nothing ran and can propose something else or finish.

The returned response has ``provider`` = the ensemble's name, ``model`` = the model whose answer
won (the judge's when it decided), and the usage of every call made, members and judge summed.
Every member's answer is an ``EnsembleMemberEvent``; every decision is a ``VoteEvent``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from codex_py.config.settings import OnDisagreement, Strategy
from codex_py.ensemble.judge import agreement_request, parse_agreement, selection_request
from codex_py.ensemble.panel import (
    Answer,
    Member,
    Panel,
    answered,
    failures,
    total_usage,
)
from codex_py.ensemble.votes import (
    Canonical,
    Proposal,
    action_key,
    agreed,
    group,
    quorum,
    summarise,
)
from codex_py.errors import ConfigError, ProviderError
from codex_py.events import VoteEvent
from codex_py.messages import call_as_json
from codex_py.types import REFUSED_STEP, ModelRequest, ModelResponse, Sink, TextCallback, close_all

Chooser = Callable[[list[Proposal]], Awaitable[int | None]]


class EnsembleProvider:
    """A provider whose answer is the decision of several members (see the module docs)."""

    def __init__(
        self,
        name: str,
        members: Sequence[Member],
        *,
        strategy: Strategy,
        judge: Member | None = None,
        timeout: float = 120.0,
        on_disagreement: OnDisagreement = "refuse",
        sink: Sink | None = None,
        chooser: Chooser | None = None,
        canonical: Canonical = call_as_json,
    ) -> None:
        """``canonical`` spells a tool call in one form, so that proposals compare (the run's
        tool registry knows each tool's form)."""
        if on_disagreement == "ask" and chooser is None:
            raise ConfigError(
                f"ensemble {name!r}: on_disagreement ask needs someone to ask",
                f"set ensembles.{name}.on_disagreement to judge or refuse",
            )
        self.name = name
        self.panel = Panel(name, members, timeout=timeout, sink=sink)
        self.strategy = strategy
        self.judge = judge or self.panel.members[0]
        self.on_disagreement = on_disagreement
        self.chooser = chooser
        self.canonical = canonical

    @property
    def needed(self) -> int:
        return quorum(self.strategy, len(self.panel.members))

    async def complete(
        self, request: ModelRequest, on_text: TextCallback | None = None
    ) -> ModelResponse:
        """Members' text is not streamed: ``on_text`` is not called."""
        if self.strategy == "first":
            return await self._first(request)
        answers = await self.panel.ask_all(request, self._describer(request))
        if len(answered(answers)) < self.needed:
            raise self._quorum_error(answers)
        if self.strategy == "judge":
            return await self._judged(request, answers, [], "judged", "strategy judge")
        if request.tools:
            return await self._vote_on_actions(request, answers)
        return await self._vote_on_texts(request, answers)

    async def aclose(self) -> None:
        """Close the members' (and the judge's) connections."""
        await close_all([*(m.provider for m in self.panel.members), self.judge.provider])

    async def _vote_on_actions(self, request: ModelRequest, answers: list[Answer]) -> ModelResponse:
        if (agreement := self._agreed(request, answers)) is not None:
            return agreement
        return await self._disagree(request, answers, [])

    async def _vote_on_texts(self, request: ModelRequest, answers: list[Answer]) -> ModelResponse:
        if (agreement := self._agreed(request, answers)) is not None:
            return agreement  # identical texts need no judge
        texts = answered(answers)
        judge_call, reply = await self._ask_judge(agreement_request(request, texts))
        verdict = parse_agreement(reply.text, len(texts))
        if verdict is None:
            raise ProviderError(
                f"ensemble {self.name!r}: the judge {self.judge.label} did not answer with the "
                'JSON verdict asked for ({"agreeing": [...], "answer": "..."})',
                f"pick another judge in ensembles.{self.name}.judge",
            )
        synthesis = replace(reply, text=verdict.answer, tool_calls=[])
        agreeing = ", ".join(texts[n - 1][0].label for n in sorted(verdict.agreeing))
        if len(verdict.agreeing) >= self.needed:
            self._vote(request, "agreed", answers, f"the judge found agreement of {agreeing}")
        elif self.on_disagreement == "judge":
            self._vote(request, "judged", answers, f"only {agreeing or 'no one'} agreed")
        else:
            return await self._disagree(request, answers, [judge_call])
        return self._result(synthesis, self.judge.model, [*answers, judge_call])

    def _agreed(self, request: ModelRequest, answers: list[Answer]) -> ModelResponse | None:
        """The answer enough members gave in the same canonical form, if there is one."""
        key_of = self._key_function(request)
        winner = agreed([key_of(r) for _, r in answered(answers)], self.needed)
        if winner is None:
            return None
        member, response = next((m, r) for m, r in answered(answers) if key_of(r) == winner)
        self._vote(request, "agreed", answers, f"{self.strategy}: {summarise(winner)}")
        return self._result(response, member.model, answers)

    async def _disagree(
        self, request: ModelRequest, answers: list[Answer], extra: list[Answer]
    ) -> ModelResponse:
        """No agreement: judge, ask the user, or refuse. ``extra`` are calls already made."""
        why = f"{self.strategy} needs {self.needed} of {len(self.panel.members)} to agree"
        if self.on_disagreement == "judge":
            return await self._judged(request, answers, extra, "judged", f"no agreement ({why})")
        key_of = self._key_function(request)
        proposals = _proposals(answers, key_of)
        if self.on_disagreement == "ask" and self.chooser is not None:
            picked = await self.chooser(proposals)
            if picked is not None:
                key = proposals[picked].key
                self._vote(request, "chosen", answers, f"the user chose: {summarise(key)}")
                member, response = next((m, r) for m, r in answered(answers) if key_of(r) == key)
                return self._result(response, member.model, [*answers, *extra])
            why = "the user rejected every proposal"
        self._vote(request, "refused", answers, why)
        refusal = ModelResponse(
            text=self._refusal_text(answers, proposals, why),
            provider=self.name,
            stop_reason=REFUSED_STEP,
        )
        return self._result(refusal, "", [*answers, *extra])

    async def _judged(
        self,
        request: ModelRequest,
        answers: list[Answer],
        extra: list[Answer],
        outcome: str,
        why: str,
    ) -> ModelResponse:
        judge_call, reply = await self._ask_judge(
            selection_request(request, answered(answers), self.canonical)
        )
        self._vote(request, outcome, answers, why)
        return self._result(reply, self.judge.model, [*answers, *extra, judge_call])

    async def _ask_judge(self, request: ModelRequest) -> tuple[Answer, ModelResponse]:
        answer = await self.panel.ask(self.judge, request, self._describer(request), role="judge")
        if answer.response is None:
            raise ProviderError(
                f"ensemble {self.name!r}: the judge {self.judge.label} failed: {answer.error}",
                f"check that provider, or pick another judge in ensembles.{self.name}.judge",
            )
        return answer, answer.response

    async def _first(self, request: ModelRequest) -> ModelResponse:
        describe = self._describer(request)
        tasks = [
            asyncio.create_task(self.panel.ask(m, request, describe)) for m in self.panel.members
        ]
        try:
            for next_done in asyncio.as_completed(tasks):
                answer = await next_done
                if answer.response is not None:
                    label = answer.member.label
                    self._vote(request, "first", [answer], f"{label} answered first")
                    return self._result(answer.response, answer.member.model, [answer])
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        raise self._quorum_error([task.result() for task in tasks])

    def _result(self, response: ModelResponse, model: str, calls: list[Answer]) -> ModelResponse:
        return replace(
            response,
            usage=total_usage(calls),
            cost_usd=None,  # each call was priced by its own endpoint's meter
            provider=self.name,
            model=model,
        )

    def _vote(self, request: ModelRequest, outcome: str, answers: list[Answer], why: str) -> None:
        key_of = self._key_function(request)
        votes = [
            {"member": a.member.label, "answer": summarise(key_of(a.response))}
            if a.response is not None
            else {"member": a.member.label, "error": a.error}
            for a in answers
        ]
        subject = "action" if request.tools else "text"
        self.panel.sink.emit(
            VoteEvent(self.name, subject, self.strategy, outcome, self.needed, votes, why)
        )

    def _key_function(self, request: ModelRequest) -> Callable[[ModelResponse], str]:
        """What members' answers are compared by: the canonical action, or the stripped text."""
        if request.tools:
            canonical = self.canonical
            return lambda response: action_key(response, canonical)
        return lambda response: response.text.strip()

    def _describer(self, request: ModelRequest) -> Callable[[ModelResponse], str]:
        key_of = self._key_function(request)
        return lambda response: summarise(key_of(response))

    def _quorum_error(self, answers: list[Answer]) -> ProviderError:
        got, configured = len(answered(answers)), len(self.panel.members)
        return ProviderError(
            f"ensemble {self.name!r}: {got} of {configured} members answered and "
            f"{self.strategy} needs {self.needed} ({failures(answers)})",
            f"fix those providers, or raise ensembles.{self.name}.timeout",
        )

    def _refusal_text(self, answers: list[Answer], proposals: list[Proposal], why: str) -> str:
        lines = [
            f"The ensemble {self.name!r} did not agree, so nothing was done ({why}).",
            "Proposals:",
            *(f"- {', '.join(p.members)}: {p.summary}" for p in proposals),
            *(f"- {a.member.label}: no answer ({a.error})" for a in answers if a.response is None),
            "Propose a step the members can agree on, or finish with your answer.",
        ]
        return "\n".join(lines)


def _proposals(answers: list[Answer], key_of: Callable[[ModelResponse], str]) -> list[Proposal]:
    return group([(m.label, key_of(r)) for m, r in answered(answers)])
