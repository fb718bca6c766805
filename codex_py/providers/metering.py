"""Metering: the one place where a model call is priced.

Every endpoint of a run is wrapped in a ``MeteredProvider`` (directly around the SDK adapter, so
under the retries and fallbacks): each real call that returns is priced once, counted once in the
run's ``Meter`` and announced once as a ``UsageEvent`` with its cost. Planning and tool calls,
compaction summaries, ensemble members, judges and safety voters all reach a model through an
endpoint, so all of them are counted, and nothing else prices a call.

The meter also enforces the budget: once the priced calls reach ``max_cost`` dollars, no endpoint
makes another call (``BudgetExceeded``), whichever part of the run asks for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from codex_py.config.settings import Price
from codex_py.events import NullSink, UsageEvent
from codex_py.pricing import CostTracker
from codex_py.types import ModelRequest, ModelResponse, Provider, Sink, TextCallback, Usage


class Meter:
    """A run's ledger: the one tally of its calls (``costs``) and its budget."""

    def __init__(
        self,
        prices: Mapping[str, Price],
        sink: Sink | None = None,
        *,
        max_cost: float | None = None,
    ) -> None:
        self.sink = sink or NullSink()
        self.costs = CostTracker(prices, self.sink)
        self.max_cost = max_cost

    @property
    def usage(self) -> Usage:
        """Every metered call's tokens, added up."""
        return self.costs.total.usage

    def record(self, provider: str, model: str, intent: str | None, usage: Usage) -> UsageEvent:
        """Price one call, count it, and emit its ``UsageEvent``."""
        event = self.costs.priced_event(provider, model, intent, usage)
        self.costs.add(event)
        self.sink.emit(event)
        return event

    def check_budget(self) -> None:
        """Raise ``BudgetExceeded`` once the priced calls have reached ``max_cost``."""
        self.costs.check_budget(self.max_cost)


class MeteredProvider:
    """``inner`` (one endpoint), with every answered call priced by ``meter``. The response
    carries its cost (``cost_usd``) for whoever shows it, such as an ensemble's member event."""

    def __init__(self, inner: Provider, meter: Meter) -> None:
        self.inner = inner
        self.name = inner.name
        self.meter = meter

    async def complete(
        self, request: ModelRequest, on_text: TextCallback | None = None
    ) -> ModelResponse:
        self.meter.check_budget()
        response = await self.inner.complete(request, on_text)
        model = response.model or request.model
        event = self.meter.record(self.name, model, request.intent, response.usage)
        return replace(response, cost_usd=event.cost_usd)

    async def aclose(self) -> None:
        await self.inner.aclose()
