"""A run's record from its events: a run killed before its ``session_end`` event is added up from
its ``usage`` events; a run that never started an agent keeps its one-line error."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from codex_py.config.settings import Price
from codex_py.evals.process import Finished
from codex_py.evals.records import parse_events, run_record
from codex_py.events import RouteEvent, SessionEnd
from codex_py.pricing import CostTracker
from codex_py.types import Usage

HEAD = {"run_id": "a/t/1", "config": "a", "task": "t", "repeat": 1}
CHECK_FAILED = Finished(1, "AssertionError: nope\n", "", 0.1)
ROUTE = {"intent": "planning", "provider": "p", "model": "m", "reason": "first call"}


def usage(provider: str, intent: str, cost: float | None) -> str:
    return json.dumps(
        {"type": "usage", "provider": provider, "model": "m", "input_tokens": 100,
         "output_tokens": 10, "intent": intent, "cost_usd": cost}
    )  # fmt: skip


def test_a_killed_run_is_added_up_from_its_usage_events() -> None:
    stdout = "\n".join(
        [
            json.dumps({"type": "route", **ROUTE}),
            usage("p", "planning", 0.5),
            "not json",
            usage("q", "tool_use", 0.25),
            usage("q", "tool_use", None),
        ]
    )
    killed = Finished(137, stdout, "", 9.5, timed_out=True)
    record = run_record(HEAD, parse_events(stdout), killed, CHECK_FAILED)
    assert (record["status"], record["solved"], record["turns"]) == ("timeout", False, 3)
    assert record["cost_usd"] == pytest.approx(0.75)
    assert record["tokens"]["input_tokens"] == 300
    assert record["cost_by_intent"]["tool_use"] == {
        **record["cost_by_intent"]["tool_use"],
        "calls": 2,
        "unpriced_calls": 1,
        "cost_usd": 0.25,
    }
    assert record["cost_by_provider"]["p"]["cost_usd"] == 0.5
    assert record["routes"] == [ROUTE]
    assert record["errors"] == ["timed out after 9.5s"]
    assert record["check_output"] == "AssertionError: nope\n"


def test_a_run_that_failed_before_the_agent_keeps_its_error_line() -> None:
    stderr = "codex: error: OPENAI_API_KEY is not set — export OPENAI_API_KEY=...\n"
    record = run_record(HEAD, [], Finished(2, "", stderr, 0.3), CHECK_FAILED)
    assert (record["status"], record["exit_code"], record["turns"]) == ("crashed", 2, 0)
    assert record["errors"] == [stderr.strip()]
    assert record["cost_usd"] == 0 and record["cost_by_intent"] == {}


def test_a_finished_run_reads_its_totals_from_session_end_and_they_match_its_usage_events() -> None:
    tracker = CostTracker({"m": Price(input=1.0, output=2.0)})
    usage = [
        tracker.priced_event("p", "m", "planning", Usage(input_tokens=1_000_000)),
        tracker.priced_event("q", "m", "tool_use", Usage(input_tokens=10, output_tokens=500_000)),
    ]
    for event in usage:
        tracker.add(event)
    end = SessionEnd("completed", 2, asdict(tracker.total.usage), tracker.summary())
    lines = [json.dumps(e.to_dict()) for e in [RouteEvent(**ROUTE), *usage, end]]
    done = Finished(0, "\n".join(lines), "", 1.0)

    finished = run_record(HEAD, parse_events("\n".join(lines)), done, CHECK_FAILED)
    killed = run_record(HEAD, parse_events("\n".join(lines[:-1])), done, CHECK_FAILED)

    assert finished["status"] == "completed" and finished["turns"] == killed["turns"] == 2
    assert finished["cost_usd"] == killed["cost_usd"] == pytest.approx(2.00001)
    assert finished["cost_by_intent"] == killed["cost_by_intent"]
    assert finished["cost_by_provider"] == killed["cost_by_provider"]
    assert finished["tokens"] == killed["tokens"]
    assert finished["routes"] == [ROUTE]
