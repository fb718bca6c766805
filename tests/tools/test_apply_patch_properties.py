"""Property tests: for random files and random edits, a patch generated from the edit applies
back to exactly the edited file (as text, on disk, and through its unified diff)."""

from __future__ import annotations

import difflib
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex_py.tools.apply_patch import UpdateFile, apply_patch, apply_to_text, parse_patch

# Few distinct lines, so files repeat lines and the matcher must pick the right occurrence.
COMMON_LINES = ["", "}", "x", "  x", "x  ", "def f():", "    return 1", "\u201cq\u201d", "*** End"]
line_text = st.text(st.characters(exclude_characters="\r\n\x00", exclude_categories=["Cs"]))
lines_strategy = st.lists(st.one_of(st.sampled_from(COMMON_LINES), line_text), max_size=25)


@st.composite
def edits(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """An original file's lines and the lines after a few random range replacements."""
    old = draw(lines_strategy)
    new = list(old)
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(new)))
        end = draw(st.integers(start, min(len(new), start + 4)))
        new[start:end] = draw(
            st.lists(st.one_of(st.sampled_from(COMMON_LINES), line_text), max_size=4)
        )
    return old, new


def generate_update(path: str, old: Sequence[str], new: Sequence[str]) -> str:
    """A Codex-format Update turning ``old`` into ``new``, each chunk unambiguous: its old
    lines are extended upwards until their first match after the previous chunk is theirs."""
    body = [f"*** Update File: {path}"]
    previous_end = 0
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for group in matcher.get_grouped_opcodes(3):
        start = group[0][1]
        lines = [
            line
            for tag, i1, i2, j1, j2 in group
            for line in chunk_lines(tag, old, new, i1, i2, j1, j2)
        ]
        end = group[-1][2]
        while start > previous_end and first_match(old, old[start:end], previous_end) != start:
            start -= 1
            lines.insert(0, " " + old[start])
        body.append("@@")
        body.extend(lines)
        if end == len(old) and end > start:
            body.append("*** End of File")
        previous_end = end
    return "\n".join(["*** Begin Patch", *body, "*** End Patch"])


def chunk_lines(
    tag: str, old: Sequence[str], new: Sequence[str], i1: int, i2: int, j1: int, j2: int
) -> list[str]:
    if tag == "equal":
        return [" " + line for line in old[i1:i2]]
    return ["-" + line for line in old[i1:i2]] + ["+" + line for line in new[j1:j2]]


def first_match(lines: Sequence[str], block: Sequence[str], start: int) -> int | None:
    size = len(block)
    return next(
        (
            i
            for i in range(start, len(lines) - size + 1)
            if list(lines[i : i + size]) == list(block)
        ),
        None,
    )


def join(lines: Sequence[str], eol: str, *, final: bool = True) -> str:
    return eol.join(lines) + (eol if lines and final else "")


@settings(max_examples=300, deadline=None, database=None)
@given(edits(), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_generated_patch_reproduces_the_edit(
    edit: tuple[list[str], list[str]], eol: str, final_newline: bool
) -> None:
    old, new = edit
    if old == new:
        return
    # Without its final newline, a file ending in an empty line would lose that line.
    final_newline = final_newline or not old or old[-1] == ""
    (hunk,) = parse_patch(generate_update("f.txt", old, new)).hunks
    assert isinstance(hunk, UpdateFile)
    original = join(old, eol, final=final_newline)
    result = apply_to_text(original, hunk.chunks, "f.txt")
    # A text with no line break at all gives no line ending to keep: LF is used.
    assert result == join(new, eol if "\n" in original else "\n")


@settings(max_examples=40, deadline=None, database=None)
@given(edits())
def test_generated_patch_applies_on_disk_and_its_diff_agrees(
    edit: tuple[list[str], list[str]],
) -> None:
    old, new = edit
    if old == new:
        return
    with tempfile.TemporaryDirectory() as top:
        work, check = Path(top, "work"), Path(top, "check")
        for root in (work, check):
            root.mkdir()
            (root / "f.txt").write_bytes(join(old, "\n").encode())
        (change,) = apply_patch(generate_update("f.txt", old, new), work).changes
        assert (work / "f.txt").read_bytes().decode() == join(new, "\n")
        if shutil.which("patch"):
            subprocess.run(
                ["patch", "-s", "-p1"], cwd=check, input=change.diff.encode(), check=True
            )
            assert (check / "f.txt").read_bytes() == (work / "f.txt").read_bytes()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (["a", "b", "a", "b", "c"], ["a", "b", "a", "B", "c"]),
        (["x"] * 10, ["x"] * 4 + ["y"] + ["x"] * 5),
        ([], ["only"]),
        (["gone"], []),
    ],
)
def test_generator_handles_repeats_and_empty_files(old: list[str], new: list[str]) -> None:
    (hunk,) = parse_patch(generate_update("f", old, new)).hunks
    assert isinstance(hunk, UpdateFile)
    assert apply_to_text(join(old, "\n"), hunk.chunks, "f") == join(new, "\n")
