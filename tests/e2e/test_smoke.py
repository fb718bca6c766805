"""The real `codex` executable, in a subprocess: a few smoke tests that the installed command
works end to end. Behaviour is tested in-process everywhere else (the `codex` fixture)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codex_py.testing.fake_api import FakeAPI
from codex_py.testing.jsonl import events

PLAN = "1. Look\n2. Answer"


def test_a_routed_run_with_a_tool_call_over_the_real_sdks(
    fake_api: FakeAPI, repo: Path, codex_process: Any
) -> None:
    fake_api.add({"text": PLAN}, api="anthropic")
    fake_api.add(
        {"tool_calls": [{"name": "shell", "arguments": {"command": ["cat", "utils.py"]}}]},
        api="openai",
    )
    fake_api.add({"text": "utils.py adds two numbers."}, api="openai")
    done = codex_process("exec", "--json", "what is in utils.py?", cwd=repo)
    assert done.returncode == 0, done.stderr
    log = events(done.stdout)
    assert [e["intent"] for e in log if e["type"] == "route"] == [
        "planning",
        "tool_use",
        "tool_use",
    ]
    result = next(e for e in log if e["type"] == "tool_result")
    assert result["exit_code"] == 0 and "return a + b" in result["output"]
    assert log[-1]["type"] == "session_end" and log[-1]["status"] == "completed"


def test_plain_output_is_the_answer_and_errors_are_one_line(
    fake_api: FakeAPI, repo: Path, codex_process: Any
) -> None:
    fake_api.add({"text": PLAN}, api="anthropic")
    fake_api.add({"text": "Nothing to do."}, api="openai")
    done = codex_process("exec", "look around", cwd=repo)
    assert (done.returncode, done.stdout.strip()) == (0, "Nothing to do.")
    (repo / "bad.yaml").write_text("limits:\n  max_turnz: 3\n")
    bad = codex_process("exec", "--config", "bad.yaml", "hi", cwd=repo)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "limits.max_turnz" in bad.stderr and "Traceback" not in bad.stderr


def test_exec_resume_continues_the_saved_session(
    fake_api: FakeAPI, repo: Path, codex_process: Any
) -> None:
    fake_api.add({"text": PLAN}, api="anthropic")
    fake_api.add({"text": "The answer is 4."}, api="openai")
    first = codex_process("exec", "what is 2+2?", cwd=repo)
    assert first.returncode == 0, first.stderr
    fake_api.add({"text": "1. Recall"}, api="anthropic")
    fake_api.add({"text": "You asked about 2+2."}, api="openai")
    again = codex_process("exec", "resume", "--last", "what did I ask?", cwd=repo)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "You asked about 2+2."
    sent = fake_api.requests[-1].body
    assert "what is 2+2?" in str(sent) and "The answer is 4." in str(sent)
