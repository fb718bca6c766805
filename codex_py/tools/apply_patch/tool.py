"""The ``apply_patch`` tool as the agent offers it to a model: its schema, its canonical form,
and its runner."""

from __future__ import annotations

import shlex
import time
from pathlib import Path
from typing import Any

from codex_py.errors import PatchError, ToolError
from codex_py.policy.decide import Action, PatchAction
from codex_py.tools.apply_patch.applier import affected_paths, apply_patch
from codex_py.tools.apply_patch.parser import AddFile, DeleteFile, Patch, UpdateFile, parse_patch
from codex_py.types import ToolResult, ToolRun, ToolSpec

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

INSTRUCTIONS = """\
- apply_patch: edit files. Its one argument "input" is a patch in this format:

*** Begin Patch
*** Update File: path/to/file.py
@@ def the_function():
 a context line, unchanged
-a line to remove
+a line to add
*** Add File: path/to/new.py
+every line of the new file, each starting with +
*** Delete File: path/to/old.py
*** End Patch

  Paths are relative to the working directory. Give about three lines of context around each
  change, and an "@@ <line>" header naming the class or function when the context alone is not
  unique. "*** Move to: new/path" right after "*** Update File:" renames the file."""

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


class ApplyPatchTool:
    """Patches confined to ``workspace``; relative paths are taken from ``cwd``."""

    name = "apply_patch"
    instructions = INSTRUCTIONS

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace.resolve()

    def spec(self) -> ToolSpec:
        return APPLY_PATCH_TOOL

    def prepare(self, arguments: dict[str, Any]) -> Action:
        text = arguments.get("input")
        if not isinstance(text, str):
            raise ToolError('apply_patch: "input" must be a string holding the patch')
        return self.action(text, self.workspace)

    def action(self, text: str, cwd: Path) -> PatchAction:
        """The action of patch ``text`` with paths relative to ``cwd`` (also for a patch sent
        through ``shell``); raises ``PatchError`` when it does not parse or leaves the
        workspace."""
        paths = affected_paths(parse_patch(text), self.workspace, cwd=cwd)
        return PatchAction(tuple(paths), text, cwd)

    def canonical(self, action: Action) -> str:
        assert isinstance(action, PatchAction)
        where = (action.cwd or self.workspace).relative_to(self.workspace).as_posix()
        return canonical_patch(action.patch, where)

    def describe(self, action: Action) -> str:
        assert isinstance(action, PatchAction)
        names = [path.relative_to(self.workspace).as_posix() for path in action.paths]
        return f"apply_patch {', '.join(names)}"

    def review(self, action: Action) -> str:
        assert isinstance(action, PatchAction)
        return action.patch

    async def run(self, action: Action, how: ToolRun) -> ToolResult:
        assert isinstance(action, PatchAction)
        return run_apply_patch(action.patch, self.workspace, cwd=action.cwd)


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


def canonical_patch(text: str, where: str = ".") -> str:
    """A patch in one spelling: parsed and written back, or its normalised text if it does
    not parse. ``where`` is the directory its paths are relative to."""
    head = f"apply_patch{in_directory(where)}"
    try:
        patch = parse_patch(text)
    except PatchError:
        lines = text.replace("\r\n", "\n").strip().splitlines()
        return f"{head} (unparsed)\n" + "\n".join(line.rstrip() for line in lines)
    return f"{head}\n{_write_patch(patch)}"


def in_directory(where: str) -> str:
    """How a canonical form names a working directory other than the workspace root."""
    return "" if where in (".", "") else f" [workdir {shlex.quote(where)}]"


def _write_patch(patch: Patch) -> str:
    out: list[str] = []
    for hunk in patch.hunks:
        if isinstance(hunk, AddFile):
            out.append(f"add {hunk.path}")
            out += [f"+{line}" for line in hunk.contents.splitlines()]
        elif isinstance(hunk, DeleteFile):
            out.append(f"delete {hunk.path}")
        elif isinstance(hunk, UpdateFile):
            out.append(f"update {hunk.path}" + (f" -> {hunk.move_to}" if hunk.move_to else ""))
            for chunk in hunk.chunks:
                out += [f"@@ {context}" for context in chunk.contexts]
                out += [f"-{line}" for line in chunk.old_lines]
                out += [f"+{line}" for line in chunk.new_lines]
                if chunk.end_of_file:
                    out.append("@@ end of file")
    return "\n".join(out)
