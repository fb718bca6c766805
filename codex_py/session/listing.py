"""Summaries of saved sessions for ``codex sessions`` and ``/sessions``: when, where, the first
prompt, prompts, tokens, cost and how the last run ended, read without parsing the lines a
summary does not need."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codex_py.session.load import read_records, session_files, split_meta
from codex_py.usage_totals import UsageTotals

_SUMMARY_LINES = (
    b'{"type": "usage"',
    b'{"type": "session_end"',
    b'{"type": "history", "message": {"role": "user"',
)
"""What a summary reads besides the meta line (the writer puts ``type`` first, and messages
start with their ``role``); other lines are skipped without parsing their JSON."""


@dataclass(frozen=True)
class SessionSummary:
    """One row of ``codex sessions``."""

    id: str
    path: Path
    started: dt.datetime | None
    cwd: str
    first_prompt: str
    turns: int
    tokens: int
    cost_usd: float | None
    status: str


def list_sessions(home: Path) -> list[SessionSummary]:
    """A summary of every session, newest first."""
    summaries = []
    for path in reversed(session_files(home)):
        try:
            records, _ = read_records(path, only=_SUMMARY_LINES)
        except OSError:
            continue
        summaries.append(_summarise(path, records))
    return summaries


def _summarise(path: Path, records: list[dict[str, Any]]) -> SessionSummary:
    meta, events = split_meta(path, records)
    totals = UsageTotals()
    prompts: list[str] = []
    status = "open"
    for event in events:
        kind = event.get("type")
        if kind == "usage":
            totals.add_event(event)
        elif kind == "session_end":
            status = str(event.get("status", ""))
        elif kind == "history" and (event.get("message") or {}).get("role") == "user":
            prompts.append(str(event["message"].get("content") or ""))
            status = "interrupted"  # until its run ends
    usage = totals.usage
    return SessionSummary(
        id=meta.id,
        path=path,
        started=meta.started(),
        cwd=meta.cwd,
        first_prompt=meta.first_prompt or (prompts[0] if prompts else ""),
        turns=len(prompts),
        tokens=usage.input_tokens + usage.output_tokens,
        cost_usd=totals.cost_usd,
        status=status,
    )
