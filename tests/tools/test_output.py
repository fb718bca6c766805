"""OutputCapture: bounded head + tail with exact counts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from codex_py.tools.output import OutputCapture


def _capture(chunks: list[bytes], limit: int) -> OutputCapture:
    capture = OutputCapture(limit)
    for chunk in chunks:
        capture.feed(chunk)
    return capture


def test_small_output_is_kept_whole() -> None:
    capture = _capture([b"one\n", b"two\n", b"three"], limit=1024)
    rendered = capture.render()
    assert rendered.text == "one\ntwo\nthree"
    assert not rendered.truncated
    assert (capture.total_bytes, capture.total_lines) == (13, 3)


def test_no_output() -> None:
    capture = _capture([], limit=100)
    assert capture.render().text == ""
    assert (capture.total_bytes, capture.total_lines) == (0, 0)


def test_large_output_keeps_head_and_tail_and_says_what_was_cut() -> None:
    lines = [f"line {n}\n".encode() for n in range(100_000)]
    capture = _capture(lines, limit=2048)
    rendered = capture.render()
    assert rendered.truncated
    assert rendered.text.startswith("line 0\nline 1\n")
    assert rendered.text.endswith("line 99998\nline 99999\n")
    assert len(rendered.text.encode()) <= 2048
    total = sum(len(line) for line in lines)
    assert f"the command printed {total} bytes in 100000 lines" in rendered.text
    head, _, rest = rendered.text.partition("\n[... ")
    cut_bytes = int(rest.split(" bytes")[0])
    tail = rest.split("...]\n", 1)[1]
    assert cut_bytes + len(head.encode()) + len(tail.encode()) == total


def test_cut_line_count_is_exact() -> None:
    capture = _capture([b"a\n" * 5000], limit=1000)
    text = capture.render().text
    shown = text.count("a\n")
    cut_lines = int(text.split(" lines cut")[0].rsplit(" ", 1)[1])
    assert cut_lines + shown == 5000


def test_memory_stays_bounded_however_much_is_fed() -> None:
    capture = OutputCapture(4096)
    for _ in range(10_000):
        capture.feed(b"x" * 1000)
        assert capture.buffered_bytes <= 3 * 4096
    assert capture.total_bytes == 10_000_000


def test_a_smaller_render_budget_is_respected() -> None:
    capture = _capture([b"0123456789" * 200], limit=10_000)
    rendered = capture.render(600)
    assert rendered.truncated
    assert len(rendered.text.encode()) <= 600
    assert rendered.text.startswith("0123")


def test_multibyte_characters_are_not_split_at_the_cut() -> None:
    # Head and tail get 403 bytes each: both cut a 4-byte character 3 bytes in.
    capture = _capture([("😀" * 3000 + "🎉" * 3000).encode()], limit=1006)
    rendered = capture.render()
    assert "\ufffd" not in rendered.text
    head, _, rest = rendered.text.partition("\n[...")
    assert head == "😀" * 100
    assert rest.split("...]\n", 1)[1] == "🎉" * 100


def test_binary_output_stays_within_the_limit() -> None:
    capture = _capture([bytes(range(128, 256)) * 20], limit=500)
    assert len(capture.render().text.encode()) <= 500


def test_last_line_without_newline_counts() -> None:
    assert _capture([b"a\nb"], 100).total_lines == 2
    assert _capture([b"a\nb\n"], 100).total_lines == 2


@given(
    chunks=st.lists(st.binary(max_size=300), max_size=30),
    limit=st.integers(min_value=400, max_value=2000),
)
def test_render_is_exact_when_it_fits_and_head_tail_when_not(
    chunks: list[bytes], limit: int
) -> None:
    data = b"".join(chunks)
    capture = _capture(chunks, limit)
    rendered = capture.render()
    assert capture.total_bytes == len(data)
    pieces = data.split(b"\n")
    assert capture.total_lines == len(pieces) - (pieces[-1] == b"")
    if len(data) <= limit:
        decoded = data.decode("utf-8", errors="replace")
        if len(decoded.encode()) <= limit:
            assert rendered.text == decoded
        assert decoded.startswith(rendered.text)
        assert not rendered.truncated
    else:
        assert rendered.truncated
        assert len(rendered.text.encode()) <= limit
        assert capture.buffered_bytes <= 3 * limit
