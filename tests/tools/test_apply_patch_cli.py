"""The standalone ``apply_patch`` command (as a real subprocess) and the interception of
patches sent through ``shell``, checked against what a real bash does with the same call."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from codex_py.errors import PatchError
from codex_py.tools.apply_patch import apply_patch, extract_patch, intercepted_cwd

REPO = Path(__file__).resolve().parents[2]
PATCH = """*** Begin Patch
*** Add File: hello.txt
+hi
*** Update File: a.txt
@@
-a
+b
*** End Patch"""
SUMMARY = "Success. Updated the following files:\nA hello.txt\nM a.txt\n"


def run_cli(
    args: list[str], cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "codex_py.tools.apply_patch.cli", *args]
    return subprocess.run(
        command,
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    (tmp_path / "a.txt").write_text("a\n")
    return tmp_path


def test_cli_applies_a_patch_argument(workspace: Path) -> None:
    result = run_cli([PATCH], workspace)
    assert (result.returncode, result.stdout, result.stderr) == (0, SUMMARY, "")
    assert (workspace / "hello.txt").read_text() == "hi\n"
    assert (workspace / "a.txt").read_text() == "b\n"


def test_cli_reads_the_patch_from_stdin(workspace: Path) -> None:
    result = run_cli([], workspace, stdin=PATCH)
    assert (result.returncode, result.stdout) == (0, SUMMARY)


def test_cli_failure_prints_the_error_on_stderr_and_changes_nothing(workspace: Path) -> None:
    result = run_cli([PATCH.replace("-a", "-zzz")], workspace)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Failed to find expected lines in a.txt" in result.stderr
    assert "Hint: no file was changed" in result.stderr
    assert not (workspace / "hello.txt").exists()


@pytest.mark.parametrize(
    ("args", "stdin"),
    [(["one", "two"], None), ([], ""), ([], "  \n"), ([" "], None)],
    ids=["two-arguments", "empty-stdin", "blank-stdin", "blank-argument"],
)
def test_cli_usage_errors_exit_2(workspace: Path, args: list[str], stdin: str | None) -> None:
    result = run_cli(args, workspace, stdin=stdin)
    assert result.returncode == 2
    assert "usage: apply_patch" in result.stderr


def test_cli_help_exits_0(workspace: Path) -> None:
    result = run_cli(["--help"], workspace)
    assert (result.returncode, result.stdout.startswith("usage: apply_patch")) == (0, True)


def heredoc(
    prefix: str = "", delimiter: str = "'EOF'", end: str = "EOF", suffix: str = "\n"
) -> str:
    return f"{prefix}apply_patch <<{delimiter}\n{PATCH}\n{end}{suffix}"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["apply_patch", PATCH], (PATCH, None)),
        (["applypatch", PATCH], (PATCH, None)),
        (["bash", "-lc", heredoc()], (PATCH, None)),
        (["/bin/bash", "-c", heredoc(delimiter='"EOF"')], (PATCH, None)),
        (["sh", "-c", heredoc(delimiter="EOF", suffix="")], (PATCH, None)),
        (["zsh", "-lc", heredoc(delimiter="'PATCH'", end="PATCH", suffix="\n\n")], (PATCH, None)),
        (["bash", "-lc", heredoc(prefix="cd src && ")], (PATCH, "src")),
        (["bash", "-lc", heredoc(prefix="cd 'my dir' && ")], (PATCH, "my dir")),
        (["bash", "-lc", heredoc(prefix='  cd "sub/dir"  &&  ')], (PATCH, "sub/dir")),
    ],
)
def test_patch_invocations_are_recognised(
    argv: list[str], expected: tuple[str, str | None]
) -> None:
    assert extract_patch(argv) == expected


@pytest.mark.parametrize(
    "argv",
    [
        ["apply_patch"],
        ["apply_patch", PATCH, "extra"],
        ["ls", "-la"],
        ["python", "-c", heredoc()],
        ["bash", "-x", heredoc()],
        ["bash", "-lc", "echo hi; " + heredoc()],
        ["bash", "-lc", heredoc(suffix="\necho done\n")],
        ["bash", "-lc", heredoc(prefix="cd src; ")],
        ["bash", "-lc", heredoc(prefix="cd src || ")],
        ["bash", "-lc", heredoc(prefix="cd $HOME && ")],
        ["bash", "-lc", heredoc(end="NOT_THE_END")],
        ["bash", "-lc", "apply_patch '" + PATCH + "'"],
    ],
)
def test_other_commands_are_not_intercepted(argv: list[str]) -> None:
    assert extract_patch(argv) is None


def test_interception_matches_what_bash_does(tmp_path: Path) -> None:
    """Run the script in a real bash with the real ``apply_patch`` command on PATH, and the
    intercepted patch in-process; both workspaces must end up identical."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "apply_patch"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m codex_py.tools.apply_patch.cli "$@"\n')
    shim.chmod(0o755)
    script = heredoc(prefix="cd pkg && ")
    results = {}
    for name in ("bash", "in_process"):
        root = tmp_path / name
        (root / "pkg").mkdir(parents=True)
        (root / "pkg/a.txt").write_text("a\n")
        if name == "bash":
            env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PYTHONPATH": str(REPO)}
            subprocess.run(
                ["bash", "-c", script], cwd=root, env=env, check=True, capture_output=True
            )
        else:
            found = extract_patch(["bash", "-lc", script])
            assert found is not None
            patch, cd_dir = found
            apply_patch(patch, root, cwd=intercepted_cwd(root, cd_dir))
        results[name] = {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*.txt")}
    assert results["bash"] == results["in_process"]
    assert results["bash"]["pkg/hello.txt"] == b"hi\n"


def test_intercepted_cd_cannot_leave_the_workspace(tmp_path: Path) -> None:
    assert intercepted_cwd(tmp_path, None) == tmp_path.resolve()
    assert intercepted_cwd(tmp_path, "a/..") == tmp_path.resolve()
    with pytest.raises(PatchError, match="leaves the workspace"):
        intercepted_cwd(tmp_path, "..")
