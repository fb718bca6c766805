"""Applying patches to real files: each operation, overwrites, moves, modes, line endings,
summaries, diffs (checked with GNU patch), undo data, and the agent tool's result."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from codex_py.errors import PatchError
from codex_py.tools.apply_patch import (
    APPLY_PATCH_TOOL,
    FileChange,
    affected_paths,
    apply_patch,
    parse_patch,
    preview_patch,
    run_apply_patch,
)


def wrap(*body: str) -> str:
    return "\n".join(["*** Begin Patch", *body, "*** End Patch"])


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())


def read(root: Path, name: str) -> str:
    return (root / name).read_bytes().decode()


def test_add_creates_parent_directories(tmp_path: Path) -> None:
    outcome = apply_patch(wrap("*** Add File: a/b/new.txt", "+hello", "+world"), tmp_path)
    assert read(tmp_path, "a/b/new.txt") == "hello\nworld\n"
    (change,) = outcome.changes
    assert (change.path, change.kind, change.before, change.after) == (
        "a/b/new.txt",
        "A",
        None,
        "hello\nworld\n",
    )
    assert change.diff.startswith("--- /dev/null\n+++ b/a/b/new.txt\n@@ -0,0 +1,2 @@\n+hello\n")


def test_add_overwrites_an_existing_file(tmp_path: Path) -> None:
    write(tmp_path, {"dup.txt": "old\n"})
    (change,) = apply_patch(wrap("*** Add File: dup.txt", "+new"), tmp_path).changes
    assert read(tmp_path, "dup.txt") == "new\n"
    assert (change.kind, change.before) == ("A", "old\n")
    assert "-old\n+new\n" in change.diff


def test_delete_removes_the_file(tmp_path: Path) -> None:
    write(tmp_path, {"gone.txt": "bye\n", "keep.txt": "stay\n"})
    (change,) = apply_patch(wrap("*** Delete File: gone.txt"), tmp_path).changes
    assert not (tmp_path / "gone.txt").exists()
    assert read(tmp_path, "keep.txt") == "stay\n"
    assert (change.kind, change.before, change.after) == ("D", "bye\n", None)
    assert change.diff == "--- a/gone.txt\n+++ /dev/null\n@@ -1 +0,0 @@\n-bye\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (("*** Delete File: missing.txt",), "cannot delete 'missing.txt': no such file"),
        (("*** Delete File: dir",), "'dir' is a directory"),
        (("*** Update File: missing.txt", "@@", "-a", "+b"), "cannot update 'missing.txt'"),
        (("*** Update File: dir", "@@", "-a", "+b"), "'dir' is a directory"),
        (("*** Add File: dir", "+x"), "'dir' is a directory"),
        (("*** Add File: keep.txt/child", "+x"), "a parent of it is a file"),
        (("*** Update File: keep.txt", "*** Move to: dir", "@@", "-stay", "+x"), "is a directory"),
    ],
)
def test_invalid_operations_fail_and_change_nothing(
    tmp_path: Path, body: tuple[str, ...], message: str
) -> None:
    write(tmp_path, {"dir/inner.txt": "inner\n", "keep.txt": "stay\n"})
    with pytest.raises(PatchError) as caught:
        apply_patch(wrap(*body), tmp_path)
    assert message in caught.value.message
    assert read(tmp_path, "keep.txt") == "stay\n"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["dir", "inner.txt", "keep.txt"]


def test_update_with_several_chunks(tmp_path: Path) -> None:
    write(tmp_path, {"m.txt": "".join(f"line{n}\n" for n in range(1, 11))})
    patch = wrap(
        "*** Update File: m.txt",
        "@@ line1",
        "-line2",
        "+LINE2",
        "@@ line6",
        " line7",
        "-line8",
        "+LINE8",
        "+extra",
    )
    (change,) = apply_patch(patch, tmp_path).changes
    expected = "line1\nLINE2\nline3\nline4\nline5\nline6\nline7\nLINE8\nextra\nline9\nline10\n"
    assert read(tmp_path, "m.txt") == expected
    assert change.kind == "M" and change.move_from is None


def test_move_to_a_new_directory_keeps_the_mode(tmp_path: Path) -> None:
    write(tmp_path, {"old/run.sh": "echo hi\n", "old/other.txt": "o\n"})
    (tmp_path / "old/run.sh").chmod(0o750)
    patch = wrap(
        "*** Update File: old/run.sh",
        "*** Move to: new/dir/run.sh",
        "@@",
        "-echo hi",
        "+echo bye",
    )
    (change,) = apply_patch(patch, tmp_path).changes
    assert not (tmp_path / "old/run.sh").exists()
    assert read(tmp_path, "new/dir/run.sh") == "echo bye\n"
    assert stat.S_IMODE((tmp_path / "new/dir/run.sh").stat().st_mode) == 0o750
    assert (change.path, change.kind, change.move_from) == ("new/dir/run.sh", "M", "old/run.sh")
    assert change.diff.startswith("--- a/old/run.sh\n+++ b/new/dir/run.sh\n")


def test_move_overwrites_an_existing_destination(tmp_path: Path) -> None:
    write(tmp_path, {"src.txt": "from\n", "dst.txt": "was here\n"})
    patch = wrap("*** Update File: src.txt", "*** Move to: dst.txt", "@@", "-from", "+moved")
    (change,) = apply_patch(patch, tmp_path).changes
    assert read(tmp_path, "dst.txt") == "moved\n"
    assert not (tmp_path / "src.txt").exists()
    assert change.overwritten == "was here\n"


def test_move_onto_itself_is_a_plain_update(tmp_path: Path) -> None:
    write(tmp_path, {"same.txt": "a\n"})
    patch = wrap("*** Update File: same.txt", "*** Move to: ./same.txt", "@@", "-a", "+b")
    (change,) = apply_patch(patch, tmp_path).changes
    assert read(tmp_path, "same.txt") == "b\n"
    assert change.move_from is None


def test_update_keeps_mode_and_crlf(tmp_path: Path) -> None:
    write(tmp_path, {"win.bat": "@echo off\r\necho one\r\n"})
    (tmp_path / "win.bat").chmod(0o741)
    apply_patch(wrap("*** Update File: win.bat", "@@", "-echo one", "+echo two"), tmp_path)
    assert (tmp_path / "win.bat").read_bytes() == b"@echo off\r\necho two\r\n"
    assert stat.S_IMODE((tmp_path / "win.bat").stat().st_mode) == 0o741


def test_file_without_final_newline_gains_one(tmp_path: Path) -> None:
    write(tmp_path, {"n.txt": "a\nb"})
    (change,) = apply_patch(wrap("*** Update File: n.txt", "@@", "-a", "+A"), tmp_path).changes
    assert read(tmp_path, "n.txt") == "A\nb\n"
    assert "-b\n\\ No newline at end of file\n+b\n" in change.diff


def test_later_hunks_see_earlier_ones(tmp_path: Path) -> None:
    write(tmp_path, {"x.txt": "x\n"})
    patch = wrap(
        "*** Add File: made.txt",
        "+one",
        "*** Update File: made.txt",
        "@@",
        "-one",
        "+two",
        "*** Update File: x.txt",
        "*** Move to: y.txt",
        "@@",
        "-x",
        "+y",
        "*** Delete File: y.txt",
    )
    outcome = apply_patch(patch, tmp_path)
    assert read(tmp_path, "made.txt") == "two\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["made.txt"]
    assert outcome.summary() == (
        "Success. Updated the following files:\nA made.txt\nM made.txt\nM y.txt\nD y.txt"
    )


def test_changes_carry_enough_to_undo_the_patch(tmp_path: Path) -> None:
    files = {"a.txt": "a\n", "b.txt": "b\n", "c.txt": "c\n", "d.txt": "d\n"}
    write(tmp_path, files)
    patch = wrap(
        "*** Update File: a.txt",
        "*** Move to: b.txt",
        "@@",
        "-a",
        "+A",
        "*** Delete File: c.txt",
        "*** Add File: d.txt",
        "+D",
        "*** Add File: e.txt",
        "+E",
    )
    outcome = apply_patch(patch, tmp_path)
    for change in reversed(outcome.changes):
        undo(tmp_path, change)
    assert {p.name: read(tmp_path, p.name) for p in tmp_path.iterdir()} == files


def undo(root: Path, change: FileChange) -> None:
    """Restore the files one change touched, the way an /undo would."""
    restore(root / change.path, change.overwritten if change.move_from else change.before)
    if change.move_from is not None:
        restore(root / change.move_from, change.before)


def restore(path: Path, text: str | None) -> None:
    if text is None:
        path.unlink()
    else:
        path.write_text(text)


@pytest.mark.parametrize(
    ("before", "body"),
    [
        pytest.param(
            "".join(f"row {n}\n" for n in range(40)),
            ("@@", " row 4", "-row 5", "+ROW 5", "@@ row 30", "-row 31", "+ROW 31", "+new"),
            id="two-hunks",
        ),
        pytest.param("a\nb\nc", ("@@", " b", "-c", "+C"), id="no-final-newline"),
        pytest.param("a\nb\nc", ("@@", "-a", "+A"), id="no-final-newline-untouched-end"),
        pytest.param("x\ny\n", ("@@", "+appended"), id="pure-addition"),
        pytest.param("p\r\nq\r\n", ("@@", "-q", "+Q"), id="crlf"),
    ],
)
def test_update_diff_applies_with_gnu_patch(
    tmp_path: Path, before: str, body: tuple[str, ...]
) -> None:
    if shutil.which("patch") is None:
        pytest.skip("GNU patch is not installed")
    work, check = tmp_path / "work", tmp_path / "check"
    write(work, {"f.txt": before})
    write(check, {"f.txt": before.replace("\r\n", "\n")})
    (change,) = apply_patch(wrap("*** Update File: f.txt", *body), work).changes
    subprocess.run(["patch", "-s", "-p1"], cwd=check, input=change.diff.encode(), check=True)
    assert read(check, "f.txt") == read(work, "f.txt").replace("\r\n", "\n")


def test_preview_and_affected_paths_write_nothing(tmp_path: Path) -> None:
    write(tmp_path, {"a.txt": "a\n"})
    text = wrap(
        "*** Update File: a.txt", "*** Move to: sub/b.txt", "@@", "-a", "+b", "*** Add File: c"
    )
    outcome = preview_patch(text, tmp_path)
    assert [change.path for change in outcome.changes] == ["sub/b.txt", "c"]
    assert affected_paths(parse_patch(text), tmp_path) == [
        tmp_path.resolve() / "a.txt",
        tmp_path.resolve() / "sub/b.txt",
        tmp_path.resolve() / "c",
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_paths_are_relative_to_cwd_inside_the_root(tmp_path: Path) -> None:
    write(tmp_path, {"pkg/mod.py": "x = 1\n"})
    patch = wrap("*** Update File: mod.py", "@@", "-x = 1", "+x = 2")
    (change,) = apply_patch(patch, tmp_path, cwd=tmp_path / "pkg").changes
    assert change.path == "pkg/mod.py"
    assert read(tmp_path, "pkg/mod.py") == "x = 2\n"


def test_tool_result_on_success_and_failure(tmp_path: Path) -> None:
    write(tmp_path, {"a.txt": "a\n"})
    ok = run_apply_patch(wrap("*** Update File: a.txt", "@@", "-a", "+b"), tmp_path)
    assert (ok.exit_code, ok.output) == (0, "Success. Updated the following files:\nM a.txt")
    (meta,) = ok.metadata["changes"]
    assert meta == {"path": "a.txt", "kind": "M", "move_from": None, "diff": meta["diff"]}
    assert "-a\n+b\n" in meta["diff"]
    bad = run_apply_patch(wrap("*** Update File: a.txt", "@@", "-zzz", "+b"), tmp_path)
    assert bad.exit_code == 1
    assert "Failed to find expected lines in a.txt" in bad.output
    assert "\nHint: no file was changed" in bad.output
    assert bad.metadata["changes"] == []
    assert run_apply_patch("not a patch", tmp_path).exit_code == 1
    assert read(tmp_path, "a.txt") == "b\n"


def test_tool_spec_is_a_strict_one_string_schema() -> None:
    assert APPLY_PATCH_TOOL["name"] == "apply_patch"
    parameters = APPLY_PATCH_TOOL["parameters"]
    assert parameters["required"] == ["input"]
    assert parameters["properties"]["input"]["type"] == "string"
    assert parameters["additionalProperties"] is False
    assert "*** Begin Patch" in APPLY_PATCH_TOOL["description"]
