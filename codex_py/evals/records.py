"""One line of ``results.jsonl``: what a run did, read from its ``--json`` events and its check.

Costs and tokens come from the ``session_end`` event (totals by intent and by provider); a run
killed before writing it is added up from its ``usage`` events instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, fields
from typing import Any

from codex_py.evals.process import Finished
from codex_py.pricing import Tally
from codex_py.types import Usage

OUTPUT_TAIL_CHARS = 2000
_USAGE_FIELDS = tuple(f.name for f in fields(Usage))
JsonEvent = dict[str, Any]


def parse_events(stdout: str) -> list[JsonEvent]:
    """The JSON events of ``codex exec --json`` output; other lines are skipped."""
    found = []
    for line in stdout.splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        if isinstance(event, dict) and "type" in event:
            found.append(event)
    return found


def run_record(
    head: Mapping[str, Any], events: Sequence[JsonEvent], agent: Finished, check: Finished
) -> dict[str, Any]:
    """The record of one run: ``head`` (ids) followed by outcome, time, tokens, cost, routes."""
    end = next((e for e in reversed(events) if e["type"] == "session_end"), None)
    by_intent, by_provider, usage = _costs(end, events)
    return {
        **head,
        "solved": check.exit_code == 0 and not check.timed_out,
        "status": _status(end, agent),
        "exit_code": agent.exit_code,
        "wall_seconds": round(agent.seconds, 3),
        "turns": int(end["turns"]) if end else sum(e["type"] == "usage" for e in events),
        "tokens": usage,
        "cost_usd": round(sum(t.get("cost_usd") or 0.0 for t in by_intent.values()), 10),
        "cost_by_intent": by_intent,
        "cost_by_provider": by_provider,
        "routes": [
            {key: e.get(key) for key in ("intent", "provider", "model", "reason")}
            for e in events
            if e["type"] == "route"
        ],
        "errors": _errors(events, agent),
        "warnings": [str(e.get("message")) for e in events if e["type"] == "warning"],
        "check_exit_code": check.exit_code,
        "check_seconds": round(check.seconds, 3),
        "check_output": _tail(check.stdout + check.stderr),
    }


def _status(end: JsonEvent | None, agent: Finished) -> str:
    if agent.timed_out:
        return "timeout"
    return str(end["status"]) if end else "crashed"


def _costs(
    end: JsonEvent | None, events: Sequence[JsonEvent]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    cost = end.get("cost") if end else None
    if isinstance(cost, dict) and "by_intent" in cost:
        usage = {k: int(v) for k, v in (end or {}).get("usage", {}).items()}
        return dict(cost["by_intent"]), dict(cost.get("by_provider", {})), usage
    total = Tally()
    by_intent: dict[str, Tally] = {}
    by_provider: dict[str, Tally] = {}
    for event in events:
        if event["type"] != "usage":
            continue
        used = Usage(**{name: int(event.get(name) or 0) for name in _USAGE_FIELDS})
        spent = event.get("cost_usd")
        spent = float(spent) if isinstance(spent, int | float) else None
        total.add(used, spent)
        by_intent.setdefault(str(event.get("intent") or "none"), Tally()).add(used, spent)
        by_provider.setdefault(str(event.get("provider")), Tally()).add(used, spent)
    return (
        {k: t.to_dict() for k, t in sorted(by_intent.items())},
        {k: t.to_dict() for k, t in sorted(by_provider.items())},
        asdict(total.usage),
    )


def _errors(events: Sequence[JsonEvent], agent: Finished) -> list[str]:
    errors = [
        f"{e.get('message')}" + (f" ({e['hint']})" if e.get("hint") else "")
        for e in events
        if e["type"] == "error"
    ]
    if agent.timed_out:
        errors.append(f"timed out after {agent.seconds:.1f}s")
    elif not errors and agent.exit_code not in (0, 130):
        lines = [line for line in agent.stderr.splitlines() if line.strip()]
        errors.append(lines[-1] if lines else f"codex exec exited with {agent.exit_code}")
    return errors


def _tail(text: str) -> str:
    return text if len(text) <= OUTPUT_TAIL_CHARS else "…" + text[-OUTPUT_TAIL_CHARS:]
