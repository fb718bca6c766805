"""``python -m codex_py.cli``: the ``codex`` command."""

from codex_py.cli import main

main()
