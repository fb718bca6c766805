"""Listing sessions from their typed events, and the index that keeps the summaries of the logs
that did not change since the last listing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codex_py import config
from codex_py.config.settings import Settings
from codex_py.events import HistoryEvent, SessionEnd, UsageEvent
from codex_py.session.index import INDEX_FILE
from codex_py.session.listing import list_sessions
from codex_py.session.log import SessionLog, load_session


@pytest.fixture
def settings(tmp_path: Path, home: Path) -> Settings:
    return config.load(tmp_path, env={"CODEX_HOME": str(home)}).settings


def saved(home: Path, settings: Settings, cwd: Path, prompt: str) -> SessionLog:
    log = SessionLog.start(home, settings, cwd, env={})
    log.emit(HistoryEvent({"role": "user", "content": prompt}))
    log.emit(HistoryEvent({"role": "assistant", "content": "done"}))
    log.emit(UsageEvent("openai", "gpt-x", 1000, 100, intent="tool_use", cost_usd=0.25))
    log.emit(UsageEvent("anthropic", "claude-x", 300, 30, intent="planning"))
    log.emit(SessionEnd("completed", 2))
    log.close()
    return log


def row(summary: Any) -> tuple[Any, ...]:
    return (summary.first_prompt, summary.turns, summary.tokens, summary.cost_usd, summary.status)


def test_the_listing_reads_events_not_the_layout_of_their_lines(
    tmp_path: Path, home: Path, settings: Settings
) -> None:
    written = saved(home, settings, tmp_path, "first")
    lines = written.path.read_text().splitlines()
    # The same events, written another way: compact separators and ``type`` last.
    other = written.path.with_name(written.path.name.replace(written.id, "f" * 32))
    relaid = []
    for line in lines:
        data = json.loads(line)
        kind = data.pop("type")
        if kind == "session_meta":
            data["id"] = "f" * 32
        relaid.append(json.dumps({**data, "type": kind}, separators=(",", ":")))
    other.write_text("\n".join(relaid) + "\n")

    by_id = {summary.id: summary for summary in list_sessions(home)}

    assert row(by_id[written.id]) == ("first", 1, 1430, 0.25, "completed")
    assert row(by_id["f" * 32]) == row(by_id[written.id])


def index_of(home: Path) -> Path:
    return home / "sessions" / INDEX_FILE


def test_a_second_listing_reads_unchanged_logs_from_the_index(
    tmp_path: Path, home: Path, settings: Settings
) -> None:
    log = saved(home, settings, tmp_path, "first")
    (first,) = list_sessions(home)
    index = json.loads(index_of(home).read_text())
    (entry,) = index["sessions"].values()
    assert entry["summary"]["status"] == "completed"
    entry["summary"]["status"] = "from the index"  # proves the next listing reads it
    index_of(home).write_text(json.dumps(index))

    assert list_sessions(home)[0].status == "from the index"

    again = SessionLog.reopen(load_session(home), settings, env={})
    again.emit(HistoryEvent({"role": "user", "content": "more"}))
    again.close()
    (grown,) = list_sessions(home)  # the log grew: decoded again
    assert (grown.turns, grown.status) == (2, "interrupted")
    assert first.path == grown.path == log.path
    assert row(first) == ("first", 1, 1430, 0.25, "completed")


def test_a_broken_index_is_ignored_and_deleted_logs_drop_out_of_it(
    tmp_path: Path, home: Path, settings: Settings
) -> None:
    kept = saved(home, settings, tmp_path, "kept")
    gone = saved(home, settings, tmp_path, "gone")
    expected = [row(summary) for summary in list_sessions(home)]

    index_of(home).write_text("{not json")
    assert [row(summary) for summary in list_sessions(home)] == expected
    index = json.loads(index_of(home).read_text())
    for entry in index["sessions"].values():
        entry["summary"]["turns"] = "many"  # an entry of the wrong shape is decoded again
    index_of(home).write_text(json.dumps(index))
    assert [row(summary) for summary in list_sessions(home)] == expected

    gone.path.unlink()
    (left,) = list_sessions(home)
    assert left.id == kept.id
    assert len(json.loads(index_of(home).read_text())["sessions"]) == 1


def test_listing_works_when_the_index_cannot_be_written(
    tmp_path: Path, home: Path, settings: Settings
) -> None:
    saved(home, settings, tmp_path, "first")
    index_of(home).mkdir()  # a directory where the file should be

    (summary,) = list_sessions(home)

    assert row(summary) == ("first", 1, 1430, 0.25, "completed")
    assert not [p for p in (home / "sessions").iterdir() if p.name.startswith(".index.")]
