"""Append-only JSONL session logs, so that any session can be listed, reviewed and resumed.

One file per session: ``$CODEX_HOME/sessions/YYYY/MM/DD/<time>-<id>.jsonl``. The first line is
the meta record (``type: session_meta``: id, time, working directory, version, a SHA-256 digest
of the settings, the first prompt); every other line is one event (``Event.to_dict()`` plus
``ts``, the Unix time it was written). Each line is written and flushed as the event happens, and
the file is fsync'd on ``session_end`` and on close, so a killed process loses at most the line it
was writing. Secrets are redacted before anything is written (``codex_py.session.redact``).

The file is created with the first prompt, so a session that never got one leaves nothing
behind. Streamed command output is logged up to ``TOOL_OUTPUT_LOG_LIMIT`` bytes per call
(the ``tool_result`` event still carries the head and tail that went to the model). A resumed
session appends to its own file.

Reading logs back lives in ``codex_py.session.load`` and ``codex_py.session.listing``; the main
names are re-exported here.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import threading
import time
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from codex_py import __version__
from codex_py.config.settings import Settings
from codex_py.events import Event, SessionResumed, ToolOutput
from codex_py.session.listing import SessionSummary, list_sessions
from codex_py.session.load import (
    META_TYPE,
    SessionMeta,
    SessionRecord,
    load_session,
    prompt_of,
    sessions_root,
)
from codex_py.session.redact import Redactor

if TYPE_CHECKING:
    from codex_py.agent.loop import Agent

__all__ = [
    "SessionLog",
    "SessionMeta",
    "SessionRecord",
    "SessionSummary",
    "config_digest",
    "list_sessions",
    "load_session",
    "resume_agent",
]

TOOL_OUTPUT_LOG_LIMIT = 64 * 1024
FSYNC_TYPES = frozenset({META_TYPE, "session_end"})


def config_digest(settings: Settings) -> str:
    """SHA-256 of a canonical JSON dump of the settings: equal digests, equal configs."""
    dump = json.dumps(dataclasses.asdict(settings), sort_keys=True, default=str)
    return hashlib.sha256(dump.encode()).hexdigest()


class SessionLog:
    """A sink that appends every event of a session to its JSONL file.

    Writing never breaks the session: the first ``OSError`` (a full disk, say) is kept in
    ``error`` and logging stops.
    """

    def __init__(
        self, path: Path, meta: SessionMeta, *, redactor: Redactor, open_now: bool = False
    ) -> None:
        self.path = path
        self.meta = meta
        self.redactor = redactor
        self.error: OSError | None = None
        self._lock = threading.Lock()
        self._handle: TextIO | None = None
        self._closed = False
        self._pending: list[dict[str, Any]] = []
        self._output_bytes: dict[str, int] = {}
        if open_now:
            self._open()

    @classmethod
    def start(
        cls,
        home: Path,
        settings: Settings,
        cwd: Path,
        first_prompt: str | None = None,
        *,
        env: Mapping[str, str] | None = None,
        now: dt.datetime | None = None,
    ) -> SessionLog:
        """A new session's log. Its file appears now when ``first_prompt`` is given, else with
        the first user message."""
        now = (now or dt.datetime.now()).astimezone()
        session_id = uuid.uuid4().hex
        stamp = now.strftime("%Y-%m-%dT%H-%M-%S")
        path = sessions_root(home) / now.strftime("%Y/%m/%d") / f"{stamp}-{session_id}.jsonl"
        meta = SessionMeta(
            id=session_id,
            time=now.isoformat(timespec="seconds"),
            cwd=str(cwd),
            version=__version__,
            config_digest=config_digest(settings),
            first_prompt=first_prompt,
        )
        return cls(path, meta, redactor=Redactor(env), open_now=first_prompt is not None)

    @classmethod
    def reopen(
        cls, record: SessionRecord, settings: Settings, *, env: Mapping[str, str] | None = None
    ) -> SessionLog:
        """Append to the log of a loaded session, noting when it was resumed and with what."""
        log = cls(record.path, record.meta, redactor=Redactor(env), open_now=True)
        log.emit(SessionResumed(config_digest(settings)))
        return log

    @property
    def id(self) -> str:
        return self.meta.id

    def emit(self, event: Event) -> None:
        if isinstance(event, ToolOutput):
            seen = self._output_bytes.get(event.call_id, 0)
            self._output_bytes[event.call_id] = seen + len(event.chunk)
            if seen >= TOOL_OUTPUT_LOG_LIMIT:
                return
        prompt = prompt_of(event)
        if prompt is not None and self.meta.first_prompt is None:
            self.meta = dataclasses.replace(self.meta, first_prompt=prompt)
        self.write(event.to_dict(), create=prompt is not None)

    def write(self, record: dict[str, Any], *, create: bool = False) -> None:
        """Append one record (a dict with a ``type``), redacted, with its time. Until the file
        exists (``create`` makes it), records wait in memory."""
        line = dict(record, ts=round(time.time(), 3))
        with self._lock:
            if self._closed or self.error:
                return
            if self._handle is None and create:
                self._open()
            if self._handle is None:
                self._pending.append(line)
            else:
                self._write_line(line)

    def close(self) -> None:
        """Flush to disk and close; the log can still be reopened later."""
        with self._lock:
            handle, self._handle = self._handle, None
            self._closed = True
            if handle is None or self.error:
                return
            try:
                handle.flush()
                os.fsync(handle.fileno())
                handle.close()
            except OSError as error:
                self.error = error

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not self.path.exists()
            handle = self.path.open("a", encoding="utf-8")
            if not fresh and not _ends_with_newline(self.path):
                handle.write("\n")  # a line cut by a crash stays alone, skipped on load
        except OSError as error:
            self.error = error
            return
        self._handle = handle
        if fresh:
            self._write_line({"type": META_TYPE, **dataclasses.asdict(self.meta)})
        for line in self._pending:
            self._write_line(line)
        self._pending.clear()

    def _write_line(self, record: dict[str, Any]) -> None:
        if self.error or self._handle is None:
            return
        text = json.dumps(self.redactor.value(record), ensure_ascii=False)
        try:
            self._handle.write(text + "\n")
            self._handle.flush()
            if record.get("type") in FSYNC_TYPES:
                os.fsync(self._handle.fileno())
        except OSError as error:
            self.error = error


def resume_agent(agent: Agent, record: SessionRecord) -> None:
    """Give ``agent`` the conversation of ``record`` and its usage so far. The agent keeps its
    own system prompt (today's instructions and project docs); the rest of the history, with
    every unanswered tool call answered as aborted, replaces the agent's."""
    own = [m for m in agent.history[:1] if m.get("role") == "system"]
    messages = record.history
    if messages and messages[0].get("role") == "system":
        messages = messages[1:]
    agent.history = [*own, *messages]
    agent.resumed_usage = record.totals().usage


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        if handle.tell() == 0:
            return True
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"
