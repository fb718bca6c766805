"""Confine patch paths to the workspace root.

A patch path is relative to a working directory inside the root. Refused: empty and absolute
paths, ``..`` that leaves the root, and paths whose real location (after following symlinks)
is outside the root. Writes go to the real location, so a symlink inside the workspace that
points inside it is edited through, as ``std::fs::write`` does in Codex.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from codex_py.errors import PatchError

_RELATIVE_HINT = "use a path relative to the workspace root, inside it"


@dataclass(frozen=True)
class Target:
    """A patch path resolved: ``display`` is relative to the root, ``real`` is absolute with
    symlinks followed, ``lexical`` is the path as the OS is given it (for symlink checks)."""

    display: str
    real: Path
    lexical: Path


class Confinement:
    """Resolves patch paths against ``cwd`` (default: the root) and keeps them in the root."""

    def __init__(self, root: Path, cwd: Path | None = None) -> None:
        self.root = Path(os.path.realpath(root))
        base = Path(os.path.abspath(cwd if cwd is not None else root))
        if not _inside(Path(os.path.realpath(base)), self.root):
            raise PatchError(f"working directory '{base}' is outside the workspace", _RELATIVE_HINT)
        self.base = base

    def resolve(self, path: str) -> Target:
        """The target of patch path ``path``; raises PatchError if it leaves the root."""
        if not path or "\0" in path:
            raise PatchError(f"Invalid patch: bad path {path!r}", _RELATIVE_HINT)
        if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute():
            raise PatchError(f"absolute path '{path}' is not allowed", _RELATIVE_HINT)
        # Not normalised: the OS follows a symlink before applying a ".." after it.
        lexical = self.base / path
        real = Path(os.path.realpath(lexical))
        display_base = Path(os.path.realpath(self.base))
        if not _inside(Path(os.path.normpath(display_base / path)), self.root):
            raise PatchError(f"path '{path}' leaves the workspace root", _RELATIVE_HINT)
        if not _inside(real, self.root):
            raise PatchError(
                f"path '{path}' resolves through a symlink to '{real}', outside the workspace",
                _RELATIVE_HINT,
            )
        display = os.path.relpath(os.path.normpath(display_base / path), self.root)
        return Target(display, real, lexical)


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
