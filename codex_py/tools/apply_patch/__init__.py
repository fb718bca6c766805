"""The ``apply_patch`` tool: Codex's patch format, applied atomically inside the workspace.

Layers, each usable alone:

- :mod:`.parser` turns patch text into hunks (``parse_patch``);
- :mod:`.engine` is the pure text engine (``apply_to_text``), over :mod:`.matcher`; when a
  chunk does not match, :mod:`.report` explains why, with :mod:`.closest`'s nearest region;
- :mod:`.applier` applies a patch to files: confined (:mod:`.paths`), all-or-nothing
  (:mod:`.workspace`), with a unified diff per file (:mod:`.diff`);
- :mod:`.tool` is the agent tool, :mod:`.intercept` spots patches sent through ``shell``, and
  :mod:`.cli` is the standalone ``apply_patch`` command.
"""

from codex_py.tools.apply_patch.applier import (
    FileChange,
    PatchOutcome,
    affected_paths,
    apply_patch,
    preview_patch,
)
from codex_py.tools.apply_patch.engine import apply_to_text
from codex_py.tools.apply_patch.intercept import extract_patch, intercepted_cwd
from codex_py.tools.apply_patch.parser import (
    AddFile,
    Chunk,
    DeleteFile,
    Hunk,
    Patch,
    UpdateFile,
    parse_patch,
)
from codex_py.tools.apply_patch.tool import APPLY_PATCH_TOOL, format_patch_error, run_apply_patch

__all__ = [
    "APPLY_PATCH_TOOL",
    "AddFile",
    "Chunk",
    "DeleteFile",
    "FileChange",
    "Hunk",
    "Patch",
    "PatchOutcome",
    "UpdateFile",
    "affected_paths",
    "apply_patch",
    "apply_to_text",
    "extract_patch",
    "format_patch_error",
    "intercepted_cwd",
    "parse_patch",
    "preview_patch",
    "run_apply_patch",
]
