"""Table tests for the patch parser: every leniency Codex has, and every error."""

from __future__ import annotations

import pytest

from codex_py.errors import PatchError
from codex_py.tools.apply_patch import AddFile, Chunk, DeleteFile, UpdateFile, parse_patch


def wrap(*body: str) -> str:
    return "\n".join(["*** Begin Patch", *body, "*** End Patch"])


UPDATE_BODY = ("*** Update File: a.py", "@@ def f():", "-    pass", "+    return 1")


def test_parses_every_hunk_kind() -> None:
    patch = parse_patch(
        wrap(
            "*** Add File: new/x.txt",
            "+one",
            "+",
            "*** Delete File: gone.txt",
            "*** Update File: src/a.py",
            "*** Move to: src/b.py",
            "@@ class A:",
            " keep",
            "-old",
            "+new",
            "*** End of File",
        )
    )
    assert patch.hunks == (
        AddFile("new/x.txt", "one\n\n", 2),
        DeleteFile("gone.txt", 5),
        UpdateFile(
            "src/a.py",
            (Chunk(("keep", "old"), ("keep", "new"), ("class A:",), True, 8),),
            "src/b.py",
            6,
        ),
    )


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(wrap(*UPDATE_BODY), id="plain"),
        pytest.param("\n\n  " + wrap(*UPDATE_BODY) + "\n\n", id="surrounding-blank-lines"),
        pytest.param(wrap(*UPDATE_BODY).replace("\n", "\r\n"), id="crlf-patch"),
        pytest.param(
            "  *** Begin Patch  \n" + "\n".join(UPDATE_BODY) + "\n\t*** End Patch \n",
            id="padded-markers",
        ),
        pytest.param(wrap("  *** Update File: a.py  ", *UPDATE_BODY[1:]), id="padded-hunk-header"),
        pytest.param("<<EOF\n" + wrap(*UPDATE_BODY) + "\nEOF\n", id="heredoc"),
        pytest.param("<<'EOF'\n" + wrap(*UPDATE_BODY) + "\nEOF", id="heredoc-single-quoted"),
        pytest.param('<<"EOF"\n' + wrap(*UPDATE_BODY) + "\nEOF", id="heredoc-double-quoted"),
        pytest.param("<<'PATCH'\n" + wrap(*UPDATE_BODY) + "\nPATCH", id="heredoc-other-word"),
        pytest.param("<<EOF\n\n" + wrap(*UPDATE_BODY) + "\n\nEOF", id="heredoc-blank-lines"),
    ],
)
def test_lenient_forms_parse_the_same(text: str) -> None:
    (hunk,) = parse_patch(text).hunks
    assert isinstance(hunk, UpdateFile)
    assert (hunk.path, hunk.move_to) == ("a.py", None)
    (chunk,) = hunk.chunks
    assert (chunk.contexts, chunk.old_lines, chunk.new_lines) == (
        ("def f():",),
        ("    pass",),
        ("    return 1",),
    )


def test_first_chunk_may_omit_its_header() -> None:
    hunk = parse_patch(wrap("*** Update File: a.py", " import os", "+import re")).hunks[0]
    assert isinstance(hunk, UpdateFile)
    assert hunk.chunks == (Chunk(("import os",), ("import os", "import re"), (), False, 3),)


def test_blank_lines_between_chunks_and_hunks_are_skipped() -> None:
    patch = parse_patch(
        wrap(
            "*** Update File: a",
            "@@",
            "-x",
            "+y",
            "\t",
            "@@ ctx",
            "-p",
            "+q",
            "",
            "*** Delete File: b",
        )
    )
    update, delete = patch.hunks
    assert isinstance(update, UpdateFile)
    assert [chunk.contexts for chunk in update.chunks] == [(), ("ctx",)]
    # A completely empty line inside a chunk is an empty context line.
    assert update.chunks[1].old_lines == ("p", "")
    assert delete == DeleteFile("b", 11)


def test_empty_line_inside_a_chunk_is_empty_context() -> None:
    hunk = parse_patch(wrap("*** Update File: a", "@@", " a", "", "-b", "+c")).hunks[0]
    assert isinstance(hunk, UpdateFile)
    assert hunk.chunks[0].old_lines == ("a", "", "b")
    assert hunk.chunks[0].new_lines == ("a", "", "c")


def test_consecutive_context_headers_narrow_step_by_step() -> None:
    hunk = parse_patch(
        wrap("*** Update File: a", "@@ class A:", "@@     def f(self):", "-x", "+y")
    ).hunks[0]
    assert isinstance(hunk, UpdateFile)
    assert hunk.chunks[0].contexts == ("class A:", "    def f(self):")


def test_add_file_with_no_lines_is_an_empty_file() -> None:
    assert parse_patch(wrap("*** Add File: empty.txt")).hunks == (AddFile("empty.txt", "", 2),)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the first line of the patch must be '*** Begin Patch'"),
        ("*** Update File: a\n@@\n-x\n*** End Patch", "first line of the patch must be"),
        (
            "*** Begin Patch\n*** Delete File: a",
            "the last line of the patch must be '*** End Patch'",
        ),
        ("*** Begin Patch", "the last line of the patch must be"),
        (wrap(), "contains no file operations"),
        (wrap("", "  "), "contains no file operations"),
        (
            wrap("*** Delete File: a", "*** Frobnicate File: b"),
            "line 3: '*** Frobnicate File: b' is not a valid hunk header. Valid hunk headers: "
            "'*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
        ),
        (wrap("*** Update File: a.py"), "line 2: Update file hunk for path 'a.py' is empty"),
        (wrap("*** Update File: a.py", "", "  "), "Update file hunk for path 'a.py' is empty"),
        (wrap("*** Update File: a", "@@ ctx"), "line 4: Update hunk does not contain any lines"),
        (
            wrap("*** Update File: a", "@@", "*** End of File"),
            "line 4: Update hunk does not contain any lines",
        ),
        (
            wrap("*** Update File: a", "@@", "x"),
            "line 4: Unexpected line found in update hunk: 'x'",
        ),
        (
            wrap("*** Update File: a", "-x", "+y", "@@", "?z"),
            "line 6: Unexpected line found in update hunk: '?z'",
        ),
        (
            wrap("*** Update File: a", "x"),
            "line 3: Unexpected line found in update hunk: 'x'",
        ),
        (
            wrap("*** Update File: a", "@@", "-x", "\t", "-y"),
            "line 6: Expected update hunk to start with a @@ context marker, got: '-y'",
        ),
        (wrap("*** Add File: a", "+x", "y"), "line 4: 'y' is not a valid hunk header"),
        ("\n\n" + wrap("*** Nope"), "line 4: '*** Nope'"),
        ("<<'EOF'\n" + wrap("*** Nope") + "\nEOF", "line 3: '*** Nope'"),
        ("<<'EOF'\n\n" + wrap("*** Nope") + "\nEOF", "line 4: '*** Nope'"),
        ("*** Begin Patch\n*** Add File: \ud800\n*** End Patch", "not valid Unicode text"),
    ],
)
def test_errors_name_the_problem_and_line(text: str, message: str) -> None:
    with pytest.raises(PatchError) as caught:
        parse_patch(text)
    assert message in caught.value.message
    assert caught.value.hint


def test_add_file_followed_by_unprefixed_line_hints_at_the_plus() -> None:
    with pytest.raises(PatchError) as caught:
        parse_patch(wrap("*** Add File: a", "+x", "y"))
    assert "'+'" in caught.value.hint
