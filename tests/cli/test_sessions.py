"""`codex sessions` and `codex exec resume` as functions (the CLI wires them), on real session
files, with the real SDKs talking to the local fake API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codex_py import config
from codex_py.cli.run import RunOptions
from codex_py.cli.sessions import resume_command, sessions_command
from codex_py.events import HistoryEvent
from codex_py.session.log import SessionLog, load_session
from codex_py.testing.fake_api import FakeAPI


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_api: FakeAPI) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    for name, value in {
        "CODEX_HOME": str(path),
        "HOME": str(path),
        "OPENAI_API_KEY": "sk-test-cli-0000000000000000",
        "ANTHROPIC_API_KEY": "sk-ant-test-cli-000000000000",
        "OPENAI_BASE_URL": fake_api.openai_base_url,
        "ANTHROPIC_BASE_URL": fake_api.anthropic_base_url,
    }.items():
        monkeypatch.setenv(name, value)
    return path


def earlier_session(home: Path, cwd: Path) -> SessionLog:
    log = SessionLog.start(home, config.load(cwd).settings, cwd, "rename foo to bar")
    for message in (
        {"role": "system", "content": "system"},
        {"role": "user", "content": "rename foo to bar"},
        {"role": "assistant", "content": "Renamed foo to bar in 3 files."},
    ):
        log.emit(HistoryEvent(message))
    log.close()
    return log


def options(prompt: str | None, *, cd: Path | None = None) -> RunOptions:
    return RunOptions(
        prompt, {}, None, [], json_output=True, cd=cd, interactive=False, skip_git_repo_check=True
    )


def test_sessions_lists_them_or_says_there_are_none(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert sessions_command() == 0
    assert "no sessions yet" in capsys.readouterr().out
    log = earlier_session(home, tmp_path)
    assert sessions_command() == 0
    shown = capsys.readouterr().out
    assert log.id[:8] in shown and "rename foo to bar" in shown


def test_exec_resume_continues_the_last_session_in_its_directory(
    home: Path, tmp_path: Path, fake_api: FakeAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    log = earlier_session(home, work)
    fake_api.add({"text": "1. Check the docs"}, api="anthropic")
    fake_api.add({"text": "The docs say bar now."}, api="openai")

    assert resume_command(options("now the docs"), None) == 0

    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert events[-1]["type"] == "session_end" and events[-1]["status"] == "completed"
    first_request = json.dumps(fake_api.requests[0].body)
    assert "Renamed foo to bar in 3 files." in first_request and "now the docs" in first_request
    assert str(work) in first_request  # the system prompt names the recorded directory
    record = load_session(home, log.id)
    assert record.turns == 2 and record.history[-1]["content"] == "The docs say bar now."


def test_resuming_an_unknown_session_is_a_usage_error(home: Path) -> None:
    from codex_py.errors import UsageError

    with pytest.raises(UsageError, match="no session matches 'abc'"):
        resume_command(options("go"), "abc")


def test_resuming_outside_git_is_refused_unless_told(
    home: Path, tmp_path: Path, fake_api: FakeAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    from codex_py.errors import UsageError

    work = tmp_path / "work"
    work.mkdir()
    earlier_session(home, work)
    strict = RunOptions("go on", {}, None, [], json_output=True, cd=None, interactive=False)
    with pytest.raises(UsageError, match="is not inside a git repository") as refused:
        resume_command(strict, None)
    assert "--skip-git-repo-check" in refused.value.hint
    assert fake_api.requests == []
    fake_api.add({"text": "1. Go on"}, api="anthropic")
    fake_api.add({"text": "Went on."}, api="openai")
    assert resume_command(options("go on"), None) == 0
