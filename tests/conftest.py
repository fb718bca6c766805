"""Shared fixtures."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from codex_py.testing.fake_api import FakeAPI


@pytest.fixture
def fake_api() -> Iterator[FakeAPI]:
    """A started local fake of the OpenAI and Anthropic APIs; stopped after the test."""
    with FakeAPI() as api:
        yield api


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An empty directory to use as ``CODEX_HOME``."""
    path = tmp_path / "home"
    path.mkdir()
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small git repository to work in."""
    path = tmp_path / "repo"
    path.mkdir()
    (path / "utils.py").write_text("def add(a, b):\n    return a + b\n")
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


@pytest.fixture
def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def codex(fake_api: FakeAPI, tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the real `codex` command against the fake API, with a clean home and fake keys."""
    home = tmp_path / "codex-home"

    def run(
        *args: str, cwd: Path, env: dict[str, str] | None = None, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "CODEX_HOME": str(home),
            "HOME": str(tmp_path),
            "OPENAI_API_KEY": "test-openai-key",
            "ANTHROPIC_API_KEY": "test-anthropic-key",
            "OPENAI_BASE_URL": fake_api.openai_base_url,
            "ANTHROPIC_BASE_URL": fake_api.anthropic_base_url,
            **(env or {}),
        }
        return subprocess.run(
            [sys.executable, "-m", "codex_py.cli", *args],
            cwd=cwd,
            env=full_env,
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run
