"""Tokens and dollars added up from ``usage`` events (as written to session logs and ``--json``),
per provider and model: for the status line, ``/cost`` and ``codex sessions``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any

from codex_py.pricing import Tally
from codex_py.types import Usage

_USAGE_FIELDS = tuple(f.name for f in fields(Usage))


class UsageTotals:
    """``total`` and ``by_model[(provider, model)]`` tallies of the events added."""

    def __init__(self, events: Iterable[Mapping[str, Any]] = ()) -> None:
        self.total = Tally()
        self.by_model: dict[tuple[str, str], Tally] = {}
        for event in events:
            if event.get("type") == "usage":
                self.add_event(event)

    def add_event(self, data: Mapping[str, Any]) -> None:
        """Count one ``usage`` event (as its dict)."""
        usage = Usage(**{name: int(data.get(name) or 0) for name in _USAGE_FIELDS})
        cost = data.get("cost_usd")
        cost = float(cost) if isinstance(cost, int | float) else None
        key = (str(data.get("provider", "")), str(data.get("model", "")))
        self.total.add(usage, cost)
        self.by_model.setdefault(key, Tally()).add(usage, cost)

    @property
    def usage(self) -> Usage:
        return self.total.usage

    @property
    def cost_usd(self) -> float | None:
        """The cost of the priced calls, or None when no call had a price."""
        return self.total.cost_usd

    @property
    def calls(self) -> int:
        return self.total.calls
