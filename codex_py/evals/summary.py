"""``summary.json``: the records of an eval added up per config, and per task.

Per config: runs, solved, the solve rate with its 95 % Wilson interval, median wall time, median,
mean and total cost, cost per solved task, and cost and tokens by intent and by provider. Dollar
figures are rounded to 1e-10 so that sums of prices print as they would by hand.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from codex_py.evals.stats import median, ratio, wilson_interval

Record = Mapping[str, Any]
GROUP_FIELDS = ("calls", "input_tokens", "output_tokens")


def summarise(
    records: Sequence[Record],
    configs: Sequence[str],
    tasks: Sequence[str],
    **details: Any,
) -> dict[str, Any]:
    """The whole summary; ``details`` (suite, times, runs_planned, interrupted...) go first."""
    return {
        **details,
        "runs_done": len(records),
        "configs": [
            config_summary(name, [r for r in records if r["config"] == name]) for name in configs
        ],
        "tasks": {
            task: {
                name: _solved_of([r for r in records if (r["task"], r["config"]) == (task, name)])
                for name in configs
            }
            for task in tasks
        },
    }


def config_summary(name: str, records: Sequence[Record]) -> dict[str, Any]:
    """The figures of one config over its finished runs."""
    runs = len(records)
    solved = sum(1 for r in records if r["solved"])
    costs = [float(r["cost_usd"]) for r in records]
    total = sum(costs)
    interval = wilson_interval(solved, runs)
    return {
        "config": name,
        "runs": runs,
        "solved": solved,
        "solve_rate": ratio(solved, runs),
        "ci95_low": interval[0] if interval else None,
        "ci95_high": interval[1] if interval else None,
        "median_wall_seconds": median([float(r["wall_seconds"]) for r in records]),
        "median_turns": median([int(r["turns"]) for r in records]),
        "median_cost_usd": _dollars(median(costs)),
        "mean_cost_usd": _dollars(ratio(total, runs)),
        "total_cost_usd": _dollars(total),
        "cost_per_solved_usd": _dollars(ratio(total, solved)),
        "tokens": {
            key: sum(int(r["tokens"].get(key, 0)) for r in records)
            for key in ("input_tokens", "output_tokens")
        },
        "statuses": dict(sorted(Counter(str(r["status"]) for r in records).items())),
        "runs_with_errors": sum(1 for r in records if r["errors"]),
        "unpriced_calls": sum(
            int(t.get("unpriced_calls", 0)) for r in records for t in r["cost_by_intent"].values()
        ),
        "cost_by_intent": add_groups(r["cost_by_intent"] for r in records),
        "cost_by_provider": add_groups(r["cost_by_provider"] for r in records),
    }


def add_groups(groups: Iterable[Mapping[str, Mapping[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Tallies (``{name: {cost_usd, calls, input_tokens, ...}}``) of many runs added up."""
    totals: dict[str, dict[str, Any]] = {}
    for group in groups:
        for name, tally in group.items():
            into = totals.setdefault(name, {"cost_usd": 0.0, **dict.fromkeys(GROUP_FIELDS, 0)})
            into["cost_usd"] = _dollars(into["cost_usd"] + (tally.get("cost_usd") or 0.0))
            for key in GROUP_FIELDS:
                into[key] += int(tally.get(key, 0))
    return dict(sorted(totals.items()))


def _solved_of(records: Sequence[Record]) -> dict[str, int]:
    return {"runs": len(records), "solved": sum(1 for r in records if r["solved"])}


def _dollars(value: float | None) -> float | None:
    return None if value is None else round(value, 10)
