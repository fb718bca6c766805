"""The ``apply_patch`` tool as the agent offers it to a model: its schema and its runner."""

from __future__ import annotations

import time
from pathlib import Path

from codex_py.errors import PatchError
from codex_py.tools.apply_patch.applier import apply_patch
from codex_py.types import ToolResult, ToolSpec

_DESCRIPTION = """\
Edit files with a patch. `input` holds the whole patch:

*** Begin Patch
*** Add File: path/new.py
+every line of the new file, each starting with +
*** Delete File: path/old.py
*** Update File: path/app.py
*** Move to: path/renamed.py      (optional: also rename the file)
@@ def handler(request):          (optional text of a line above the change, to locate it)
 an unchanged line, starting with a space
-a line to remove
+a line to add
*** End Patch

An Update holds one or more chunks, each starting with @@ (the first may omit it). Give about \
3 unchanged lines before and after each change, copied exactly from the file, and put a file's \
chunks in file order. End a chunk that changes the end of the file with `*** End of File`. \
Paths are relative to the workspace root and never absolute. The patch applies completely or \
not at all; if it fails, the error shows where the file most resembles the lines you expected."""

APPLY_PATCH_TOOL: ToolSpec = {
    "name": "apply_patch",
    "description": _DESCRIPTION,
    "parameters": {
        "type": "object",
        "properties": {
            "input": {
                "type": "string",
                "description": "The entire patch, from '*** Begin Patch' to '*** End Patch'.",
            }
        },
        "required": ["input"],
        "additionalProperties": False,
    },
}


def format_patch_error(error: PatchError) -> str:
    """The error as a model (or a person at the terminal) should read it."""
    return f"{error.message}\nHint: {error.hint}" if error.hint else error.message


def run_apply_patch(patch_text: str, root: Path, *, cwd: Path | None = None) -> ToolResult:
    """Apply ``patch_text`` under ``root``. Never raises for a bad patch: the result carries the
    summary (exit code 0) or the error with its hint (exit code 1), and
    ``metadata["changes"]`` lists each file's path, kind, move source and diff."""
    started = time.perf_counter()
    try:
        outcome = apply_patch(patch_text, root, cwd=cwd)
    except PatchError as error:
        elapsed = time.perf_counter() - started
        return ToolResult(format_patch_error(error), 1, elapsed, {"changes": []})
    changes = [change.to_dict() for change in outcome.changes]
    return ToolResult(outcome.summary(), 0, time.perf_counter() - started, {"changes": changes})
