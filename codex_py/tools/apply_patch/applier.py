"""Apply a parsed patch to a workspace: confined, all-or-nothing, with a diff per file.

Hunks run in order against an in-memory overlay (so a later hunk sees an earlier one), then the
net result is committed atomically. As in Codex, Add overwrites an existing file and a Move
overwrites an existing destination; Update of a missing file and Delete of a missing file or a
directory fail. Beyond Codex: a Move onto its own source is a plain update, a moved file keeps
its mode, and Delete or Move of a symlink itself is refused (it would leave its target behind).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from codex_py.errors import PatchError
from codex_py.tools.apply_patch.diff import diff_texts, diff_update
from codex_py.tools.apply_patch.engine import update_text
from codex_py.tools.apply_patch.parser import (
    AddFile,
    DeleteFile,
    Hunk,
    Patch,
    UpdateFile,
    parse_patch,
)
from codex_py.tools.apply_patch.paths import Confinement, Target
from codex_py.tools.apply_patch.workspace import FileOps, Overlay, commit

ChangeKind = Literal["A", "M", "D"]


@dataclass
class FileChange:
    """What one hunk did. ``path`` is relative to the root (a move's destination); ``before`` and
    ``after`` are the texts around it (None: absent) and, for a move, ``overwritten`` is what the
    destination held before, so an undo can restore every file."""

    path: str
    kind: ChangeKind
    move_from: str | None
    diff: str
    before: str | None
    after: str | None
    overwritten: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON-friendly form used in tool metadata and events."""
        return {
            "path": self.path,
            "kind": self.kind,
            "move_from": self.move_from,
            "diff": self.diff,
        }


@dataclass
class PatchOutcome:
    """The changes a patch made (or would make), one per hunk, in patch order."""

    changes: list[FileChange] = field(default_factory=list)

    def summary(self) -> str:
        """Codex's report: added, then modified (a move names its destination), then deleted."""
        lines = ["Success. Updated the following files:"]
        for kind in ("A", "M", "D"):
            lines.extend(f"{kind} {change.path}" for change in self.changes if change.kind == kind)
        return "\n".join(lines)


def apply_patch(
    text: str, root: Path, *, cwd: Path | None = None, ops: FileOps | None = None
) -> PatchOutcome:
    """Parse and apply ``text`` to the files under ``root`` (patch paths are relative to
    ``cwd``, default ``root``). All files change or none does; raises PatchError."""
    overlay = Overlay()
    outcome = _plan(parse_patch(text), Confinement(root, cwd), overlay)
    commit(overlay.writes(), ops or FileOps())
    return outcome


def preview_patch(text: str, root: Path, *, cwd: Path | None = None) -> PatchOutcome:
    """What :func:`apply_patch` would do, diffs included, without writing anything."""
    return _plan(parse_patch(text), Confinement(root, cwd), Overlay())


def affected_paths(patch: Patch, root: Path, *, cwd: Path | None = None) -> list[Path]:
    """The real paths ``patch`` would write or delete (move sources and destinations included),
    without reading them; raises PatchError if any is outside ``root``."""
    confinement = Confinement(root, cwd)
    paths: dict[Path, None] = {}
    for hunk in patch.hunks:
        paths[confinement.resolve(hunk.path).real] = None
        if isinstance(hunk, UpdateFile) and hunk.move_to is not None:
            paths[confinement.resolve(hunk.move_to).real] = None
    return list(paths)


def _plan(patch: Patch, confinement: Confinement, overlay: Overlay) -> PatchOutcome:
    return PatchOutcome([_apply_hunk(hunk, confinement, overlay) for hunk in patch.hunks])


def _apply_hunk(hunk: Hunk, confinement: Confinement, overlay: Overlay) -> FileChange:
    target = confinement.resolve(hunk.path)
    if isinstance(hunk, AddFile):
        before = overlay.read(target)
        overlay.write(target, hunk.contents)
        diff = diff_texts(before, hunk.contents, target.display, target.display)
        return FileChange(target.display, "A", None, diff, before, hunk.contents)
    if isinstance(hunk, DeleteFile):
        _refuse_symlink(target, "delete")
        before = overlay.read(target)
        if before is None:
            raise PatchError(f"cannot delete '{target.display}': no such file", _PATH_HINT)
        overlay.write(target, None)
        diff = diff_texts(before, None, target.display, target.display)
        return FileChange(target.display, "D", None, diff, before, None)
    return _update(hunk, target, confinement, overlay)


_PATH_HINT = "check the path against the files that exist now; no file was changed"


def _update(
    hunk: UpdateFile, source: Target, confinement: Confinement, overlay: Overlay
) -> FileChange:
    before = overlay.read(source)
    if before is None:
        message = f"cannot update '{source.display}': no such file"
        raise PatchError(message, "use '*** Add File:' to create a file; no file was changed")
    update = update_text(before, hunk.chunks, source.display)
    destination = confinement.resolve(hunk.move_to) if hunk.move_to is not None else None
    if destination is None or destination.real == source.real:
        overlay.write(source, update.text)
        diff = diff_update(update, source.display, source.display)
        return FileChange(source.display, "M", None, diff, before, update.text)
    _refuse_symlink(source, "move")
    overwritten = overlay.read(destination)
    overlay.write(destination, update.text, mode_from=source)
    overlay.write(source, None)
    diff = diff_update(update, source.display, destination.display)
    return FileChange(
        destination.display, "M", source.display, diff, before, update.text, overwritten
    )


def _refuse_symlink(target: Target, action: str) -> None:
    if os.path.islink(target.lexical):
        raise PatchError(
            f"refusing to {action} '{target.display}': it is a symlink",
            "use the shell to remove or rename symlinks; no file was changed",
        )
