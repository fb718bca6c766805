"""Session logs through the real CLI: exec saves, `codex sessions` lists, resume continues."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from codex_py.testing.fake_api import FakeAPI


def session_files(home: Path) -> list[Path]:
    return sorted((home / "sessions").rglob("*.jsonl"))


def test_exec_saves_a_session_that_lists_and_resumes(
    fake_api: FakeAPI, repo: Path, codex: Any, tmp_path: Path
) -> None:
    home = tmp_path / "codex-home"
    fake_api.add({"text": "1. Count"}, api="anthropic")
    fake_api.add({"text": "There are 42 apples."}, api="openai")
    first = codex("exec", "how many apples are in the basket?", cwd=repo)
    assert first.returncode == 0, first.stderr

    (log,) = session_files(home)
    assert log.parent.parent.parent.parent == home / "sessions"  # sessions/YYYY/MM/DD/
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    meta = lines[0]
    assert meta["cwd"] == str(repo) and meta["id"] and meta["version"]
    assert lines[-1]["type"] == "session_end"
    assert "test-openai-key" not in log.read_text()

    listed = codex("sessions", cwd=repo)
    assert listed.returncode == 0
    assert "how many apples" in listed.stdout

    fake_api.add({"text": "1. Recall"}, api="anthropic")
    fake_api.add({"text": "Still 42."}, api="openai")
    again = codex("exec", "resume", "--last", "and now?", cwd=repo)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "Still 42."
    resumed_request = json.dumps(fake_api.requests[-1].body)
    assert "how many apples are in the basket?" in resumed_request
    assert "There are 42 apples." in resumed_request
    assert session_files(home) == [log]  # appended to the same session

    fake_api.add({"text": "1. Recall"}, api="anthropic")
    fake_api.add({"text": "42, as before."}, api="openai")
    by_id = codex("exec", "resume", meta["id"][:8], "once more?", cwd=repo)
    assert by_id.returncode == 0, by_id.stderr
    assert "and now?" in json.dumps(fake_api.requests[-1].body)


def test_resuming_an_unknown_session_is_a_clear_error(repo: Path, codex: Any) -> None:
    done = codex("exec", "resume", "nope", "hi", cwd=repo)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0


def test_a_failing_run_ends_clearly_with_its_session_saved(
    fake_api: FakeAPI, repo: Path, codex: Any, tmp_path: Path
) -> None:
    fake_api.add({"text": "1. Try"}, api="anthropic")
    for _ in range(2):
        fake_api.add({"status": 503, "error": {"message": "upstream down"}}, api="openai")
    quick = ["-c", "retries.max_attempts=2", "-c", "retries.base_delay=0.01"]
    done = codex("exec", *quick, "try it", cwd=repo)
    assert done.returncode == 1
    assert "upstream down" in done.stderr and "gave up after 2 attempts" in done.stderr
    assert "Traceback" not in done.stderr
    (log,) = session_files(tmp_path / "codex-home")
    end = json.loads(log.read_text().splitlines()[-1])
    assert (end["type"], end["status"]) == ("session_end", "failed")
