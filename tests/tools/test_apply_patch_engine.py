"""Table tests for the pure engine: each matching pass, anchoring, additions, line endings,
and the error messages a model gets when a chunk does not match."""

from __future__ import annotations

import pytest

from codex_py.errors import PatchError
from codex_py.tools.apply_patch import Chunk, apply_to_text
from codex_py.tools.apply_patch.closest import closest_region
from codex_py.tools.apply_patch.matcher import LineIndex


def chunk(old: tuple[str, ...], new: tuple[str, ...], *contexts: str, eof: bool = False) -> Chunk:
    return Chunk(old, new, contexts, eof, 1)


@pytest.mark.parametrize(
    ("original", "old", "expected"),
    [
        pytest.param("a\nb\nc\n", ("b",), "a\nB\nc\n", id="exact"),
        pytest.param("a\nb  \t\nc\n", ("b",), "a\nB\nc\n", id="trailing-whitespace"),
        pytest.param("a\n    b\nc\n", ("b",), "a\nB\nc\n", id="surrounding-whitespace"),
        pytest.param(
            "x = \u201chi\u201d \u2014 ok\n", ('x = "hi" - ok',), "B\n", id="curly-quotes-dash"
        ),
        pytest.param("it\u2019s\u00a0here\n", ("it's here",), "B\n", id="apostrophe-nbsp"),
        pytest.param(
            "a\u2212b\u2010c\u3000d\n", ("a-b-c d",), "B\n", id="minus-hyphen-ideographic"
        ),
    ],
)
def test_each_matching_pass(original: str, old: tuple[str, ...], expected: str) -> None:
    assert apply_to_text(original, [chunk(old, ("B",))], "f") == expected


def test_earlier_pass_wins_over_earlier_position() -> None:
    # An exact match later in the file beats a whitespace-insensitive one earlier.
    original = "target  \nmiddle\ntarget\n"
    assert apply_to_text(original, [chunk(("target",), ("hit",))], "f") == "target  \nmiddle\nhit\n"


def test_context_header_moves_the_search_position() -> None:
    original = "def a():\n    return 0\ndef b():\n    return 0\n"
    result = apply_to_text(original, [chunk(("    return 0",), ("    return 1",), "def b():")], "f")
    assert result == "def a():\n    return 0\ndef b():\n    return 1\n"


def test_several_context_headers_narrow_in_turn() -> None:
    original = "class A:\n  def f():\n    x\nclass B:\n  def f():\n    x\n"
    edit = chunk(("    x",), ("    y",), "class B:", "  def f():")
    assert apply_to_text(original, [edit], "f") == original[: -len("    x\n")] + "    y\n"


def test_chunks_apply_in_order_and_search_after_the_previous() -> None:
    original = "x\nx\nx\n"
    edits = [chunk(("x",), ("1",)), chunk(("x",), ("2",))]
    assert apply_to_text(original, edits, "f") == "1\n2\nx\n"


def test_end_of_file_chunk_matches_at_the_end() -> None:
    original = "end\nmiddle\nend\n"
    assert (
        apply_to_text(original, [chunk(("end",), ("END",), eof=True)], "f") == "end\nmiddle\nEND\n"
    )


def test_end_of_file_chunk_fails_when_the_lines_are_not_last() -> None:
    with pytest.raises(PatchError) as caught:
        apply_to_text("end\nmiddle\n", [chunk(("end",), ("END",), eof=True)], "f")
    assert "marked '*** End of File'" in caught.value.message
    assert "at line 1" in caught.value.message


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        pytest.param("a\nb\n", "a\nb\nnew\n", id="appends"),
        pytest.param("a\nb", "a\nb\nnew\n", id="no-final-newline"),
        pytest.param("", "new\n", id="empty-file"),
        pytest.param("a\n\n", "a\nnew\n\n", id="before-final-blank-line"),
    ],
)
def test_chunk_without_old_lines_appends(original: str, expected: str) -> None:
    assert apply_to_text(original, [chunk((), ("new",))], "f") == expected


def test_chunk_without_old_lines_appends_even_after_a_context_header() -> None:
    # Codex's rule: the header must exist, but a pure addition still goes at the end.
    assert apply_to_text("a\nb\nc\n", [chunk((), ("new",), "a")], "f") == "a\nb\nc\nnew\n"


def test_trailing_empty_old_line_is_retried_without_it() -> None:
    original = "a\nb\n"
    assert apply_to_text(original, [chunk(("b", ""), ("c", ""))], "f") == "a\nc\n"


def test_result_always_ends_with_a_newline() -> None:
    assert apply_to_text("a\nb", [chunk(("a",), ("A",))], "f") == "A\nb\n"
    assert apply_to_text("a\n", [chunk(("a",), ())], "f") == ""


def test_crlf_file_keeps_crlf_endings() -> None:
    original = "one\r\ntwo\r\nthree\r\n"
    edits = [chunk(("two",), ("2", "2b"))]
    assert apply_to_text(original, edits, "f") == "one\r\n2\r\n2b\r\nthree\r\n"


def test_lf_file_with_a_stray_carriage_return_stays_lf() -> None:
    original = "a\r\nb\nc\nd\n"
    assert apply_to_text(original, [chunk(("c",), ("C",))], "f") == "a\r\nb\nC\nd\n"


def test_byte_order_mark_is_kept_and_ignored_for_matching() -> None:
    original = "\ufefffirst\nsecond\n"
    assert apply_to_text(original, [chunk(("first",), ("1st",))], "f") == "\ufeff1st\nsecond\n"


def test_not_found_error_shows_expected_lines_and_closest_region() -> None:
    original = "".join(f"line {n}\n" for n in range(1, 30)).replace("line 17", "line  seventeen")
    edits = [chunk(("line 16", "line 17", "line 18"), ("x",))]
    with pytest.raises(PatchError) as caught:
        apply_to_text(original, edits, "src/app.py")
    message = caught.value.message
    assert message.startswith("Failed to find expected lines in src/app.py (chunk 1 of 1")
    assert "  | line 17\n" in message
    assert "at lines 16-18:" in message
    assert "17 | line  seventeen" in message
    assert "re-read the file" in caught.value.hint


def test_not_found_error_explains_chunks_out_of_order() -> None:
    original = "alpha\nbeta\ngamma\n"
    edits = [chunk(("gamma",), ("G",)), chunk(("alpha",), ("A",))]
    with pytest.raises(PatchError) as caught:
        apply_to_text(original, edits, "f")
    assert "chunk 2 of 2" in caught.value.message
    assert "They are at line 1, but the search started at line 4" in caught.value.message


def test_lines_above_their_context_header_are_explained() -> None:
    original = "x = 1\ndef f():\n    pass\n"
    with pytest.raises(PatchError) as caught:
        apply_to_text(original, [chunk(("x = 1",), ("x = 2",), "def f():")], "f")
    assert "They are at line 1, but the search started at line 3" in caught.value.message


def test_missing_context_header_is_reported_with_its_closest_line() -> None:
    original = "def handle_request(req):\n    pass\n"
    with pytest.raises(PatchError) as caught:
        apply_to_text(
            original, [chunk(("    pass",), ("    ok",), "def handle_requests(req):")], "f"
        )
    assert "Failed to find context '@@ def handle_requests(req):' in f" in caught.value.message
    assert "1 | def handle_request(req):" in caught.value.message


def test_nothing_resembling_is_said_plainly() -> None:
    with pytest.raises(PatchError) as caught:
        apply_to_text("aaaa\nbbbb\n", [chunk(("zzzzzzzzzzzzzz",), ("x",))], "f")
    assert "No region of the file resembles them." in caught.value.message


def test_closest_region_on_a_large_file_finds_the_edited_block() -> None:
    lines = [f"value_{n} = compute({n}, {n * 7 % 13})" for n in range(5000)]
    wanted = [lines[3000].replace("compute", "computed"), lines[3001], lines[3002] + "  # note"]
    region = closest_region(lines, wanted)
    assert region is not None
    assert (region.start, region.size) == (3000, 3)
    assert 0.7 < region.score < 1


def test_seek_passes_respect_start_and_eof() -> None:
    index = LineIndex(["a", "b", "a", "b"])
    assert index.seek(["a", "b"], 0) == 0
    assert index.seek(["a", "b"], 1) == 2
    assert index.seek(["a", "b"], 3) is None
    assert index.seek(["a", "b"], 0, eof=True) == 2
    assert index.seek([], 2) == 2
    assert index.seek(["a", "b", "a", "b", "a"], 0) is None
