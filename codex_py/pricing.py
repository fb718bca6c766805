"""What model calls cost: price-table lookups, the cost of one ``Usage``, and the one tally.

``UsageTotals`` adds up ``usage`` events (overall, by provider, by model, by intent) and is the
only place usage is totalled: ``CostTracker`` (a run's totals and budget), the status line,
``/cost``, ``codex sessions``, a resumed session and the eval records all read one.

How the APIs report prompt tokens, and the one convention every adapter normalises to:

- OpenAI (Responses and Chat Completions): ``input_tokens`` / ``prompt_tokens`` already include
  the cached tokens, reported again in ``*_tokens_details.cached_tokens``.
- Anthropic: ``input_tokens`` excludes both ``cache_read_input_tokens`` and
  ``cache_creation_input_tokens``; the adapter adds them back.

So in our ``Usage``, ``input_tokens`` counts every prompt token and ``cache_read_tokens`` and
``cache_write_tokens`` are parts of it. ``reasoning_tokens`` are part of ``output_tokens`` and
are billed as output. Prices are US dollars per million tokens (``configs/pricing.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from codex_py.config.settings import Price
from codex_py.errors import BudgetExceeded
from codex_py.events import Event, NullSink, UsageEvent, WarningEvent
from codex_py.types import Sink, Usage

PER_TOKENS = 1_000_000
NO_INTENT = "none"
"""The ``by_intent`` key of calls made without an intent."""
_USAGE_FIELDS = tuple(f.name for f in fields(Usage))
_DATED = re.compile(r"-(\d{8}|\d{4}-\d{2}-\d{2}|latest)$")


def cost_of(usage: Usage, price: Price) -> float:
    """US dollars for ``usage`` at ``price``. Cache reads and writes are billed at their own
    rates (at the input rate when the price has none); the rest of the input at ``input``."""
    cache_read_rate = price.input if price.cache_read is None else price.cache_read
    cache_write_rate = price.input if price.cache_write is None else price.cache_write
    uncached = max(0, usage.input_tokens - usage.cache_read_tokens - usage.cache_write_tokens)
    dollars = (
        uncached * price.input
        + usage.cache_read_tokens * cache_read_rate
        + usage.cache_write_tokens * cache_write_rate
        + usage.output_tokens * price.output
    )
    return dollars / PER_TOKENS


def price_for(model: str, prices: Mapping[str, Price]) -> Price | None:
    """The price of ``model``: an exact entry, else that of its base name without a date or
    ``-latest`` suffix, else that of the part after a ``vendor/`` prefix; ``None`` when unknown."""
    candidates = [model, _DATED.sub("", model)]
    if "/" in model:
        base = model.rsplit("/", 1)[1]
        candidates += [base, _DATED.sub("", base)]
    return next((prices[name] for name in candidates if name in prices), None)


@dataclass
class Tally:
    """Calls, tokens and dollars of one group (a provider, a model or an intent).

    ``cost_usd`` sums the priced calls only; it is ``None`` while none of them had a price, and
    ``unpriced_calls`` says how many calls the dollar figure leaves out."""

    calls: int = 0
    unpriced_calls: int = 0
    cost_usd: float | None = None
    usage: Usage = field(default_factory=Usage)

    def add(self, usage: Usage, cost: float | None) -> None:
        self.calls += 1
        self.usage = self.usage + usage
        if cost is None:
            self.unpriced_calls += 1
        else:
            self.cost_usd = (self.cost_usd or 0.0) + cost

    def to_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "unpriced_calls": self.unpriced_calls,
            "cost_usd": self.cost_usd,
            **asdict(self.usage),
        }


def usage_of(event: UsageEvent) -> Usage:
    """The token counts of a ``usage`` event."""
    return Usage(**{name: getattr(event, name) for name in _USAGE_FIELDS})


class UsageTotals:
    """The one tally: ``usage`` events added up overall (``total``), ``by_provider``,
    ``by_model``, ``by_intent`` and ``by_provider_model`` (``(provider, model)`` pairs, for
    ``/cost``). Other events given to it are ignored."""

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self.total = Tally()
        self.by_provider: dict[str, Tally] = {}
        self.by_model: dict[str, Tally] = {}
        self.by_intent: dict[str, Tally] = {}
        self.by_provider_model: dict[tuple[str, str], Tally] = {}
        for event in events:
            if isinstance(event, UsageEvent):
                self.add(event)

    def add(self, event: UsageEvent) -> None:
        """Count one call."""
        usage = usage_of(event)
        cost = None if event.cost_usd is None else float(event.cost_usd)
        self.total.add(usage, cost)
        for groups, key in (
            (self.by_provider, event.provider),
            (self.by_model, event.model),
            (self.by_intent, event.intent or NO_INTENT),
        ):
            groups.setdefault(key, Tally()).add(usage, cost)
        pair = (event.provider, event.model)
        self.by_provider_model.setdefault(pair, Tally()).add(usage, cost)

    @property
    def usage(self) -> Usage:
        return self.total.usage

    @property
    def cost_usd(self) -> float | None:
        """Dollars of the priced calls, or ``None`` while no call had a price."""
        return self.total.cost_usd

    @property
    def calls(self) -> int:
        return self.total.calls

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: ``total``, ``by_provider``, ``by_model`` and ``by_intent``."""
        return {
            "total": self.total.to_dict(),
            "by_provider": _dicts(self.by_provider),
            "by_model": _dicts(self.by_model),
            "by_intent": _dicts(self.by_intent),
        }


class CostTracker:
    """A run's prices, its ``UsageTotals`` and the budget check.

    A model without a price is warned about once (a ``WarningEvent``); its tokens are counted
    and its calls are reported as unpriced, never as costing $0."""

    def __init__(self, prices: Mapping[str, Price], sink: Sink | None = None) -> None:
        self.prices = prices
        self.sink = sink or NullSink()
        self.totals = UsageTotals()
        self._warned: set[str] = set()

    @property
    def total(self) -> Tally:
        return self.totals.total

    @property
    def by_provider(self) -> dict[str, Tally]:
        return self.totals.by_provider

    @property
    def by_model(self) -> dict[str, Tally]:
        return self.totals.by_model

    @property
    def by_intent(self) -> dict[str, Tally]:
        return self.totals.by_intent

    @property
    def total_usd(self) -> float:
        """Dollars of every priced call so far."""
        return self.totals.cost_usd or 0.0

    @property
    def unpriced_models(self) -> list[str]:
        return sorted(self._warned)

    def priced_event(
        self, provider: str, model: str, intent: str | None, usage: Usage
    ) -> UsageEvent:
        """The ``usage`` event of one call, with its cost (``None`` when the model has no
        price, warned about the first time). Not counted: see ``add`` and ``record``."""
        price = price_for(model, self.prices)
        if price is None and model not in self._warned:
            self._warned.add(model)
            self.sink.emit(
                WarningEvent(
                    f"no price for model {model!r}: its tokens are counted but not its cost; "
                    f"add it under pricing.{model} in your config"
                )
            )
        cost = None if price is None else cost_of(usage, price)
        return UsageEvent(provider, model, **asdict(usage), intent=intent, cost_usd=cost)

    def add(self, event: UsageEvent) -> None:
        """Count one call's ``usage`` event in the totals."""
        self.totals.add(event)

    def record(self, provider: str, model: str, intent: str | None, usage: Usage) -> float | None:
        """Price and count one call; return its cost, or ``None`` when the model has no price."""
        event = self.priced_event(provider, model, intent, usage)
        self.add(event)
        return event.cost_usd

    def summary(self) -> dict[str, Any]:
        """JSON-ready totals (the ``session_end.cost`` shape): ``total_usd``,
        ``unpriced_models``, then ``UsageTotals.to_dict()``."""
        return {
            "total_usd": self.total_usd,
            "unpriced_models": self.unpriced_models,
            **self.totals.to_dict(),
        }

    def check_budget(self, max_cost: float | None) -> None:
        """Raise ``BudgetExceeded`` once the priced calls reach ``max_cost`` dollars."""
        if max_cost is None or self.total_usd < max_cost:
            return
        unpriced = f" (not counting {', '.join(self.unpriced_models)})" if self._warned else ""
        raise BudgetExceeded(
            f"cost limit reached: ${self.total_usd:.4f} spent of ${max_cost:.2f}{unpriced}",
            "raise --max-cost or limits.max_cost to continue",
        )


def _dicts(groups: Mapping[str, Tally]) -> dict[str, dict[str, Any]]:
    return {key: tally.to_dict() for key, tally in sorted(groups.items())}
