"""Loading a session log decodes typed events: lines of the wrong shape are skipped and
counted, never a crash, and the rest of the session loads as written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codex_py import config
from codex_py.config.settings import Settings
from codex_py.events import Event, HistoryEvent, SessionEnd, UsageEvent
from codex_py.session.listing import list_sessions
from codex_py.session.log import SessionLog, load_session

MALFORMED = [
    {"type": "history", "message": 5},  # valid JSON, wrong shape
    {"type": "history"},  # a field missing
    {"type": "usage", "provider": "p", "model": "m", "input_tokens": "many", "output_tokens": 1},
    {"type": "usage", "provider": "p", "model": "m", "input_tokens": True, "output_tokens": 1},
    {"type": "session_end", "status": "completed", "turns": 1.5},
    {"type": "no_such_event"},
    {"message": {"role": "user", "content": "no type"}},
    [1, 2],
    "a string",
]


@pytest.fixture
def settings(tmp_path: Path, home: Path) -> Settings:
    return config.load(tmp_path, env={"CODEX_HOME": str(home)}).settings


def test_lines_of_the_wrong_shape_are_skipped_and_counted(
    tmp_path: Path, home: Path, settings: Settings
) -> None:
    log = SessionLog.start(home, settings, tmp_path, "count the files", env={})
    log.emit(HistoryEvent({"role": "user", "content": "count the files"}))
    log.emit(UsageEvent("openai", "gpt-x", 100, 10, cost_usd=0.5))
    log.close()
    with log.path.open("a") as handle:
        for line in MALFORMED:
            handle.write(json.dumps(line) + "\n")
        handle.write("not json at all\n")
    again = SessionLog.reopen(load_session(home), settings, env={})
    again.emit(HistoryEvent({"role": "assistant", "content": "There are 3."}))
    again.emit(SessionEnd("completed", 1))
    again.close()

    record = load_session(home)

    assert record.skipped_lines == len(MALFORMED) + 1
    assert all(isinstance(event, Event) for event in record.events)
    assert record.history == [
        {"role": "user", "content": "count the files"},
        {"role": "assistant", "content": "There are 3."},
    ]
    assert record.turns == 1
    totals = record.totals()
    assert (totals.calls, totals.usage.input_tokens, totals.cost_usd) == (1, 100, 0.5)
    (summary,) = list_sessions(home)
    assert (summary.turns, summary.tokens, summary.cost_usd) == (1, 110, 0.5)
    assert summary.status == "completed"


def test_a_log_whose_meta_line_is_unreadable_is_named_after_its_file(
    tmp_path: Path, home: Path, settings: Settings
) -> None:
    log = SessionLog.start(home, settings, tmp_path, "hello", env={})
    log.emit(HistoryEvent({"role": "user", "content": "hello"}))
    log.close()
    lines = log.path.read_text().splitlines()
    log.path.write_text("\n".join(["{broken", *lines[1:]]) + "\n")

    record = load_session(home)

    assert record.meta.id == log.id and record.meta.cwd == ""
    assert record.skipped_lines == 1
    assert record.history == [{"role": "user", "content": "hello"}]
