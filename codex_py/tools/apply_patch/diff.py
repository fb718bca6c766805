"""Unified diffs of what a patch does to each file (for review, approvals and undo).

An Update's diff is built from the engine's replacements: only the replaced regions are
compared (with difflib, so unchanged context lines show as context), which keeps it linear in
the file's size. Adds, deletes and overwrites compare whole texts.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Sequence

from codex_py.tools.apply_patch.engine import FileText, Replacement, TextUpdate

Opcode = tuple[str, int, int, int, int]
"""``(tag, i1, i2, j1, j2)`` as difflib's: old ``[i1:i2]`` becomes new ``[j1:j2]``."""

_NO_NEWLINE = "\n\\ No newline at end of file"
CONTEXT = 3


def diff_update(update: TextUpdate, old_name: str, new_name: str) -> str:
    """The diff of an applied Update (``old_name`` differs from ``new_name`` for a move)."""
    before = update.before
    replacements = list(update.replacements)
    if not before.final_newline and before.lines:
        # The last line gains a newline; make sure it is compared, not assumed equal.
        last = len(before.lines) - 1
        if not any(r.start <= last < r.start + r.old_len for r in replacements):
            replacements.append(Replacement(last, 1, (before.lines[last],)))
            replacements.sort(key=lambda r: (r.start, r.old_len))
    old = _shown_lines(before)
    new = update.new_lines
    opcodes = list(_opcodes_from_replacements(old, new, replacements))
    return _render(old, new, opcodes, f"a/{old_name}", f"b/{new_name}")


def diff_texts(before: str | None, after: str | None, old_name: str, new_name: str) -> str:
    """The diff between two whole texts; ``None`` is an absent file (``/dev/null``)."""
    old = _shown_lines(FileText.split(before)) if before is not None else []
    new = _shown_lines(FileText.split(after)) if after is not None else []
    opcodes = difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    old_label = f"a/{old_name}" if before is not None else "/dev/null"
    new_label = f"b/{new_name}" if after is not None else "/dev/null"
    return _render(old, new, opcodes, old_label, new_label)


def _shown_lines(text: FileText) -> list[str]:
    """The lines, the last one carrying git's marker when the text lacks a final newline."""
    lines = list(text.lines)
    if lines and not text.final_newline:
        lines[-1] += _NO_NEWLINE
    return lines


def _opcodes_from_replacements(
    old: Sequence[str], new: Sequence[str], replacements: Sequence[Replacement]
) -> Iterator[Opcode]:
    """Opcodes covering the whole file: equal between replacements, difflib within them."""
    i = j = 0
    for replacement in replacements:
        start = max(replacement.start, i)
        if start > i:
            yield ("equal", i, start, j, j + start - i)
            j += start - i
        end = max(i, replacement.start + replacement.old_len)
        size = len(replacement.new_lines)
        yield from _compare(old, new, start, end, j, j + size)
        i, j = end, j + size
    if i < len(old):
        yield ("equal", i, len(old), j, len(new))


def _compare(
    old: Sequence[str], new: Sequence[str], i1: int, i2: int, j1: int, j2: int
) -> Iterator[Opcode]:
    """Opcodes for ``old[i1:i2]`` against ``new[j1:j2]``: the common head and tail are equal,
    and only a middle where both sides have several lines needs difflib."""
    head = 0
    while i1 + head < i2 and j1 + head < j2 and old[i1 + head] == new[j1 + head]:
        head += 1
    tail = 0
    while (
        i2 - tail > i1 + head and j2 - tail > j1 + head and old[i2 - tail - 1] == new[j2 - tail - 1]
    ):
        tail += 1
    if head:
        yield ("equal", i1, i1 + head, j1, j1 + head)
    a1, a2, b1, b2 = i1 + head, i2 - tail, j1 + head, j2 - tail
    if min(a2 - a1, b2 - b1) > 1:
        matcher = difflib.SequenceMatcher(None, old[a1:a2], new[b1:b2], autojunk=False)
        for tag, x1, x2, y1, y2 in matcher.get_opcodes():
            yield (tag, a1 + x1, a1 + x2, b1 + y1, b1 + y2)
    elif a2 > a1 or b2 > b1:
        yield ("replace", a1, a2, b1, b2)
    if tail:
        yield ("equal", i2 - tail, i2, j2 - tail, j2)


def _render(
    old: Sequence[str],
    new: Sequence[str],
    opcodes: Sequence[Opcode],
    old_label: str,
    new_label: str,
) -> str:
    hunks = list(_group(opcodes, len(old), len(new)))
    if not hunks:
        return ""
    out = [f"--- {old_label}", f"+++ {new_label}"]
    for group in hunks:
        i1, i2 = group[0][1], group[-1][2]
        j1, j2 = group[0][3], group[-1][4]
        out.append(f"@@ -{_range(i1, i2)} +{_range(j1, j2)} @@")
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                out.extend(" " + line for line in old[a1:a2])
                continue
            out.extend("-" + line for line in old[a1:a2])
            out.extend("+" + line for line in new[b1:b2])
    return "\n".join(out) + "\n"


def _range(start: int, end: int) -> str:
    """A hunk range in unified-diff notation (1-based; an empty range names the line before)."""
    length = end - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def _group(opcodes: Sequence[Opcode], old_size: int, new_size: int) -> Iterator[list[Opcode]]:
    """Changes with up to ``CONTEXT`` equal lines around them, merged when their contexts touch."""
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            continue
        if group and i1 - group[-1][2] > 2 * CONTEXT:
            yield _with_context(group, old_size, new_size)
            group = []
        if group and i1 > group[-1][2]:
            group.append(("equal", group[-1][2], i1, group[-1][4], j1))
        group.append((tag, i1, i2, j1, j2))
    if group:
        yield _with_context(group, old_size, new_size)


def _with_context(group: list[Opcode], old_size: int, new_size: int) -> list[Opcode]:
    """``group`` with the equal lines just before and after it (equal on both sides)."""
    _, i1, _, j1, _ = group[0]
    _, _, i2, _, j2 = group[-1]
    before = min(CONTEXT, i1, j1)
    after = min(CONTEXT, old_size - i2, new_size - j2)
    head: list[Opcode] = [("equal", i1 - before, i1, j1 - before, j1)] if before else []
    tail: list[Opcode] = [("equal", i2, i2 + after, j2, j2 + after)] if after else []
    return head + group + tail
