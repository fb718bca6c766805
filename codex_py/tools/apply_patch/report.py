"""Error messages for chunks that do not match, written for a model to fix its next attempt.

Each names the file and the chunk, shows the lines that were expected, and shows where the file
most resembles them, with line numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from codex_py.errors import PatchError
from codex_py.tools.apply_patch.closest import closest_region
from codex_py.tools.apply_patch.matcher import LineIndex
from codex_py.tools.apply_patch.parser import Chunk

RETRY_HINT = (
    "no file was changed: re-read the file, copy the context and '-' lines exactly as they are "
    "now, and send the whole patch again"
)
_MAX_SHOWN = 40


@dataclass(frozen=True)
class ChunkRef:
    """Which chunk of which file a message is about."""

    path: str
    number: int
    total: int
    chunk: Chunk

    def __str__(self) -> str:
        line = self.chunk.line_number
        at = f", patch line {line}" if line else ""
        return f"{self.path} (chunk {self.number} of {self.total}{at})"


def context_not_found(index: LineIndex, context: str, position: int, where: ChunkRef) -> PatchError:
    """The ``@@ context`` line of a chunk is not in the file after ``position``."""
    header = f"Failed to find context '@@ {context}' in {where}:"
    return PatchError("\n".join([header, *_whereabouts(index, [context], position)]), RETRY_HINT)


def lines_not_found(
    index: LineIndex, expected: Sequence[str], position: int, where: ChunkRef
) -> PatchError:
    """The old lines (context and removed) of a chunk do not match after ``position``."""
    searched = f", searching from line {position + 1}" if position else ""
    parts = [
        f"Failed to find expected lines in {where}{searched}:",
        *_shown([f"| {line}" for line in expected], prefix="  "),
    ]
    elsewhere = index.seek(expected, position)
    if where.chunk.end_of_file and elsewhere is not None:
        parts.append(
            f"They are at line {elsewhere + 1}, but the chunk is marked '*** End of File' and the "
            f"file has {len(index.lines)} lines; drop the marker or match the file's last lines."
        )
    else:
        parts.extend(_whereabouts(index, expected, position))
    return PatchError("\n".join(parts), RETRY_HINT)


def _whereabouts(index: LineIndex, expected: Sequence[str], position: int) -> list[str]:
    """Lines saying where ``expected`` is (before ``position``) or most nearly is."""
    earlier = index.seek(expected, 0)
    if earlier is not None and earlier < position:
        return [
            f"They are at line {earlier + 1}, but the search started at line {position + 1} "
            "(after the previous chunk and this chunk's @@ lines): chunks and their @@ lines "
            "must follow the order of the file."
        ]
    region = closest_region(index.lines, expected, near=position)
    if region is None or region.score < 0.3:
        return ["No region of the file resembles them."]
    first, last = region.start + 1, region.start + region.size
    numbered = [
        f"{number:>{len(str(last))}} | {line}"
        for number, line in zip(
            range(first, last + 1), index.lines[region.start : last], strict=True
        )
    ]
    span = f"line {first}" if first == last else f"lines {first}-{last}"
    return [
        f"Closest match ({round(region.score * 100)}% similar) at {span}:",
        *_shown(numbered, prefix="  "),
    ]


def _shown(lines: Sequence[str], *, prefix: str) -> list[str]:
    shown = [prefix + line for line in lines[:_MAX_SHOWN]]
    if len(lines) > _MAX_SHOWN:
        shown.append(f"{prefix}... ({len(lines) - _MAX_SHOWN} more lines)")
    return shown
