"""`codex exec` end to end: the real command, the real SDKs, a local fake API, a real git repo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codex_py.testing.fake_api import FakeAPI
from codex_py.testing.jsonl import events

PLAN = "1. Read utils.py\n2. Add a docstring to add()\n3. Check the result"
PATCH = """*** Begin Patch
*** Update File: utils.py
@@
-def add(a, b):
+def add(a, b):
+    \"\"\"Return the sum of a and b.\"\"\"
*** End Patch"""


def shell(*argv: str) -> dict[str, Any]:
    return {"tool_calls": [{"name": "shell", "arguments": {"command": list(argv)}}]}


def patch(text: str) -> dict[str, Any]:
    return {"tool_calls": [{"name": "apply_patch", "arguments": {"input": text}}]}


def test_plans_with_claude_and_acts_with_openai(fake_api: FakeAPI, repo: Path, codex: Any) -> None:
    fake_api.add({"text": PLAN}, api="anthropic")
    fake_api.add(shell("cat", "utils.py"), api="openai")
    fake_api.add(patch(PATCH), api="openai")
    fake_api.add({"text": "Added a docstring to add()."}, api="openai")

    done = codex("exec", "--json", "-a", "auto-edit", "add a docstring to add()", cwd=repo)

    assert done.returncode == 0, done.stderr
    assert '"""Return the sum of a and b."""' in (repo / "utils.py").read_text()
    sent = fake_api.requests
    assert [r.api for r in sent] == ["anthropic", "openai", "openai", "openai"]
    assert "tools" not in sent[0].body or not sent[0].body["tools"]
    for request in sent[1:]:
        names = {tool.get("name") for tool in request.body["tools"]}
        assert {"shell", "apply_patch"} <= names
    log = events(done.stdout)
    routes = [e for e in log if e["type"] == "route"]
    assert [(r["intent"], r["provider"]) for r in routes] == [
        ("planning", "anthropic"),
        ("tool_use", "openai"),
        ("tool_use", "openai"),
        ("tool_use", "openai"),
    ]
    assert all(r["reason"] and r["model"] for r in routes)
    results = [e for e in log if e["type"] == "tool_result"]
    assert [r["exit_code"] for r in results] == [0, 0]
    assert "def add(a, b):" in results[0]["output"]
    assert [e["type"] for e in log].count("usage") == 4
    assert log[-1] == {**log[-1], "type": "session_end", "status": "completed", "turns": 4}
    messages = [e for e in log if e["type"] == "message"]
    assert messages[-1]["text"] == "Added a docstring to add()."
    # Prompt caching: one cache key for the session's OpenAI calls, breakpoints for Anthropic.
    keys = {r.body.get("prompt_cache_key") for r in sent[1:]}
    assert len(keys) == 1 and None not in keys
    assert sent[0].body["system"][0]["cache_control"] == {"type": "ephemeral"}
    # The plan went into the history the tool model saw.
    assert json.dumps(PLAN) in json.dumps(sent[1].body)


def test_plain_output_prints_the_answer_on_stdout(
    fake_api: FakeAPI, repo: Path, codex: Any
) -> None:
    fake_api.add({"text": PLAN}, api="anthropic")
    fake_api.add({"text": "Nothing to do."}, api="openai")
    done = codex("exec", "look around", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Nothing to do."
    assert "planning" in done.stderr and "anthropic" in done.stderr


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_forced_provider_takes_every_call(
    fake_api: FakeAPI, repo: Path, codex: Any, provider: str
) -> None:
    fake_api.add({"text": PLAN}, api=provider)  # type: ignore[arg-type]
    fake_api.add(shell("ls"), api=provider)  # type: ignore[arg-type]
    fake_api.add({"text": "Listed."}, api=provider)  # type: ignore[arg-type]
    done = codex("exec", "--json", "--provider", provider, "list files", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert [r.api for r in fake_api.requests] == [provider] * 3
    result = next(e for e in events(done.stdout) if e["type"] == "tool_result")
    assert "utils.py" in result["output"]
    assert fake_api.requests[1].body["tools"]


def test_a_refused_command_reaches_the_model_and_the_run_goes_on(
    fake_api: FakeAPI, repo: Path, codex: Any
) -> None:
    fake_api.add({"text": PLAN}, api="anthropic")
    fake_api.add(shell("touch", "created.txt"), api="openai")
    fake_api.add({"text": "I could not create the file."}, api="openai")
    done = codex("exec", "--json", "create a file", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert not (repo / "created.txt").exists()
    result = next(e for e in events(done.stdout) if e["type"] == "tool_result")
    assert result["exit_code"] != 0 and "Refused" in result["output"]
    last_input = json.dumps(fake_api.requests[-1].body)
    assert "Refused" in last_input


def test_agents_md_reaches_the_system_prompt(fake_api: FakeAPI, repo: Path, codex: Any) -> None:
    (repo / "AGENTS.md").write_text("Always answer in haiku.\n")
    (repo / "sub").mkdir()
    (repo / "sub" / "AGENTS.md").write_text("Prefer pytest.\n")
    fake_api.add({"text": PLAN}, api="anthropic")
    fake_api.add({"text": "ok"}, api="openai")
    assert codex("exec", "hi", cwd=repo / "sub").returncode == 0
    system = json.dumps(fake_api.requests[0].body)
    assert "Always answer in haiku." in system
    assert system.index("Always answer in haiku.") < system.index("Prefer pytest.")


def test_max_turns_stops_the_run(fake_api: FakeAPI, repo: Path, codex: Any) -> None:
    fake_api.add({"text": PLAN}, api="anthropic")
    for _ in range(3):
        fake_api.add(shell("ls"), api="openai")
    done = codex("exec", "--json", "--max-turns", "3", "loop", cwd=repo)
    assert done.returncode == 1
    assert events(done.stdout)[-1]["status"] == "limit"
    assert len(fake_api.requests) == 3


def test_missing_api_key_is_one_line_exit_2(fake_api: FakeAPI, repo: Path, codex: Any) -> None:
    done = codex("exec", "hi", cwd=repo, env={"ANTHROPIC_API_KEY": ""})
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "ANTHROPIC_API_KEY is not set" in done.stderr
    assert "Traceback" not in done.stderr
    assert fake_api.requests == []


def test_unreachable_endpoint_is_one_line_exit_1(repo: Path, codex: Any, free_port: int) -> None:
    done = codex(
        "exec", "--provider", "openai", "-c", "retries.base_delay=0", "hi", cwd=repo,
        env={"OPENAI_BASE_URL": f"http://127.0.0.1:{free_port}/v1"},
    )  # fmt: skip
    assert done.returncode == 1
    assert f"127.0.0.1:{free_port}" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_model_names_the_model(fake_api: FakeAPI, repo: Path, codex: Any) -> None:
    error = {
        "message": "The model `nope` does not exist",
        "type": "invalid_request_error",
        "code": "model_not_found",
    }
    fake_api.add({"status": 404, "error": error}, api="openai")
    done = codex("exec", "--provider", "openai", "-m", "nope", "hi", cwd=repo)
    assert done.returncode == 1
    assert "nope" in done.stderr
    assert "Traceback" not in done.stderr


BAD = [
    ("limits:\n  max_turns: [\n", "YAML syntax error"),
    ("limits:\n  max_turnz: 3\n", "limits.max_turnz unknown key"),
    ("limits:\n  max_turns: many\n", "limits.max_turns must be a whole number"),
    ("providers:\n  routing: {planning: nobody}\n", "unknown provider 'nobody'"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_config_exits_2_with_one_line(repo: Path, codex: Any, text: str, message: str) -> None:
    (repo / ".codex").mkdir()
    (repo / ".codex" / "config.yaml").write_text(text)
    for args in (("exec", "hi"), ("config", "validate")):
        done = codex(*args, cwd=repo)
        assert done.returncode == 2, done.stderr
        assert message in done.stderr
        assert ".codex/config.yaml:" in done.stderr
        assert done.stderr.strip().count("\n") == 0
        assert "Traceback" not in done.stderr


def test_debug_adds_the_traceback(repo: Path, codex: Any) -> None:
    (repo / "c.yaml").write_text("limits: {max_turns: x}\n")
    done = codex("exec", "--debug", "--config", "c.yaml", "hi", cwd=repo)
    assert done.returncode == 2
    assert "Traceback" in done.stderr


def test_config_show_and_validate(repo: Path, codex: Any) -> None:
    (repo / "ok.yaml").write_text("limits: {max_turns: 9}\n")
    shown = codex("config", "show", "--config", "ok.yaml", cwd=repo)
    assert shown.returncode == 0
    assert "limits.max_turns" in shown.stdout and "ok.yaml:1" in shown.stdout
    assert "test-openai-key" not in shown.stdout
    valid = codex("config", "validate", "ok.yaml", cwd=repo)
    assert valid.returncode == 0 and "valid" in valid.stdout


def test_a_chat_completions_preset_needs_no_key(fake_api: FakeAPI, repo: Path, codex: Any) -> None:
    fake_api.add({"text": PLAN}, api="openai")
    fake_api.add(shell("ls"), api="openai")
    fake_api.add({"text": "Listed."}, api="openai")
    url = f"providers.endpoints.ollama.base_url={fake_api.openai_base_url}"
    done = codex("exec", "--provider", "ollama", "-c", url, "list", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Listed."
    assert {r.path for r in fake_api.requests} == {"/v1/chat/completions"}
    assert fake_api.requests[0].model == "qwen3-coder"


def test_q_is_an_alias_of_exec(fake_api: FakeAPI, repo: Path, codex: Any) -> None:
    fake_api.add({"text": PLAN}, api="anthropic")
    fake_api.add({"text": "hello"}, api="openai")
    done = codex("-q", "say hello", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "hello"
