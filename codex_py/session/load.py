"""Reading a session log back: find it, load every readable line, rebuild the history.

Reading is forgiving by design: a log cut mid-line (the process was killed while writing) loads
every complete line, a line that is not a JSON object is skipped, and a tool call left without a
result is answered as aborted, so the rebuilt history is always valid for the next model call.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codex_py.errors import UsageError
from codex_py.messages import answer_open_calls
from codex_py.types import Message
from codex_py.usage_totals import UsageTotals

SESSIONS_DIR = "sessions"
META_TYPE = "session_meta"
RESET_TYPE = "history_reset"


@dataclass(frozen=True)
class SessionMeta:
    """The first line of a session log."""

    id: str
    time: str
    cwd: str
    version: str
    config_digest: str
    first_prompt: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionMeta:
        prompt = data.get("first_prompt")
        return cls(
            id=str(data.get("id", "")),
            time=str(data.get("time", "")),
            cwd=str(data.get("cwd", "")),
            version=str(data.get("version", "")),
            config_digest=str(data.get("config_digest", "")),
            first_prompt=prompt if isinstance(prompt, str) else None,
        )

    def started(self) -> dt.datetime | None:
        try:
            return dt.datetime.fromisoformat(self.time)
        except ValueError:
            return None


@dataclass
class SessionRecord:
    """A loaded session: its meta line, every event after it, and the rebuilt history."""

    path: Path
    meta: SessionMeta
    events: list[dict[str, Any]]
    history: list[Message]
    skipped_lines: int = 0

    @property
    def turns(self) -> int:
        """User prompts in the session."""
        return len(user_prompts(self.events))

    def totals(self) -> UsageTotals:
        return UsageTotals(self.events)


def sessions_root(home: Path) -> Path:
    return home / SESSIONS_DIR


def session_files(home: Path) -> list[Path]:
    """Every session log, oldest first (file names start with their creation time)."""
    files = sessions_root(home).glob("*/*/*/*.jsonl")
    return sorted(files, key=lambda path: path.name)


def session_id_of(path: Path) -> str:
    return path.stem.rsplit("-", 1)[-1]


def find_session(home: Path, ref: str | None) -> Path:
    """The log of session ``ref`` (an id, a unique id prefix, or a path); None: the newest."""
    files = session_files(home)
    if ref is None:
        if not files:
            raise UsageError("there is no session to resume yet", "start one with: codex PROMPT")
        return files[-1]
    if ref.endswith(".jsonl") and Path(ref).is_file():
        return Path(ref)
    matches = [path for path in files if session_id_of(path).startswith(ref.lower())]
    if not matches:
        raise UsageError(f"no session matches {ref!r}", "list them with: codex sessions")
    if len(matches) > 1:
        ids = ", ".join(session_id_of(path)[:12] for path in matches[:5])
        raise UsageError(f"{ref!r} matches {len(matches)} sessions ({ids})", "give more of the id")
    return matches[0]


def read_records(
    path: Path, *, only: tuple[bytes, ...] | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Every JSON object line of ``path`` (after the first, only lines starting with one of
    ``only`` when given) and how many lines were skipped as unreadable."""
    records: list[dict[str, Any]] = []
    skipped = 0
    with path.open("rb") as handle:
        for number, line in enumerate(handle):
            if only is not None and number and not line.startswith(only):
                continue
            try:
                value = json.loads(line)
            except ValueError:
                skipped += 1
                continue
            if isinstance(value, dict):
                records.append(value)
            else:
                skipped += 1
    return records, skipped


def load_session(home: Path, ref: str | None = None) -> SessionRecord:
    """Load session ``ref`` (see ``find_session``) with its history rebuilt and repaired."""
    return load_path(find_session(home, ref))


def load_path(path: Path) -> SessionRecord:
    records, skipped = read_records(path)
    meta, events = split_meta(path, records)
    return SessionRecord(path, meta, events, rebuild_history(events), skipped)


def rebuild_history(events: Iterable[Mapping[str, Any]]) -> list[Message]:
    """The conversation as the agent last had it, replayed from ``history`` events.

    A later system message replaces the first one (an agent rebuilt mid-session, or resumed,
    logs its current system prompt); a ``history_reset`` (compaction, /clear) replaces it all.
    """
    history: list[Message] = []
    for event in events:
        kind = event.get("type")
        if kind == "history" and isinstance(event.get("message"), dict):
            _add_message(history, dict(event["message"]))
        elif kind == RESET_TYPE and isinstance(event.get("messages"), list):
            history = [dict(m) for m in event["messages"] if isinstance(m, dict)]
    return answer_open_calls(history)


def user_prompts(events: Iterable[Mapping[str, Any]]) -> list[str]:
    """The user messages of a session, in order (compaction summaries are not among them)."""
    return [
        str(event["message"].get("content") or "")
        for event in events
        if event.get("type") == "history" and (event.get("message") or {}).get("role") == "user"
    ]


def _add_message(history: list[Message], message: Message) -> None:
    if message.get("role") != "system" or not history:
        history.append(message)
    elif history[0].get("role") == "system":
        history[0] = message
    else:
        history.insert(0, message)


def split_meta(
    path: Path, records: list[dict[str, Any]]
) -> tuple[SessionMeta, list[dict[str, Any]]]:
    if records and records[0].get("type") == META_TYPE:
        return SessionMeta.from_dict(records[0]), records[1:]
    # The meta line is unreadable: name the session after its file, keep the events.
    return SessionMeta(session_id_of(path), "", "", "", ""), records
