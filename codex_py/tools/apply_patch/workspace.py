"""The filesystem side: an in-memory overlay of the files a patch touches, committed atomically.

Every hunk reads and writes the :class:`Overlay`, so later hunks see earlier ones (as when Codex
applies them one by one) while the disk is untouched. :func:`commit` then writes each new file
to a temporary file in its own directory (flushed to disk, with the original's mode), and only
when all are written renames them into place and removes deleted files. If any step fails, the
steps already done are undone from the original bytes held in memory, so a patch changes every
file or none.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from codex_py.errors import PatchError
from codex_py.tools.apply_patch.paths import Target

_TEXT_HINT = "apply_patch only edits UTF-8 text files; use the shell for other files"


@dataclass(frozen=True)
class _Original:
    data: bytes | None
    mode: int | None


@dataclass(frozen=True)
class Write:
    """One file's net change: ``data`` None deletes it; ``original`` None means it is new.
    A mode of None is a new file's default."""

    path: Path
    data: bytes | None
    mode: int | None
    original: bytes | None
    original_mode: int | None


class Overlay:
    """File contents as the patch has left them so far, read from disk on first use."""

    def __init__(self) -> None:
        self._current: dict[Path, str | None] = {}
        self._original: dict[Path, _Original] = {}
        self._modes: dict[Path, int] = {}

    def read(self, target: Target) -> str | None:
        """The current text of ``target`` (None if absent); refuses directories and non-text."""
        if target.real in self._current:
            return self._current[target.real]
        text, original = _read_disk(target)
        self._current[target.real] = text
        self._original[target.real] = original
        return text

    def write(self, target: Target, text: str | None, *, mode_from: Target | None = None) -> None:
        """Set the text of ``target`` (None deletes it); ``read`` it first. ``mode_from`` (a
        move's source) gives the file that file's mode."""
        if text is not None:
            self._check_parents(target)
        self._current[target.real] = text
        mode = self.mode(mode_from) if mode_from is not None else None
        if mode is not None:
            self._modes[target.real] = mode

    def mode(self, target: Target) -> int | None:
        """The permission bits ``target`` has, or will have, if known."""
        original = self._original.get(target.real)
        return self._modes.get(target.real, original.mode if original else None)

    def _check_parents(self, target: Target) -> None:
        for parent in target.real.parents:
            exists_as_file = (
                self._current[parent] is not None if parent in self._current else parent.is_file()
            )
            if exists_as_file:
                raise PatchError(
                    f"cannot create '{target.display}': a parent of it is a file",
                    "choose a path whose parent directories are directories",
                )

    def writes(self) -> list[Write]:
        """The net changes, in the order the files were first touched."""
        changes = []
        for path, text in self._current.items():
            original = self._original[path]
            data = text.encode("utf-8") if text is not None else None
            mode = self._modes.get(path, original.mode)
            if data != original.data or (data is not None and mode != original.mode):
                changes.append(Write(path, data, mode, original.data, original.mode))
        return changes


def _read_disk(target: Target) -> tuple[str | None, _Original]:
    try:
        info = target.real.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None, _Original(None, None)
    except OSError as exc:
        raise PatchError(f"cannot read '{target.display}': {exc.strerror}", _TEXT_HINT) from exc
    if stat.S_ISDIR(info.st_mode):
        raise PatchError(f"'{target.display}' is a directory", "name a file, not a directory")
    try:
        data = target.real.read_bytes()
    except OSError as exc:
        raise PatchError(f"cannot read '{target.display}': {exc.strerror}", _TEXT_HINT) from exc
    if b"\0" in data:
        raise PatchError(f"'{target.display}' is a binary file (it contains NUL bytes)", _TEXT_HINT)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        message = f"'{target.display}' is not valid UTF-8 (byte {exc.start})"
        raise PatchError(message, _TEXT_HINT) from exc
    return text, _Original(data, stat.S_IMODE(info.st_mode))


class FileOps:
    """The filesystem steps of a commit. Tests subclass it to make a chosen step fail."""

    def make_dirs(self, directory: Path) -> list[Path]:
        """Create ``directory`` and missing parents; returns those created, outermost first."""
        missing = [d for d in (directory, *directory.parents) if not d.exists()]
        for created in reversed(missing):
            created.mkdir()
        return list(reversed(missing))

    def write_temp(self, path: Path, data: bytes, mode: int | None) -> Path:
        """Write ``data`` to a new file beside ``path``, flushed to disk; returns its path.
        ``mode`` None gives a new file's default mode (0o666 less the umask)."""
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.apply_patch.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
                if mode is not None:
                    os.fchmod(handle.fileno(), mode)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return temp

    def replace(self, source: Path, destination: Path) -> None:
        os.replace(source, destination)

    def unlink(self, path: Path) -> None:
        path.unlink()

    def sync_dir(self, directory: Path) -> None:
        """Flush a directory's entries (renames) to disk, where the platform allows it."""
        with contextlib.suppress(OSError):
            fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def commit(writes: list[Write], ops: FileOps) -> None:
    """Make all ``writes`` or none; raises PatchError (after undoing) when a step fails."""
    temps: dict[Path, Path] = {}
    created: list[Path] = []
    done: list[Write] = []
    try:
        for write in writes:
            if write.data is not None:
                created.extend(ops.make_dirs(write.path.parent))
                temps[write.path] = ops.write_temp(write.path, write.data, write.mode)
        for write in writes:
            if write.data is None:
                ops.unlink(write.path)
            else:
                ops.replace(temps[write.path], write.path)
                del temps[write.path]
            done.append(write)
    except BaseException as exc:  # an interrupt must not leave half a patch either
        failed = _undo(done, temps, created, ops)
        if isinstance(exc, OSError):
            raise _commit_error(exc, failed) from exc
        raise
    for directory in dict.fromkeys(write.path.parent for write in writes):
        ops.sync_dir(directory)


def _undo(
    done: list[Write], temps: dict[Path, Path], created: list[Path], ops: FileOps
) -> list[Path]:
    """Put back what a failed commit changed; returns the files that could not be restored."""
    failed = []
    for write in reversed(done):
        try:
            if write.original is None:
                ops.unlink(write.path)
            else:
                restored = ops.write_temp(write.path, write.original, write.original_mode)
                ops.replace(restored, write.path)
        except OSError:
            failed.append(write.path)
    for temp in temps.values():
        with contextlib.suppress(OSError):
            temp.unlink()
    for directory in reversed(created):
        with contextlib.suppress(OSError):
            directory.rmdir()
    return failed


def _commit_error(exc: OSError, failed: list[Path]) -> PatchError:
    where = f" ({exc.filename})" if exc.filename else ""
    if not failed:
        return PatchError(
            f"could not write the patch: {exc.strerror or exc}{where}",
            "no file was changed; fix the cause (disk space, permissions) and retry",
        )
    names = ", ".join(str(path) for path in failed)
    return PatchError(
        f"could not write the patch: {exc.strerror or exc}{where}; and could not restore {names}",
        "those files may be in an intermediate state: inspect them before retrying",
    )
