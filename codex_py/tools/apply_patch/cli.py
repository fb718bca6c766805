"""The standalone ``apply_patch`` command, used as Codex's is.

``apply_patch 'PATCH'``, or the patch on standard input, applies it under the current directory.
Exit 0 prints the summary; exit 1 prints the error on stderr; exit 2 is a usage error.
"""

from __future__ import annotations

import sys
from pathlib import Path

from codex_py.errors import PatchError
from codex_py.tools.apply_patch.applier import apply_patch
from codex_py.tools.apply_patch.tool import format_patch_error

USAGE = """\
usage: apply_patch 'PATCH'
       apply_patch < patch.txt

Apply a Codex-format patch (*** Begin Patch ... *** End Patch) to the files under the current
directory. All files change or none does."""


def run(args: list[str]) -> int:
    """The command's logic; returns the exit code."""
    if args in (["-h"], ["--help"]):
        print(USAGE)
        return 0
    if len(args) > 1:
        print(f"apply_patch: expected one argument, got {len(args)}\n\n{USAGE}", file=sys.stderr)
        return 2
    if args:
        patch = args[0]
    elif sys.stdin is None or sys.stdin.isatty():
        print(USAGE, file=sys.stderr)
        return 2
    else:
        try:
            patch = sys.stdin.buffer.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            print(f"apply_patch: the patch on stdin is not UTF-8 ({exc.reason})", file=sys.stderr)
            return 1
    if not patch.strip():
        print(f"apply_patch: the patch is empty\n\n{USAGE}", file=sys.stderr)
        return 2
    try:
        outcome = apply_patch(patch, Path.cwd())
    except PatchError as error:
        print(format_patch_error(error), file=sys.stderr)
        return 1
    print(outcome.summary())
    return 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
