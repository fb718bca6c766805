"""How eval figures read, the same in the terminal table and in the HTML report."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MISSING = "–"


def usd(value: float | None) -> str:
    """Dollars with enough digits for the cents and fractions of cents of model calls."""
    if value is None:
        return MISSING
    if value == 0:
        return "$0"
    digits = 4 if abs(value) < 0.1 else 3 if abs(value) < 10 else 2
    return f"${value:.{digits}f}"


def usd_tick(value: float) -> str:
    """An axis label: ``$0.02``, ``$0.1``."""
    return "$0" if value == 0 else f"${value:g}"


def seconds(value: float | None) -> str:
    return MISSING if value is None else f"{value:.2f}s"


def rate_with_interval(config: Mapping[str, Any]) -> str:
    """``87.5% (53–98)`` from a config's summary (``–`` before any run finished): the interval
    in whole percents, as finer digits would claim more than a few runs can tell."""
    if config.get("solve_rate") is None:
        return MISSING
    low, high = config["ci95_low"] * 100, config["ci95_high"] * 100
    return f"{config['solve_rate'] * 100:.1f}% ({low:.0f}–{high:.0f})"


def unpriced_notes(configs: Iterable[Mapping[str, Any]]) -> list[str]:
    """A warning per config with model calls that had no price (their cost is not counted)."""
    return [
        f"{c['config']}: {c['unpriced_calls']} model calls had no price and are not in its costs"
        " (add the models under pricing: in the config)"
        for c in configs
        if c.get("unpriced_calls")
    ]
