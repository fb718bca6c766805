"""The members of an ensemble, and a ``Panel`` that asks them concurrently.

Each member gets its own timeout; a member that fails or times out gives an ``Answer`` with an
``error`` instead of raising, so the caller decides what a failure means (a missing vote in an
ensemble, a ``deny`` in a safety vote). Every answer, its latency, tokens and cost, is emitted as
an ``EnsembleMemberEvent``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from codex_py.ensemble.votes import summarise
from codex_py.errors import BudgetExceeded, CodexError, ConfigError
from codex_py.events import EnsembleMemberEvent, NullSink
from codex_py.types import ModelRequest, ModelResponse, Provider, Sink, Usage, close_all

Describe = Callable[[ModelResponse], str]
"""A member's answer in one line, for its event."""


@dataclass(frozen=True)
class Member:
    """One ``provider:model`` of an ensemble: its label, the provider, and the model to ask for."""

    label: str
    provider: Provider
    model: str


@dataclass(frozen=True)
class Answer:
    """What one member said (``response``), or why it said nothing (``error``)."""

    member: Member
    response: ModelResponse | None
    error: str = ""
    latency_seconds: float = 0.0


def answered(answers: Sequence[Answer]) -> list[tuple[Member, ModelResponse]]:
    """The members that gave a response, with it, in member order."""
    return [(a.member, a.response) for a in answers if a.response is not None]


def total_usage(answers: Sequence[Answer]) -> Usage:
    usage = Usage()
    for _, response in answered(answers):
        usage += response.usage
    return usage


def failures(answers: Sequence[Answer]) -> str:
    """``label: error`` for every member that gave no response."""
    return "; ".join(f"{a.member.label}: {a.error}" for a in answers if a.response is None)


def text_of(response: ModelResponse) -> str:
    return summarise(response.text or "(no text)")


class Panel:
    """The members of the ensemble ``name``, each asked with a ``timeout`` in seconds."""

    def __init__(
        self,
        name: str,
        members: Sequence[Member],
        *,
        timeout: float,
        sink: Sink | None = None,
    ) -> None:
        if not members:
            raise ConfigError(
                f"ensemble {name!r} has no members", f"list them in ensembles.{name}.models"
            )
        self.name = name
        self.members = list(members)
        self.timeout = timeout
        self.sink = sink or NullSink()

    async def aclose(self) -> None:
        await close_all(member.provider for member in self.members)

    async def ask_all(self, request: ModelRequest, describe: Describe = text_of) -> list[Answer]:
        """Every member at once; returns when the slowest has answered or timed out."""
        calls = (self.ask(member, request, describe) for member in self.members)
        return list(await asyncio.gather(*calls))

    async def ask(
        self,
        member: Member,
        request: ModelRequest,
        describe: Describe = text_of,
        role: str = "member",
    ) -> Answer:
        """One member, with the timeout. Never raises (unless cancelled, or the run's budget is
        spent): a failure of any other kind is that member's answer, and the caller decides
        what it means."""
        started = time.monotonic()
        response: ModelResponse | None = None
        error = ""
        try:
            response = await asyncio.wait_for(
                member.provider.complete(replace(request, model=member.model)), self.timeout
            )
        except TimeoutError:
            error = f"timed out after {self.timeout:g}s"
        except BudgetExceeded:
            raise
        except CodexError as exc:
            error = exc.message
        except Exception as exc:  # a bug in one member must not take the others down with it
            error = f"{type(exc).__name__}: {exc}"
        answer = Answer(member, response, error, time.monotonic() - started)
        self.sink.emit(self._event(answer, role, describe))
        return answer

    def _event(self, answer: Answer, role: str, describe: Describe) -> EnsembleMemberEvent:
        response = answer.response
        usage = response.usage if response else Usage()
        return EnsembleMemberEvent(
            ensemble=self.name,
            member=answer.member.label,
            role=role,
            ok=response is not None,
            answer=describe(response) if response else "",
            latency_seconds=round(answer.latency_seconds, 3),
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cost_usd=response.cost_usd if response else None,
            error=answer.error,
        )
