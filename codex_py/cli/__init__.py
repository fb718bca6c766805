"""The ``codex`` command: the typer app and its subcommands, wiring only (nothing imports cli/).

``main`` is the console entry point; it imports the app only when called, so that importing
this package stays cheap.
"""

from __future__ import annotations

from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    """Run ``codex`` with ``argv`` (default: ``sys.argv[1:]``) and exit."""
    from codex_py.cli.entry import main as run_codex

    run_codex(argv)
