"""Reading a session log back: find it, load every readable line, rebuild the history.

Every line after the meta line is decoded into its typed event (``codex_py.events.from_dict``).
Reading is forgiving by design: a log cut mid-line (the process was killed while writing) loads
every complete line, a line that is not a JSON object or not an event of a known shape (say
``{"type": "history", "message": 5}``) is skipped and counted, and a tool call left without a
result is answered as aborted, so the rebuilt history is always valid for the next model call.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codex_py.errors import EventDecodeError, UsageError
from codex_py.events import Event, HistoryEvent, HistoryReset, from_dict
from codex_py.messages import answer_open_calls
from codex_py.pricing import UsageTotals
from codex_py.types import Message

SESSIONS_DIR = "sessions"
META_TYPE = "session_meta"
_JSON = json.JSONDecoder()


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
    events: list[Event]
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
    path: Path, *, only: Collection[str] | None = None
) -> tuple[SessionMeta, list[Event], int]:
    """The meta line and the events of ``path``, and how many lines were skipped as unreadable.

    With ``only`` (event types), the lines of other types are parsed as JSON to learn their type
    but not built into events (nor checked): what ``codex sessions`` needs."""
    meta: SessionMeta | None = None
    events: list[Event] = []
    skipped = 0
    # Text, not bytes: faster to decode. A line cut inside a character is invalid JSON anyway.
    with path.open(encoding="utf-8", errors="replace", newline="\n") as handle:
        for number, line in enumerate(handle):
            if not line.strip():
                continue
            try:
                data = _JSON.decode(line)
                if not isinstance(data, dict):
                    raise EventDecodeError("not a JSON object")
                kind = data.get("type")
                if number == 0 and kind == META_TYPE:
                    meta = SessionMeta.from_dict(data)
                elif only is None or kind in only:
                    events.append(from_dict(data))
            except (ValueError, EventDecodeError):
                skipped += 1
    # Without a readable meta line the session is named after its file.
    return meta or SessionMeta(session_id_of(path), "", "", "", ""), events, skipped


def load_session(home: Path, ref: str | None = None) -> SessionRecord:
    """Load session ``ref`` (see ``find_session``) with its history rebuilt and repaired."""
    return load_path(find_session(home, ref))


def load_path(path: Path) -> SessionRecord:
    meta, events, skipped = read_records(path)
    return SessionRecord(path, meta, events, rebuild_history(events), skipped)


def rebuild_history(events: Iterable[Event]) -> list[Message]:
    """The conversation as the agent last had it, replayed from ``history`` events.

    A later system message replaces the first one (an agent rebuilt mid-session, or resumed,
    logs its current system prompt); a ``history_reset`` (compaction, /clear) replaces it all.
    """
    history: list[Message] = []
    for event in events:
        if isinstance(event, HistoryEvent):
            _add_message(history, dict(event.message))
        elif isinstance(event, HistoryReset):
            history = [dict(m) for m in event.messages if isinstance(m, dict)]
    return answer_open_calls(history)


def prompt_of(event: Event) -> str | None:
    """The text of a user message added to the history; None for any other event."""
    if isinstance(event, HistoryEvent) and event.message.get("role") == "user":
        return str(event.message.get("content") or "")
    return None


def user_prompts(events: Iterable[Event]) -> list[str]:
    """The user messages of a session, in order (compaction summaries are not among them)."""
    return [prompt for prompt in map(prompt_of, events) if prompt is not None]


def _add_message(history: list[Message], message: Message) -> None:
    if message.get("role") != "system" or not history:
        history.append(message)
    elif history[0].get("role") == "system":
        history[0] = message
    else:
        history.insert(0, message)
