"""Session logs on real files: layout, flushing, redaction, loading a log cut by a crash, a real
SIGKILL of a child process (mid-write, and in the middle of a run), and resuming."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from codex_py import __version__, config
from codex_py.agent.wiring import build_agent
from codex_py.config.settings import Settings
from codex_py.errors import UsageError
from codex_py.events import (
    HistoryEvent,
    HistoryReset,
    SessionEnd,
    SessionResumed,
    ToolOutput,
    UsageEvent,
)
from codex_py.messages import ABORTED, answer_open_calls
from codex_py.session.load import find_session
from codex_py.session.log import (
    TOOL_OUTPUT_LOG_LIMIT,
    SessionLog,
    config_digest,
    list_sessions,
    load_session,
    resume_agent,
)
from codex_py.testing.fake_api import FakeAPI

REPO = Path(__file__).resolve().parents[2]
FAKE_OPENAI_KEY = "sk-test-0123456789abcdefghijklmnop"
FAKE_ANTHROPIC_KEY = "sk-ant-test-0123456789abcdefghijkl"


def child_env(api: FakeAPI | None, home: Path) -> dict[str, str]:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "CODEX_HOME": str(home),
        "PYTHONPATH": str(REPO),
        "OPENAI_API_KEY": FAKE_OPENAI_KEY,
        "ANTHROPIC_API_KEY": FAKE_ANTHROPIC_KEY,
    }
    if api is not None:
        env["OPENAI_BASE_URL"] = api.openai_base_url
        env["ANTHROPIC_BASE_URL"] = api.anthropic_base_url
    return env


FULL_AUTO: dict[tuple[str, ...], tuple[Any, str]] = {
    ("agent", "approval_mode"): ("full-auto", "test"),
    ("sandbox", "mode"): ("none", "test"),
}


def load_settings(cwd: Path, env: dict[str, str]) -> Settings:
    return config.load(cwd, env=env, flags=FULL_AUTO).settings


@pytest.fixture
def settings(tmp_path: Path, home: Path) -> Settings:
    return load_settings(tmp_path, child_env(None, home))


def user(text: str) -> HistoryEvent:
    return HistoryEvent({"role": "user", "content": text})


def lines_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_file_appears_with_the_first_prompt_and_starts_with_the_meta_line(
    tmp_path: Path, home: Path, settings: Settings
) -> None:
    log = SessionLog.start(home, settings, tmp_path, env={})
    log.emit(HistoryEvent({"role": "system", "content": "be useful"}))
    assert not log.path.exists()

    log.emit(user("fix the tests"))

    relative = log.path.relative_to(home / "sessions")
    year, month, day, name = relative.parts
    assert len(year) == 4 and len(month) == 2 and len(day) == 2
    assert name.endswith(f"-{log.id}.jsonl") and name.startswith(f"{year}-{month}-{day}T")
    meta, system, prompt = lines_of(log.path)
    assert meta["type"] == "session_meta"
    assert meta["id"] == log.id and meta["cwd"] == str(tmp_path)
    assert meta["version"] == __version__ and meta["first_prompt"] == "fix the tests"
    dump = json.dumps(dataclasses.asdict(settings), sort_keys=True, default=str)
    assert meta["config_digest"] == hashlib.sha256(dump.encode()).hexdigest()
    assert system["message"]["content"] == "be useful"
    assert prompt["type"] == "history" and isinstance(prompt["ts"], float)
    log.close()


def test_the_config_digest_changes_with_the_config(settings: Settings) -> None:
    other = dataclasses.replace(settings, limits=dataclasses.replace(settings.limits, max_turns=3))
    assert config_digest(settings) == config_digest(dataclasses.replace(settings))
    assert config_digest(other) != config_digest(settings)


def test_each_event_is_on_disk_when_emit_returns(
    tmp_path: Path, home: Path, settings: Settings
) -> None:
    log = SessionLog.start(home, settings, tmp_path, "go", env={})
    for count in range(1, 6):
        log.emit(UsageEvent("openai", "gpt-x", count, count))
        # Read through a separate file object: what another process would see.
        assert len(log.path.read_bytes().splitlines()) == 1 + count
    log.close()


def test_secrets_never_reach_the_file(tmp_path: Path, home: Path, settings: Settings) -> None:
    env = {"OPENAI_API_KEY": FAKE_OPENAI_KEY, "DB_PASSWORD": "hunter2-hunter2", "SHORT_TOKEN": "ab"}
    log = SessionLog.start(home, settings, tmp_path, env=env)
    leaked = f"key={FAKE_OPENAI_KEY} pw=hunter2-hunter2 other=sk-proj-ZZZZyyyyXXXXwwww1111 ab"
    log.emit(user(leaked))
    log.emit(SessionEnd("completed", 1, {"input_tokens": 3}))
    log.close()
    text = log.path.read_text()
    assert FAKE_OPENAI_KEY not in text and "hunter2" not in text and "sk-proj-" not in text
    assert "[redacted $OPENAI_API_KEY]" in text and "[redacted $DB_PASSWORD]" in text
    assert "[redacted]" in text and text.count(" ab") >= 1  # short values are left alone
    assert log.meta.first_prompt is not None and FAKE_OPENAI_KEY in log.meta.first_prompt
    assert FAKE_OPENAI_KEY not in lines_of(log.path)[0]["first_prompt"]


def test_streamed_command_output_is_capped_per_call(
    tmp_path: Path, home: Path, settings: Settings
) -> None:
    log = SessionLog.start(home, settings, tmp_path, "go", env={})
    chunk = "x" * 1000
    for _ in range(2 * TOOL_OUTPUT_LOG_LIMIT // len(chunk)):
        log.emit(ToolOutput("call_a", chunk))
    log.emit(ToolOutput("call_b", "other call"))
    log.close()
    outputs = [e for e in lines_of(log.path) if e["type"] == "tool_output"]
    logged_a = sum(len(e["chunk"]) for e in outputs if e["call_id"] == "call_a")
    assert TOOL_OUTPUT_LOG_LIMIT <= logged_a < TOOL_OUTPUT_LOG_LIMIT + len(chunk)
    assert outputs[-1]["chunk"] == "other call"


def assistant_calls(*ids: str) -> dict[str, Any]:
    calls = [
        {"id": i, "type": "function", "function": {"name": "shell", "arguments": "{}"}} for i in ids
    ]
    return {"role": "assistant", "content": None, "tool_calls": calls}


def tool(call_id: str, content: str = "ok") -> dict[str, Any]:
    return {"role": "tool", "tool_call_id": call_id, "content": content}


def test_unanswered_tool_calls_are_answered_as_aborted_in_place() -> None:
    history = [
        {"role": "user", "content": "task"},
        assistant_calls("a", "b"),
        tool("a"),
        {"role": "user", "content": "next"},
        assistant_calls("c"),
    ]
    repaired = answer_open_calls(history)
    assert [(m["role"], m.get("tool_call_id")) for m in repaired] == [
        ("user", None),
        ("assistant", None),
        ("tool", "a"),
        ("tool", "b"),
        ("user", None),
        ("assistant", None),
        ("tool", "c"),
    ]
    aborted = json.loads(repaired[3]["content"])
    assert aborted["output"] == ABORTED and aborted["metadata"]["exit_code"] == 130


def write_session(home: Path, settings: Settings, cwd: Path, prompt: str) -> SessionLog:
    log = SessionLog.start(home, settings, cwd, env={})
    log.emit(HistoryEvent({"role": "system", "content": "old system prompt"}))
    log.emit(user(prompt))
    log.emit(HistoryEvent(assistant_calls("call_1")))
    log.emit(HistoryEvent(tool("call_1", "listing")))
    log.emit(HistoryEvent({"role": "assistant", "content": "done"}))
    return log


def test_a_log_cut_mid_line_loads_every_complete_line_and_takes_more(
    tmp_path: Path, home: Path, settings: Settings
) -> None:
    log = write_session(home, settings, tmp_path, "list files")
    log.close()
    data = log.path.read_bytes()
    log.path.write_bytes(data[: len(data) - 20])  # the last line loses its end

    record = load_session(home)
    assert record.skipped_lines == 1
    assert [m["role"] for m in record.history] == ["system", "user", "assistant", "tool"]

    again = SessionLog.reopen(record, settings, env={})
    again.emit(user("and now?"))
    again.close()
    record = load_session(home)
    assert record.skipped_lines == 1
    assert record.history[-1] == {"role": "user", "content": "and now?"}
    assert record.turns == 2
    assert [type(e) for e in record.events][-2:] == [SessionResumed, HistoryEvent]


def test_a_history_reset_and_a_later_system_prompt_replace_what_came_before(
    tmp_path: Path, home: Path, settings: Settings
) -> None:
    log = write_session(home, settings, tmp_path, "task")
    log.emit(HistoryEvent({"role": "system", "content": "new system prompt"}))
    log.emit(HistoryReset([{"role": "system", "content": "s"}, {"role": "user", "content": "sum"}]))
    log.emit(user("more"))
    log.close()
    history = load_session(home, log.id[:6]).history
    assert history == [
        {"role": "system", "content": "s"},
        {"role": "user", "content": "sum"},
        {"role": "user", "content": "more"},
    ]


def test_sessions_are_found_by_id_prefix_and_listed_newest_first(
    tmp_path: Path, home: Path, settings: Settings
) -> None:
    with pytest.raises(UsageError, match="no session"):
        find_session(home, None)
    first = write_session(home, settings, tmp_path, "first task")
    first.emit(UsageEvent("openai", "gpt-x", 100, 20, cost_usd=0.25))
    first.emit(SessionEnd("completed", 2))
    first.close()
    time.sleep(1.01)  # file names carry the time to the second
    second = SessionLog.start(home, settings, tmp_path / "elsewhere", env={})
    second.emit(user("second task\nwith two lines"))
    second.emit(UsageEvent("anthropic", "claude-x", 10, 5))
    second.emit(user("a follow-up"))
    second.close()

    assert find_session(home, None) == second.path
    assert find_session(home, first.id[:8]) == first.path
    with pytest.raises(UsageError, match="no session matches"):
        find_session(home, "zzzz")
    newest, oldest = list_sessions(home)
    assert (newest.id, oldest.id) == (second.id, first.id)
    assert newest.first_prompt == "second task\nwith two lines"
    shown = [(s.turns, s.tokens, s.cost_usd, s.status) for s in (newest, oldest)]
    assert shown == [(2, 15, None, "interrupted"), (1, 120, 0.25, "completed")]
    assert oldest.cwd == str(tmp_path) and oldest.started is not None


# --- real processes, really killed ---

WRITER = """
import sys
from pathlib import Path
from codex_py import config
from codex_py.events import HistoryEvent
from codex_py.session.log import SessionLog
home, cwd = Path(sys.argv[1]), Path(sys.argv[2])
log = SessionLog.start(home, config.load(cwd).settings, cwd, "write forever")
log.emit(HistoryEvent({"role": "user", "content": "write forever"}))
print(log.path, flush=True)
n = 0
while True:
    n += 1
    log.emit(HistoryEvent({"role": "assistant", "content": f"{n}:" + "x" * 200_000}))
"""


def kill_after(process: subprocess.Popen[str], ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 30
    while not ready():
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        assert time.monotonic() < deadline, "the child never got there"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_sigkill_mid_write_loses_at_most_the_line_being_written(tmp_path: Path, home: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(home), str(tmp_path)],
        env=child_env(None, home),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    path = Path(child.stdout.readline().strip())
    kill_after(child, lambda: path.exists() and path.stat().st_size > 3_000_000)
    child.stdout.close()
    child.stderr and child.stderr.close()

    data = path.read_bytes()
    record = load_session(home)
    complete_lines = data.count(b"\n")
    assert len(record.events) + 1 == complete_lines  # + the meta line
    assert record.skipped_lines == (0 if data.endswith(b"\n") else 1)
    answers = [m["content"] for m in record.history if m["role"] == "assistant"]
    assert answers and all(a == f"{n}:" + "x" * 200_000 for n, a in enumerate(answers, 1))


RUNNER = """
import asyncio, sys
from pathlib import Path
from codex_py import config
from codex_py.agent.wiring import build_agent
from codex_py.session.log import SessionLog
home, cwd, task = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
flags = {("agent", "approval_mode"): ("full-auto", "t"), ("sandbox", "mode"): ("none", "t")}
settings = config.load(cwd, flags=flags).settings
log = SessionLog.start(home, settings, cwd, task)
asyncio.run(build_agent(settings, cwd, sink=log).run(task))
"""


@pytest.fixture
def orphans() -> Iterator[list[Path]]:
    """Pid files of commands a killed child left running; their groups are killed at the end."""
    files: list[Path] = []
    yield files
    for pid_file in files:
        if pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.killpg(int(pid_file.read_text()), signal.SIGKILL)


def test_a_run_killed_during_a_command_resumes_with_its_history(
    tmp_path: Path, home: Path, fake_api: FakeAPI, orphans: list[Path]
) -> None:
    pid_file = tmp_path / "pid"
    orphans.append(pid_file)
    command = ["bash", "-c", f"echo $$ > {pid_file}; exec sleep 60"]
    fake_api.add({"text": "1. Wait a minute"}, api="anthropic")
    fake_api.add(
        {"tool_calls": [{"name": "shell", "arguments": {"command": command}}]}, api="openai"
    )
    env = child_env(fake_api, home)
    child = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(home), str(tmp_path), "wait for me"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    kill_after(child, lambda: pid_file.exists() and pid_file.read_text().strip() != "")
    child.stderr and child.stderr.close()

    record = load_session(home)
    assert [m["role"] for m in record.history] == [
        "system", "user", "assistant", "assistant", "tool"
    ]  # fmt: skip
    assert json.loads(record.history[-1]["content"])["output"] == ABORTED
    assert record.meta.first_prompt == "wait for me"

    fake_api.add({"text": "1. Check what is left"}, api="anthropic")
    fake_api.add({"text": "All done."}, api="openai")
    settings = load_settings(tmp_path, env)
    log = SessionLog.reopen(record, settings, env=env)
    agent = build_agent(settings, tmp_path, sink=log, env=env)
    resume_agent(agent, record)
    result = asyncio.run(agent.run("carry on"))  # the agent closes its providers at the end
    log.close()

    assert result.status == "completed" and result.final_text == "All done."
    resumed_request = json.dumps(fake_api.requests[2].body)
    for earlier in ("wait for me", "1. Wait a minute", "exec sleep 60", "aborted: the session"):
        assert earlier in resumed_request
    assert resumed_request.index("wait for me") < resumed_request.index("carry on")
    again = load_session(home, record.meta.id)
    assert again.turns == 2 and again.history[-1]["content"] == "All done."
    assert FAKE_OPENAI_KEY not in again.path.read_text()
