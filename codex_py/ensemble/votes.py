"""Pure parts of an ensemble decision: proposed actions in canonical form, quorums, and the
events that record every member's answer and every vote.

Canonical forms (what "the same action" means):

- ``shell``: the argv, with a ``bash|sh|zsh -c|-lc SCRIPT`` wrapper unwrapped when the script
  is a plain command line (no pipes, redirections, variables, globs, escapes, builtins), so
  ``["bash", "-lc", "ls  -la"]`` and ``["ls", "-la"]`` agree; plus the working directory
  (the timeout is not part of the action).
- ``apply_patch`` (or a shell call that runs ``apply_patch``): the parsed patch written back
  in one spelling; text that does not parse is compared with its line endings normalised.
- any other tool: its name and its arguments as sorted JSON.

A turn's action is its tool calls in order, or ``ANSWER`` when a member made none.
"""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from codex_py.errors import PatchError
from codex_py.tools.apply_patch import (
    AddFile,
    DeleteFile,
    Patch,
    UpdateFile,
    extract_patch,
    parse_patch,
)
from codex_py.types import ModelResponse, ToolCall

Strategy = Literal["unanimous", "majority", "judge", "first"]
ANSWER = "answer (no tool call)"

_SHELLS = frozenset({"bash", "sh", "zsh", "dash"})
_SCRIPT_FLAGS = frozenset({"-c", "-lc", "-cl"})
# A script with any of these characters needs a shell to mean what it says.
_SHELL_SYNTAX = re.compile(r"[|&;<>()$`\\*?\[\]{}~!#\n]")
_BUILTINS = frozenset(
    {"cd", "export", "source", ".", "exit", "set", "unset", "alias", "eval", "exec", "ulimit"}
)


@dataclass(frozen=True)
class Proposal:
    """One distinct answer and the members who gave it."""

    key: str
    members: tuple[str, ...]

    @property
    def summary(self) -> str:
        return summarise(self.key)


def quorum(strategy: Strategy, configured: int) -> int:
    """How many configured members must agree: all, strictly more than half, or one."""
    if strategy == "unanimous":
        return configured
    if strategy == "majority":
        return configured // 2 + 1
    return 1


def agreed(keys: Sequence[str], needed: int) -> str | None:
    """The answer given by at least ``needed`` members. Under ``unanimous`` and ``majority``
    that is more than half of the configured members, so a tie has no winner."""
    if not keys:
        return None
    key, votes = Counter(keys).most_common(1)[0]
    return key if votes >= needed else None


def group(labelled: Sequence[tuple[str, str]]) -> list[Proposal]:
    """Distinct answers in order of first appearance, each with the members who gave it."""
    members: dict[str, list[str]] = {}
    for label, key in labelled:
        members.setdefault(key, []).append(label)
    return [Proposal(key, tuple(labels)) for key, labels in members.items()]


def summarise(key: str, limit: int = 160) -> str:
    """A one-line form of a canonical action or answer, for events and prompts."""
    line = " ".join(key.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def action_key(response: ModelResponse) -> str:
    """The canonical form of the action a response proposes."""
    if not response.tool_calls:
        return ANSWER
    return "\n".join(canonical_call(call) for call in response.tool_calls)


def canonical_call(call: ToolCall) -> str:
    """One tool call in canonical form (see the module docs)."""
    try:
        args = call.parsed()
    except ValueError:
        return f"{call.name} {call.arguments.strip()}"
    if call.name == "apply_patch" and isinstance(args.get("input"), str):
        return canonical_patch(args["input"])
    if call.name == "shell" and isinstance(args.get("command"), list | str):
        return _canonical_shell(args["command"], args.get("workdir"))
    return f"{call.name} {json.dumps(args, sort_keys=True, ensure_ascii=False)}"


def _canonical_shell(command: list[Any] | str, workdir: object) -> str:
    script_or_argv = ["sh", "-c", command] if isinstance(command, str) else command
    argv = [str(part) for part in script_or_argv]
    where = posixpath.normpath(workdir) if isinstance(workdir, str) and workdir else "."
    intercepted = extract_patch(argv)
    if intercepted:
        text, cd = intercepted
        return canonical_patch(text, posixpath.normpath(posixpath.join(where, cd or ".")))
    return f"shell {shlex.join(plain_argv(argv))}{_in_directory(where)}"


def _in_directory(where: str) -> str:
    return "" if where == "." else f" [workdir {shlex.quote(where)}]"


def plain_argv(argv: list[str]) -> list[str]:
    """``argv`` with a shell wrapper removed when its script is a plain command line."""
    if len(argv) != 3 or posixpath.basename(argv[0]) not in _SHELLS:
        return argv
    if argv[1] not in _SCRIPT_FLAGS or _SHELL_SYNTAX.search(argv[2]):
        return argv
    try:
        words = shlex.split(argv[2])
    except ValueError:
        return argv
    if not words or "=" in words[0] or words[0] in _BUILTINS:
        return argv
    return words


def canonical_patch(text: str, where: str = ".") -> str:
    """A patch in one spelling: parsed and written back, or its normalised text if it does
    not parse. ``where`` is the directory its paths are relative to."""
    head = f"apply_patch{_in_directory(where)}"
    try:
        patch = parse_patch(text)
    except PatchError:
        lines = text.replace("\r\n", "\n").strip().splitlines()
        return f"{head} (unparsed)\n" + "\n".join(line.rstrip() for line in lines)
    return f"{head}\n{_write_patch(patch)}"


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


def parse_json_object(text: str) -> dict[str, Any] | None:
    """The JSON object in a model's reply (code fences or a sentence around it are tolerated);
    ``None`` when there is none."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        return None
    try:
        value = json.loads(text[start : end + 1])
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
