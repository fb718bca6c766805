"""A cache of session summaries, so that listing the sessions decodes only the logs that changed.

Decoding every line of every log is what a summary costs (``listing``), and logs only grow, so
``$CODEX_HOME/sessions/index.json`` keeps each log's summary with the size and modification time
the log had when it was read; a log whose size or time differs is decoded again. The cache only
ever saves time: one that is missing, unreadable or of another version is ignored, and one that
cannot be written is left as it was.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

INDEX_FILE = "index.json"
VERSION = 1
Stamp = tuple[int, int]
"""A log's size and modification time (ns)."""


def stamp_of(path: Path) -> Stamp:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


class SummaryIndex:
    """JSON summaries of the logs under ``root`` (the sessions folder), each with its stamp."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.path = root / INDEX_FILE
        self.entries = _read(self.path)
        self._changed = False

    def get(self, log: Path, stamp: Stamp) -> dict[str, Any] | None:
        """The summary kept for ``log`` if it was read at ``stamp``."""
        entry = self.entries.get(self._key(log))
        if not isinstance(entry, dict) or entry.get("stamp") != list(stamp):
            return None
        summary = entry.get("summary")
        return summary if isinstance(summary, dict) else None

    def put(self, log: Path, stamp: Stamp, summary: dict[str, Any]) -> None:
        self.entries[self._key(log)] = {"stamp": list(stamp), "summary": summary}
        self._changed = True

    def save(self, logs: Iterable[Path]) -> None:
        """Write the cache back, keeping the entries of ``logs`` only (deleted logs drop out)."""
        keep = {self._key(log) for log in logs}
        if not self._changed and keep == set(self.entries):
            return
        entries = {key: value for key, value in self.entries.items() if key in keep}
        try:
            fd, temp = tempfile.mkstemp(dir=self.root, prefix=".index.", suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"version": VERSION, "sessions": entries}, out, ensure_ascii=False)
            os.replace(temp, self.path)
        except OSError:
            Path(temp).unlink(missing_ok=True)

    def _key(self, log: Path) -> str:
        return log.relative_to(self.root).as_posix()


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return {}
    sessions = data.get("sessions")
    return dict(sessions) if isinstance(sessions, dict) else {}
