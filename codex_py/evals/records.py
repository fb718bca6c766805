"""One line of ``results.jsonl``: what a run did, read from its ``--json`` events and its check.

Costs and tokens come from the ``session_end`` event (totals by intent and by provider); a run
killed before writing it is added up from its ``usage`` events instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any

from codex_py.evals.process import Finished
from codex_py.events import ErrorEvent, Event, RouteEvent, SessionEnd, WarningEvent, decode_lines
from codex_py.pricing import UsageTotals

OUTPUT_TAIL_CHARS = 2000


def parse_events(stdout: str) -> list[Event]:
    """The typed events of ``codex exec --json`` output; other lines are skipped."""
    return decode_lines(stdout.splitlines())[0]


def run_record(
    head: Mapping[str, Any], events: Sequence[Event], agent: Finished, check: Finished
) -> dict[str, Any]:
    """The record of one run: ``head`` (ids) followed by outcome, time, tokens, cost, routes."""
    end = next((e for e in reversed(events) if isinstance(e, SessionEnd)), None)
    totals = UsageTotals(events)
    by_intent, by_provider, usage = _costs(end, totals)
    return {
        **head,
        "solved": check.exit_code == 0 and not check.timed_out,
        "status": _status(end, agent),
        "exit_code": agent.exit_code,
        "wall_seconds": round(agent.seconds, 3),
        "turns": end.turns if end else totals.calls,
        "tokens": usage,
        "cost_usd": round(sum(t.get("cost_usd") or 0.0 for t in by_intent.values()), 10),
        "cost_by_intent": by_intent,
        "cost_by_provider": by_provider,
        "routes": [
            {"intent": e.intent, "provider": e.provider, "model": e.model, "reason": e.reason}
            for e in events
            if isinstance(e, RouteEvent)
        ],
        "errors": _errors(events, agent),
        "warnings": [e.message for e in events if isinstance(e, WarningEvent)],
        "check_exit_code": check.exit_code,
        "check_seconds": round(check.seconds, 3),
        "check_output": _tail(check.stdout + check.stderr),
    }


def _status(end: SessionEnd | None, agent: Finished) -> str:
    if agent.timed_out:
        return "timeout"
    return end.status if end else "crashed"


def _costs(
    end: SessionEnd | None, totals: UsageTotals
) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """Totals by intent and by provider, and the tokens: from the ``session_end`` event, or
    the ``usage`` events' ``totals`` for a run killed before it."""
    if end is not None and "by_intent" in end.cost:
        usage = {k: int(v) for k, v in end.usage.items()}
        return dict(end.cost["by_intent"]), dict(end.cost.get("by_provider", {})), usage
    tallied = totals.to_dict()
    return tallied["by_intent"], tallied["by_provider"], asdict(totals.usage)


def _errors(events: Sequence[Event], agent: Finished) -> list[str]:
    errors = [
        e.message + (f" ({e.hint})" if e.hint else "") for e in events if isinstance(e, ErrorEvent)
    ]
    if agent.timed_out:
        errors.append(f"timed out after {agent.seconds:.1f}s")
    elif not errors and agent.exit_code not in (0, 130):
        lines = [line for line in agent.stderr.splitlines() if line.strip()]
        errors.append(lines[-1] if lines else f"codex exec exited with {agent.exit_code}")
    return errors


def _tail(text: str) -> str:
    return text if len(text) <= OUTPUT_TAIL_CHARS else "…" + text[-OUTPUT_TAIL_CHARS:]
