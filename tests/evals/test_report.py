"""The summary and the HTML report from hand-made records: figures, escaping, and a config whose
runs never finished (an eval interrupted early)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from codex_py.evals.report import render
from codex_py.evals.summary import summarise


def record(config: str, task: str, solved: bool, cost: float, wall: float) -> dict[str, Any]:
    tally = {"calls": 2, "unpriced_calls": 0, "cost_usd": cost, "input_tokens": 100,
             "output_tokens": 10}  # fmt: skip
    return {
        "run_id": f"{config}/{task}/1",
        "config": config,
        "task": task,
        "repeat": 1,
        "solved": solved,
        "status": "completed" if solved else "failed",
        "wall_seconds": wall,
        "turns": 2,
        "tokens": {"input_tokens": 100, "output_tokens": 10},
        "cost_usd": cost,
        "cost_by_intent": {"planning": tally},
        "cost_by_provider": {"<fake>": tally},
        "errors": [] if solved else ["model said <no>"],
        "check_exit_code": 0 if solved else 1,
        "check_output": "",
    }


RECORDS = [
    record("a<b>", "t1", True, 0.01, 1.0),
    record("a<b>", "t2", False, 0.03, 3.0),
    record("a<b>", "t3", True, 0.02, 2.0),
]


def test_summary_figures_by_hand() -> None:
    summary = summarise(RECORDS, ["a<b>", "never"], ["t1", "t2", "t3"], interrupted=True)
    ran, never = summary["configs"]
    assert ran == {
        **ran,
        "runs": 3,
        "solved": 2,
        "solve_rate": pytest.approx(2 / 3),
        "median_wall_seconds": 2.0,
        "median_cost_usd": 0.02,
        "total_cost_usd": 0.06,
        "cost_per_solved_usd": 0.03,
        "runs_with_errors": 1,
        "statuses": {"completed": 2, "failed": 1},
    }
    assert (ran["ci95_low"], ran["ci95_high"]) == pytest.approx((0.2077, 0.9385), abs=5e-5)
    assert ran["cost_by_provider"] == {
        "<fake>": {"cost_usd": 0.06, "calls": 6, "input_tokens": 300, "output_tokens": 30}
    }
    assert never == {
        **never,
        "runs": 0,
        "solve_rate": None,
        "ci95_low": None,
        "median_cost_usd": None,
        "total_cost_usd": 0.0,
        "cost_per_solved_usd": None,
    }
    assert summary["tasks"]["t2"] == {
        "a<b>": {"runs": 1, "solved": 0},
        "never": {"runs": 0, "solved": 0},
    }


def test_the_report_escapes_names_and_survives_a_config_without_runs() -> None:
    summary = summarise(RECORDS, ["a<b>", "never"], ["t1", "t2", "t3"], interrupted=True)
    html = render(summary, RECORDS)
    assert "<b>" not in html and "a&lt;b&gt;" in html and "&lt;fake&gt;" in html
    assert "model said &lt;no&gt;" in html
    assert "66.7% (21–94)" in html and "interrupted: partial results" in html
    assert len(re.findall(r"<circle ", html)) == 1  # only the config that ran is plotted
    assert html.count("<svg") == 3


def test_calls_without_a_price_are_reported_not_hidden() -> None:
    unpriced = record("cheap", "t1", True, 0.0, 1.0)
    unpriced["cost_by_intent"] = {"planning": {"calls": 2, "unpriced_calls": 2, "cost_usd": None}}
    summary = summarise([unpriced], ["cheap"], ["t1"])
    assert summary["configs"][0]["unpriced_calls"] == 2
    assert "warning: cheap: 2 model calls had no price" in render(summary, [unpriced])
