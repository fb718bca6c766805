"""Shared fixtures."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from codex_py import config
from codex_py.agent.loop import RunResult
from codex_py.agent.wiring import build_agent
from codex_py.cli import main as codex_main
from codex_py.config.settings import Settings
from codex_py.events import Event, ListSink
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


def _codex_env(fake_api: FakeAPI, tmp_path: Path, env: dict[str, str] | None) -> dict[str, str]:
    return {
        "CODEX_HOME": str(tmp_path / "codex-home"),
        "HOME": str(tmp_path),
        "OPENAI_API_KEY": "test-openai-key",
        "ANTHROPIC_API_KEY": "test-anthropic-key",
        "OPENAI_BASE_URL": fake_api.openai_base_url,
        "ANTHROPIC_BASE_URL": fake_api.anthropic_base_url,
        **(env or {}),
    }


Codex = Callable[..., "subprocess.CompletedProcess[str]"]


def invoke(args: Sequence[str]) -> tuple[int, str, str]:
    """``codex ARGS`` in this process: its exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            codex_main(list(args))
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def codex(fake_api: FakeAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Codex:
    """Run the `codex` command in this process against the fake API, with a clean home and
    fake keys: the real argument parsing, wiring, output and exit code, without the cost of
    starting an interpreter. ``tests/e2e`` runs the real executable (``codex_process``)."""

    def run(
        *args: str, cwd: Path, env: dict[str, str] | None = None, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        with monkeypatch.context() as patch:
            for key, value in _codex_env(fake_api, tmp_path, env).items():
                patch.setenv(key, value)
            patch.chdir(cwd)
            patch.setattr(sys, "stdin", io.StringIO(input or ""))
            code, out, err = invoke(args)
        return subprocess.CompletedProcess(["codex", *args], code, out, err)

    return run


@pytest.fixture
def codex_process(fake_api: FakeAPI, tmp_path: Path) -> Codex:
    """Run the real `codex` command (``python -m codex_py.cli``) in a subprocess."""

    def run(
        *args: str, cwd: Path, env: dict[str, str] | None = None, input: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        full_env = {**os.environ, "PYTHONPATH": str(ROOT), **_codex_env(fake_api, tmp_path, env)}
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


# -- `cli`: codex in-process without the fake API (help, argv, config commands) -------------


@dataclass(frozen=True)
class Done:
    code: int
    out: str
    err: str

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines()]


Cli = Callable[..., Done]
Scripted = Callable[..., list[str]]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    home = tmp_path / "codex-home"
    home.mkdir()
    monkeypatch.setenv("CODEX_HOME", str(home))
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in list(os.environ):
        if name.startswith(("CODEX_PROVIDER", "CODEX_MODEL", "CODEX_ROUTING_", "_CODEX")):
            monkeypatch.delenv(name)
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> Done:
        return Done(*invoke(args))

    return run


@pytest.fixture
def scripted(tmp_path: Path) -> Scripted:
    def flags(*texts: str) -> list[str]:
        path = tmp_path / "replies.yaml"
        path.write_text(yaml.safe_dump([{"text": text} for text in texts]))
        return ["--provider", "fake", "-c", f"providers.endpoints.fake.script={path}"]

    return flags


@pytest.fixture
def in_repo(repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current directory is a git repository."""
    monkeypatch.chdir(repo)
    return repo


@pytest.fixture
def outside_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current directory is in no git repository."""
    plain = tmp_path / "plain"
    plain.mkdir()
    monkeypatch.chdir(plain)
    return plain


# -- in-process runs: `settings(**overrides)` and `run_agent(script, **overrides)` -----------

MakeSettings = Callable[..., Settings]
RunAgent = Callable[..., tuple[RunResult, list[Event]]]


@pytest.fixture
def settings(tmp_path: Path) -> MakeSettings:
    """Validated settings: the built-in defaults plus dotted-key overrides, e.g.
    ``settings(**{"limits.max_turns": 3})`` (values as YAML, like ``-c``)."""

    def make(**overrides: Any) -> Settings:
        pairs = [f"{key}={json.dumps(value)}" for key, value in overrides.items()]
        env = {"CODEX_HOME": str(tmp_path / "codex-home")}
        return config.load(tmp_path, overrides=pairs, env=env).settings

    return make


@pytest.fixture
def run_agent(tmp_path: Path, settings: MakeSettings) -> RunAgent:
    """Run the real agent in-process, every call answered by the scripted ``fake`` endpoint
    from ``script`` (replies in the format of ``codex_py.testing.replies``); returns the run's
    result and every event it emitted."""

    def run(
        script: Sequence[Mapping[str, Any]], *, prompt: str = "go", **overrides: Any
    ) -> tuple[RunResult, list[Event]]:
        path = tmp_path / "script.yaml"
        path.write_text(yaml.safe_dump([dict(reply) for reply in script]))
        chosen = settings(
            **{"providers.force": "fake", "providers.endpoints.fake.script": str(path)},
            **overrides,
        )
        sink = ListSink()
        agent = build_agent(chosen, tmp_path, sink=sink, env={})
        return asyncio.run(agent.run(prompt)), sink.events

    return run
