"""Recognise a ``shell`` call that is really an apply_patch, so it runs in-process.

Recognised, as Codex does:

- ``["apply_patch", PATCH]`` and ``["applypatch", PATCH]``;
- ``[SHELL, "-lc" | "-c", SCRIPT]`` (SHELL any shell ``policy.shell`` knows, by any path)
  where SCRIPT is exactly ``apply_patch <<'EOF'`` ... ``EOF`` (any delimiter word, quoted or
  not), optionally preceded by ``cd DIR &&`` with DIR one word or one quoted string, and
  followed by nothing but whitespace.

The heredoc body is taken literally, as Codex does (a shell would expand ``$`` in an unquoted
heredoc). Anything else is not an interception and runs as a normal command.
"""

from __future__ import annotations

import re
from pathlib import Path

from codex_py.errors import PatchError
from codex_py.policy.shell.syntax import is_shell

_COMMANDS = ("apply_patch", "applypatch")
_FLAGS = ("-lc", "-c")
_INVOCATION = re.compile(
    r"""\s*
    (?:cd\s+(?:'(?P<single>[^']*)'|"(?P<double>[^"$`\\]*)"|(?P<word>[^\s'"`$;&|<>()\\]+))
       \s*&&\s*)?
    (?:apply_patch|applypatch)\s*<<\s*(?P<quote>['"]?)(?P<delimiter>\w+)(?P=quote)[ \t]*""",
    re.VERBOSE,
)


def extract_patch(argv: list[str]) -> tuple[str, str | None] | None:
    """``(patch_text, cd_dir or None)`` when ``argv`` is an apply_patch invocation, else None."""
    if len(argv) == 2 and argv[0] in _COMMANDS:
        return argv[1], None
    if len(argv) == 3 and is_shell(argv[0]) and argv[1] in _FLAGS:
        return _from_script(argv[2])
    return None


def _from_script(script: str) -> tuple[str, str | None] | None:
    first, _, rest = script.partition("\n")
    match = _INVOCATION.fullmatch(first)
    if match is None:
        return None
    body = rest.split("\n")
    delimiter = match["delimiter"]
    if delimiter not in body:
        return None
    end = body.index(delimiter)
    if "\n".join(body[end + 1 :]).strip():
        return None
    directory = match["single"] if match["single"] is not None else match["double"] or match["word"]
    return "\n".join(body[:end]), directory


def intercepted_cwd(root: Path, cd_dir: str | None, cwd: Path | None = None) -> Path:
    """The directory an intercepted patch's paths are relative to: ``cd_dir`` taken from the
    shell call's working directory ``cwd`` (default ``root``). Raises PatchError if it is
    outside ``root``, so a ``cd ..`` cannot move the patch out of the workspace."""
    base = Path(cwd) if cwd is not None else Path(root)
    target = (base / cd_dir).resolve() if cd_dir else base.resolve()
    real_root = Path(root).resolve()
    if target != real_root and real_root not in target.parents:
        raise PatchError(
            f"'cd {cd_dir}' leaves the workspace", "apply patches inside the workspace root"
        )
    return target
