"""Fixtures for running ``codex`` in-process: ``cli(*args)`` calls ``codex_py.cli.main`` and
returns its exit code, stdout and stderr; ``scripted(*texts)`` gives the flags of a run that
the fake provider answers with those texts."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from codex_py.cli import main


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
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            main(list(args))
        out, err = capsys.readouterr()
        code = exited.value.code
        return Done(code if isinstance(code, int) else 1, out, err)

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
