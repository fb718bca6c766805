"""The ``codex`` command: the typer app and its subcommands, wiring only (nothing imports cli/).

``main`` is the console entry point; it imports the app only when called, so that importing
this package stays cheap.
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> None:
    """Run ``codex`` with ``argv`` (default: ``sys.argv[1:]``)."""
    from codex_py.cli.app import main as run_app

    run_app(argv)
