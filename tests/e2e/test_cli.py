"""The real ``codex`` command where only a real process will do: a stdout closed by its
reader, and a completion script sourced by bash."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def closed_stdout(*args: str, cwd: Path, home: Path) -> tuple[int, str]:
    """Run ``codex ARGS`` with its stdout a pipe whose reader has gone (as ``| head -0``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CODEX_HOME": str(home)}
    child = subprocess.Popen(
        [sys.executable, "-m", "codex_py.cli", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()
    with child.stderr:
        err = child.stderr.read().decode()
    return child.wait(timeout=60), err


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["exec", "--help"]])
def test_help_into_a_closed_pipe_is_a_quiet_success(
    args: list[str], repo: Path, home: Path
) -> None:
    assert closed_stdout(*args, cwd=repo, home=home) == (0, "")


def test_a_run_into_a_closed_pipe_stops_quietly(repo: Path, home: Path) -> None:
    (repo / "replies.yaml").write_text("- text: plan\n- text: answer\n")
    script = "providers.endpoints.fake.script=replies.yaml"
    code, err = closed_stdout(
        "exec", "--json", "--provider", "fake", "-c", script, "hi", cwd=repo, home=home
    )
    assert (code, err) == (141, "")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_sources_the_completion_script_and_completes(home: Path) -> None:
    if not (BIN / "codex").exists():
        pytest.skip("the codex entry point is not installed next to this interpreter")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    env["CODEX_HOME"] = str(home)
    script = (
        "source <(codex completion bash) && complete -p codex"
        " && COMP_WORDS=(codex ses) COMP_CWORD=1 && _codex_completion codex"
        ' && echo "offered: ${COMPREPLY[*]}"'
    )
    done = subprocess.run(
        ["bash", "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "complete -o default -F _codex_completion codex" in done.stdout
    assert "offered: sessions" in done.stdout
