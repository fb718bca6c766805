"""The layers of DESIGN.md, enforced by walking the package with ``ast``.

``ALLOWED`` is the table of imports between the package's parts: a part (a subpackage, or a
shared module at the top) may import only the parts listed for it. A new edge is a design
decision: add it here, on purpose, or move the code.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "codex_py"

SHARED = {"types", "events", "errors", "messages"}
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "types": {"errors", "events", "policy"},  # policy's Action/Decision, for annotations only
    "events": {"errors", "types"},
    "messages": {"types"},
    "pricing": {"config", "errors", "events", "types"},
    "config": {"errors", "types"},
    "policy": {"config", "errors", "types"},
    "tools": SHARED | {"config", "policy"},
    "providers": SHARED | {"config", "pricing", "testing"},  # testing: the scripted replies
    "ensemble": SHARED | {"config", "policy", "providers", "tools"},
    "agent": SHARED | {"config", "ensemble", "policy", "pricing", "providers", "tools"},
    "session": SHARED | {"agent", "config", "pricing", "tools"},
    "client": SHARED | {"agent", "config", "providers"},
    "interactive": SHARED
    | {"agent", "config", "ensemble", "policy", "pricing", "session", "tools", "ui"},
    "ui": SHARED | {"config", "ensemble", "evals", "policy", "pricing", "session", "tools"},
    "evals": SHARED | {"agent", "config", "pricing", "providers", "tools", "ui"},
    "testing": SHARED | {"client", "config"},
    "cli": set(),  # the top: it may import anything, and nothing imports it
}
# Which package modules may import each library (paths relative to codex_py/).
LIBRARIES = {
    "openai": {"providers/openai.py"},
    "anthropic": {"providers/anthropic.py"},
    "prompt_toolkit": {"ui/"},
    "rich": {"ui/"},
    "typer": {"cli/"},
}


def part_of(relative: str) -> str:
    """The part a module belongs to: its subpackage, or the top-level module's name."""
    first = relative.split("/")[0]
    return first.removesuffix(".py")


def imports_of(path: Path) -> tuple[set[str], set[str]]:
    """The codex_py parts and the third-party roots that ``path`` imports."""
    parts: set[str] = set()
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "codex_py":
                names = [f"codex_py.{alias.name}" for alias in node.names]
            else:
                names = [node.module]
        for name in names:
            pieces = name.split(".")
            if pieces[0] == "codex_py" and len(pieces) > 1:
                parts.add(pieces[1])
            else:
                roots.add(pieces[0])
    return parts, roots


def modules() -> list[tuple[str, Path]]:
    return sorted((p.relative_to(PACKAGE).as_posix(), p) for p in PACKAGE.rglob("*.py"))


def test_every_part_of_the_package_is_in_the_table() -> None:
    parts = {part_of(relative) for relative, _ in modules()} - {"__init__"}
    assert parts == set(ALLOWED)


def test_parts_import_only_what_the_table_allows() -> None:
    offenders = []
    for relative, path in modules():
        own = part_of(relative)
        if own in ("cli", "__init__"):
            continue
        imported, _ = imports_of(path)
        for other in sorted(imported - {own, "__version__"}):
            if other not in ALLOWED[own]:
                offenders.append(f"{relative} imports codex_py.{other}")
    assert offenders == []


def test_nothing_imports_the_cli() -> None:
    offenders = [
        relative
        for relative, path in modules()
        if part_of(relative) != "cli" and "cli" in imports_of(path)[0]
    ]
    assert offenders == []


def test_libraries_are_imported_only_where_the_design_allows() -> None:
    offenders = []
    for relative, path in modules():
        _, roots = imports_of(path)
        for library, allowed in LIBRARIES.items():
            if library in roots and not any(relative.startswith(a) for a in allowed):
                offenders.append(f"{relative} imports {library}")
    assert offenders == []


def test_the_table_catches_a_violation(tmp_path: Path) -> None:
    """The check itself can fail: a providers module importing tools is an offence."""
    bad = tmp_path / "bad.py"
    bad.write_text("from codex_py.tools.shell import ShellTool\nimport rich\n")
    imported, roots = imports_of(bad)
    assert "tools" in imported and "tools" not in ALLOWED["providers"]
    assert "rich" in roots


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
    """Nor rich or markdown-it: help pages are plain text (typer's rich help costs ~0.3 s)."""
    heavy_modules = {"openai", "anthropic", "prompt_toolkit", "rich", "markdown_it", "yaml"}
    for args in (["--help"], ["--version"], ["exec", "--help"], ["config", "--help"]):
        loaded = modules_loaded_by(args)
        assert "codex_py.cli" in loaded
        heavy = heavy_modules & loaded
        assert heavy == set(), f"codex {' '.join(args)} imported {heavy}"


def test_importing_the_package_has_no_side_effects() -> None:
    script = (
        "import codex_py, sys; print(sorted(m for m in sys.modules if m.startswith('codex_py')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "['codex_py']"
