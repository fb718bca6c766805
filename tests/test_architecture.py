"""Import rules from the design, enforced by walking the package with ``ast``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "codex_py"

# Which package modules may import each library (paths relative to codex_py/).
ALLOWED = {
    "openai": {"providers/openai.py"},
    "anthropic": {"providers/anthropic.py"},
    "prompt_toolkit": {"ui/"},
    "rich": {"ui/"},
}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_libraries_are_imported_only_where_the_design_allows() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        for library, allowed in ALLOWED.items():
            if library in imported_roots(path) and not any(
                relative == a or relative.startswith(a) for a in allowed if a
            ):
                offenders.append(f"{relative} imports {library}")
    assert offenders == []


def modules_loaded_by(args: list[str]) -> set[str]:
    script = (
        "import sys\nfrom codex_py.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('\\n'.join(sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    )
    return set(done.stderr.split())


def test_help_and_version_import_no_sdk_and_no_prompt_toolkit() -> None:
    for args in (["--help"], ["--version"], ["exec", "--help"]):
        loaded = modules_loaded_by(args)
        assert "codex_py.cli" in loaded
        heavy = {"openai", "anthropic", "prompt_toolkit"} & loaded
        assert heavy == set(), f"codex {' '.join(args)} imported {heavy}"


def test_importing_the_package_has_no_side_effects() -> None:
    script = (
        "import codex_py, sys; print(sorted(m for m in sys.modules if m.startswith('codex_py')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['codex_py']"
