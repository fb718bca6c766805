"""Summaries of saved sessions for ``codex sessions`` and ``/sessions``: when, where, the first
prompt, prompts, tokens, cost and how the last run ended, from the typed events of each log.

Only the events a summary needs are built (``read_records(only=...)``), and a log is decoded
only when it changed since the last listing (``codex_py.session.index``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codex_py.events import Event, HistoryEvent, SessionEnd, UsageEvent
from codex_py.pricing import UsageTotals
from codex_py.session.index import SummaryIndex, stamp_of
from codex_py.session.load import (
    SessionMeta,
    prompt_of,
    read_records,
    session_files,
    sessions_root,
)

SUMMARY_TYPES = frozenset({UsageEvent.type, SessionEnd.type, HistoryEvent.type})
"""The events a summary reads besides the meta line."""


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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, without the path (the index keys it)."""
        return {
            "id": self.id,
            "started": self.started.isoformat() if self.started else None,
            "cwd": self.cwd,
            "first_prompt": self.first_prompt,
            "turns": self.turns,
            "tokens": self.tokens,
            "cost_usd": self.cost_usd,
            "status": self.status,
        }

    @classmethod
    def from_dict(cls, path: Path, data: Mapping[str, Any]) -> SessionSummary | None:
        """The summary ``to_dict`` wrote; None when ``data`` has another shape."""
        try:
            started = data["started"]
            summary = cls(
                id=data["id"],
                path=path,
                started=None if started is None else dt.datetime.fromisoformat(started),
                cwd=data["cwd"],
                first_prompt=data["first_prompt"],
                turns=data["turns"],
                tokens=data["tokens"],
                cost_usd=data["cost_usd"],
                status=data["status"],
            )
        except (KeyError, TypeError, ValueError):
            return None
        return summary if summary._well_typed() else None

    def _well_typed(self) -> bool:
        texts: list[object] = [self.id, self.cwd, self.first_prompt, self.status]
        counts: list[object] = [self.turns, self.tokens]
        return (
            all(isinstance(text, str) for text in texts)
            and all(type(count) is int for count in counts)
            and (self.cost_usd is None or type(self.cost_usd) in (int, float))
        )


def list_sessions(home: Path) -> list[SessionSummary]:
    """A summary of every session, newest first."""
    root = sessions_root(home)
    index = SummaryIndex(root)
    files = session_files(home)
    summaries = []
    for path in reversed(files):
        try:
            summaries.append(_summary(path, index))
        except OSError:
            continue
    if files:
        index.save(files)
    return summaries


def _summary(path: Path, index: SummaryIndex) -> SessionSummary:
    stamp = stamp_of(path)  # before reading: a log that grows meanwhile is read again next time
    cached = index.get(path, stamp)
    summary = None if cached is None else SessionSummary.from_dict(path, cached)
    if summary is None:
        meta, events, _ = read_records(path, only=SUMMARY_TYPES)
        summary = summarise(path, meta, events)
        index.put(path, stamp, summary.to_dict())
    return summary


def summarise(path: Path, meta: SessionMeta, events: Sequence[Event]) -> SessionSummary:
    """The summary of one session's events."""
    totals = UsageTotals(events)
    prompts: list[str] = []
    status = "open"
    for event in events:
        prompt = prompt_of(event)
        if prompt is not None:
            prompts.append(prompt)
            status = "interrupted"  # until its run ends
        elif isinstance(event, SessionEnd):
            status = event.status
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
