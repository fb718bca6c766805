"""Undo from a session's record: real patches applied by apply_patch, reverted on real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codex_py.errors import PatchError
from codex_py.events import ToolResultEvent, UndoEvent, decode_lines
from codex_py.session.undo import ChangeJournal, reverse_diff, undo_patch
from codex_py.tools.apply_patch.tool import run_apply_patch

PATCH = """*** Begin Patch
*** Update File: crlf.py
@@
 one
-two
+TWO
*** Update File: no_newline.txt
@@
-y
+Y
*** Delete File: gone.txt
*** Add File: replaced.txt
+new content
*** Add File: brand_new.txt
+brand new
*** Update File: move_me.txt
*** Move to: sub/moved.txt
@@
 move
-me
+you
*** End Patch"""


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "crlf.py").write_bytes(b"one\r\ntwo\r\nthree\r\n")
    (tmp_path / "no_newline.txt").write_bytes(b"x\ny")
    (tmp_path / "gone.txt").write_text("delete me\n")
    (tmp_path / "replaced.txt").write_text("old content\n")
    (tmp_path / "move_me.txt").write_text("move\nme\n")
    (tmp_path / "untouched.txt").write_text("same\n")
    (tmp_path / "crlf.py").chmod(0o755)
    return tmp_path


def applied(journal: ChangeJournal, root: Path, patch: str, call_id: str) -> None:
    result = run_apply_patch(patch, root)
    assert result.exit_code == 0, result.output
    journal.emit(ToolResultEvent(call_id, 0, result.output, 0.0, result.metadata))


def test_undo_restores_every_file_exactly(workspace: Path) -> None:
    before = snapshot(workspace)
    journal = ChangeJournal()
    applied(journal, workspace, PATCH, "call_1")
    assert snapshot(workspace) != before

    paths = undo_patch(journal.patches[-1], workspace)

    assert snapshot(workspace) == before
    assert (workspace / "crlf.py").stat().st_mode & 0o777 == 0o755
    assert set(paths) == {
        "crlf.py", "no_newline.txt", "gone.txt", "replaced.txt", "brand_new.txt",
        "move_me.txt", "sub/moved.txt",
    }  # fmt: skip


def test_undo_refuses_when_a_file_changed_since_and_writes_nothing(workspace: Path) -> None:
    journal = ChangeJournal()
    applied(journal, workspace, PATCH, "call_1")
    (workspace / "crlf.py").write_bytes(b"one\r\nedited by hand\r\nthree\r\n")
    after_edit = snapshot(workspace)

    with pytest.raises(PatchError, match=r"cannot undo crlf\.py"):
        undo_patch(journal.patches[-1], workspace)
    assert snapshot(workspace) == after_edit


def test_the_journal_drops_undone_and_failed_patches(workspace: Path) -> None:
    journal = ChangeJournal()
    applied(journal, workspace, PATCH, "call_1")
    second = "*** Begin Patch\n*** Update File: untouched.txt\n@@\n-same\n+changed\n*** End Patch"
    applied(journal, workspace, second, "call_2")
    failed = run_apply_patch("*** Begin Patch\n*** Delete File: nothing\n*** End Patch", workspace)
    journal.emit(ToolResultEvent("call_3", failed.exit_code, failed.output, 0.0, failed.metadata))
    assert [p.call_id for p in journal.patches] == ["call_1", "call_2"]
    assert "+changed" in journal.diff() and "+TWO" in journal.diff()

    journal.emit(UndoEvent("call_2", ["untouched.txt"]))
    assert [p.call_id for p in journal.patches] == ["call_1"]
    assert "+changed" not in journal.diff()
    change = {"changes": [{"path": "a", "diff": ""}]}
    logged = [
        ToolResultEvent("call_2", 0, "", 0.0, change),
        ToolResultEvent("call_4", 0, "", 0.0, change),
    ]
    lines = [json.dumps(e.to_dict()) for e in [*logged, UndoEvent("call_4", ["a"])]]
    seeded, skipped = decode_lines(lines)  # as a resumed session's log reads back
    assert [p.call_id for p in ChangeJournal(seeded).patches] == ["call_2"] and skipped == 0


def test_reverse_diff_of_a_created_file_is_no_file() -> None:
    diff = "--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1 @@\n+hello\n"
    assert reverse_diff("hello\n", diff) is None
    with pytest.raises(PatchError, match="missing"):
        reverse_diff(None, diff)


def test_a_recorded_path_outside_the_workspace_is_refused(tmp_path: Path) -> None:
    journal = ChangeJournal()
    change = {
        "path": "../evil.txt",
        "kind": "A",
        "diff": "--- /dev/null\n+++ b/x\n@@ -0,0 +1 @@\n+x\n",
    }
    journal.emit(ToolResultEvent("c", 0, "", 0.0, {"changes": [change]}))
    with pytest.raises(PatchError, match="outside the workspace"):
        undo_patch(journal.patches[-1], tmp_path)
