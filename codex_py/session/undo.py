"""What a session changed, and taking it back: the data behind ``/diff`` and ``/undo``.

Every applied patch is in the session's record: its ``tool_result`` event carries
``metadata["changes"]``, one entry per file with ``path``, ``kind``, ``move_from`` and a unified
``diff``. Undo applies those diffs in reverse to the files as they are now, last change first,
after checking that every changed region still reads as the patch left it; if one does not (the
file was edited since), nothing is written. What a move overwrote at its destination is not in
the record, so undoing such a move removes the destination.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codex_py.errors import PatchError
from codex_py.events import Event, ToolResultEvent, UndoEvent
from codex_py.tools.apply_patch.engine import FileText

NO_FILE = "/dev/null"
NEW_FILE_MODE = 0o644
_HUNK_HEADER = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
_CONFLICT_HINT = "the file was edited after the patch; revert it by hand, or ask the model to"


@dataclass(frozen=True)
class AppliedPatch:
    call_id: str
    changes: tuple[Mapping[str, Any], ...]

    @property
    def paths(self) -> list[str]:
        return [str(change.get("path", "")) for change in self.changes]

    @property
    def diff(self) -> str:
        return "".join(str(change.get("diff") or "") for change in self.changes)


class ChangeJournal:
    """The patches a session applied and has not undone, oldest first. A sink; seed it with a
    loaded session's events to carry on after a resume."""

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self.patches: list[AppliedPatch] = []
        for event in events:
            self.emit(event)

    def emit(self, event: Event) -> None:
        if isinstance(event, UndoEvent):
            self.patches = [p for p in self.patches if p.call_id != event.call_id]
        elif isinstance(event, ToolResultEvent) and event.exit_code == 0:
            changes = event.metadata.get("changes")
            if isinstance(changes, list) and changes:
                valid = tuple(c for c in changes if isinstance(c, Mapping) and "path" in c)
                self.patches.append(AppliedPatch(event.call_id, valid))

    def diff(self) -> str:
        """Every change the session still holds, as one unified diff."""
        return "".join(patch.diff for patch in self.patches)


def undo_patch(patch: AppliedPatch, root: Path) -> list[str]:
    """Revert ``patch`` in the files under ``root``; returns the paths written or removed.
    Raises ``PatchError`` (and writes nothing) when a file no longer matches the patch."""
    root = root.resolve()
    state: dict[Path, str | None] = {}
    touched: list[Path] = []

    def current(path: Path) -> str | None:
        if path not in state:
            state[path] = _read(path)
        return state[path]

    for change in reversed(patch.changes):
        target = _inside(root, str(change["path"]))
        source = _inside(root, str(change.get("move_from") or change["path"]))
        diff = str(change.get("diff") or "")
        if not diff:
            continue
        try:
            restored = reverse_diff(current(target), diff)
        except PatchError as error:
            raise PatchError(f"cannot undo {change['path']}: {error.message}", error.hint) from None
        if source != target:
            state[target] = None
            touched.append(target)
        state[source] = restored
        touched.append(source)
    for path in dict.fromkeys(touched):
        _write(path, state[path])
    return [str(path.relative_to(root)) for path in dict.fromkeys(touched)]


@dataclass
class _Hunk:
    new_start: int
    old_lines: list[str] = field(default_factory=list)
    new_lines: list[str] = field(default_factory=list)
    old_ends_without_newline: bool = False


def reverse_diff(current: str | None, diff: str) -> str | None:
    """The text before ``diff`` was applied, given the text after it (None: no file)."""
    old_label, new_label, hunks = _parse(diff)
    if (current is None) != (new_label == NO_FILE):
        state = "is missing" if current is None else "exists again"
        raise PatchError(f"the file {state}", _CONFLICT_HINT)
    text = FileText.split(current or "")
    lines = list(text.lines)
    for hunk in reversed(hunks):
        start = hunk.new_start - 1 if hunk.new_lines else hunk.new_start
        if lines[start : start + len(hunk.new_lines)] != hunk.new_lines:
            raise PatchError(f"lines {start + 1}+ do not match the patch", _CONFLICT_HINT)
        lines[start : start + len(hunk.new_lines)] = hunk.old_lines
    if old_label == NO_FILE:
        return None
    final_newline = not any(hunk.old_ends_without_newline for hunk in hunks)
    body = text.eol.join(lines) + (text.eol if lines and final_newline else "")
    return "\ufeff" + body if text.bom else body


def _parse(diff: str) -> tuple[str, str, list[_Hunk]]:
    lines = diff.split("\n")
    if len(lines) < 2 or not lines[0].startswith("--- ") or not lines[1].startswith("+++ "):
        raise PatchError("the recorded diff is not a unified diff", "revert the file by hand")
    hunks: list[_Hunk] = []
    last = ""
    for line in lines[2:]:
        header = _HUNK_HEADER.match(line)
        if header:
            hunks.append(_Hunk(new_start=int(header.group(3))))
        elif hunks and line.startswith("\\"):
            hunks[-1].old_ends_without_newline |= last in ("-", " ")
        elif hunks and line[:1] in (" ", "-", "+"):
            if line[0] != "+":
                hunks[-1].old_lines.append(line[1:])
            if line[0] != "-":
                hunks[-1].new_lines.append(line[1:])
        last = line[:1]
    return _label(lines[0]), _label(lines[1]), hunks


def _label(line: str) -> str:
    return line[4:].split("\t")[0]


def _inside(root: Path, relative: str) -> Path:
    path = (root / relative).resolve()
    if not path.is_relative_to(root):
        raise PatchError(f"{relative!r} is outside the workspace", "it cannot be undone from here")
    return path


def _read(path: Path) -> str | None:
    if not path.is_file():
        return None
    with path.open(encoding="utf-8", errors="surrogateescape", newline="") as handle:
        return handle.read()


def _write(path: Path, text: str | None) -> None:
    """Remove ``path`` (None) or replace its text atomically, keeping its mode."""
    if text is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else NEW_FILE_MODE
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".undo")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, mode)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
