"""Ensembles through the real `codex exec`: a run driven by consensus, and the safety vote."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from codex_py.testing.fake_api import FakeAPI
from codex_py.testing.jsonl import events, of

ENSEMBLE = """
ensembles:
  default:
    models: [openai:gpt-a, anthropic:claude-b]
    strategy: unanimous
"""
SAFETY = """
providers:
  routing: {safety_check: safety}
ensembles:
  safety:
    models: [openai:gpt-s, anthropic:claude-s]
    strategy: unanimous
    timeout: 10
"""


def shell(*argv: str) -> dict[str, Any]:
    return {"tool_calls": [{"name": "shell", "arguments": {"command": list(argv)}}]}


def both(fake: FakeAPI, reply_a: dict[str, Any], reply_b: dict[str, Any] | None = None) -> None:
    fake.add(reply_a, model="gpt-a")
    fake.add(reply_b or reply_a, model="claude-b")


def test_provider_ensemble_runs_what_members_agree_on_and_refuses_the_rest(
    fake_api: FakeAPI, repo: Path, codex: Any
) -> None:
    (repo / "ens.yaml").write_text(ENSEMBLE)
    both(fake_api, {"text": "1. List the files\n2. Report"})
    both(fake_api, shell("ls"))
    both(fake_api, shell("cat", "utils.py"), shell("ls", "-la"))
    both(fake_api, {"text": "There is one file."})
    done = codex(
        "exec", "--json", "--config", "ens.yaml", "--provider", "ensemble", "look", cwd=repo
    )
    assert done.returncode == 0, done.stderr
    log = events(done.stdout)
    assert {r["provider"] for r in of(log, "route")} == {"default"}
    results = of(log, "tool_result")
    assert len(results) == 1 and "utils.py" in results[0]["output"]  # only the agreed `ls` ran
    votes = of(log, "vote")
    assert [v["outcome"] for v in votes] == ["agreed", "agreed", "refused", "agreed"]
    refusal = [m for m in of(log, "message") if "cat utils.py" in m["text"]]
    assert refusal and "ls -la" in refusal[0]["text"]
    members = of(log, "ensemble_member")
    assert {m["member"] for m in members} == {"openai:gpt-a", "anthropic:claude-b"}
    assert log[-1]["status"] == "completed"
    # Both members saw every call, each on its own API.
    assert sorted(r.model for r in fake_api.requests) == ["claude-b"] * 4 + ["gpt-a"] * 4


def test_safety_vote_allows_a_dangerous_command_only_when_unanimous(
    fake_api: FakeAPI, repo: Path, codex: Any
) -> None:
    (repo / "safety.yaml").write_text(SAFETY)
    (repo / "build").mkdir()
    (repo / "dist").mkdir()
    fake_api.add({"text": "1. Clean build\n2. Clean dist"}, api="anthropic")
    fake_api.add(shell("rm", "-rf", "build"), api="openai")
    allow = {"text": '{"decision": "allow", "reason": "build/ is generated output"}'}
    deny = {"text": '{"decision": "deny", "reason": "dist/ may hold release files"}'}
    fake_api.add(allow, model="gpt-s")
    fake_api.add(allow, model="claude-s")
    fake_api.add(shell("rm", "-rf", "dist"), api="openai")
    fake_api.add(allow, model="gpt-s")
    fake_api.add(deny, model="claude-s")
    fake_api.add({"text": "Cleaned build; dist was kept."}, api="openai")
    done = codex("exec", "--json", "--config", "safety.yaml", "--full-auto", "clean", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert not (repo / "build").exists()
    assert (repo / "dist").exists()
    results = of(events(done.stdout), "tool_result")
    assert results[0]["exit_code"] == 0
    assert results[1]["exit_code"] != 0
    assert "dist/ may hold release files" in results[1]["output"]
    votes = [r for r in fake_api.requests if r.model in ("gpt-s", "claude-s")]
    assert len(votes) == 4
    assert "rm -rf build" in json.dumps(votes[0].body)


def test_a_safety_member_that_fails_counts_as_deny(
    fake_api: FakeAPI, repo: Path, codex: Any
) -> None:
    (repo / "safety.yaml").write_text(SAFETY)
    (repo / "build").mkdir()
    fake_api.add({"text": "1. Clean"}, api="anthropic")
    fake_api.add(shell("rm", "-rf", "build"), api="openai")
    fake_api.add({"text": '{"decision": "allow", "reason": "fine"}'}, model="gpt-s")
    for _ in range(5):  # every retry of the other member fails
        fake_api.add({"status": 503, "error": {"message": "unavailable"}}, model="claude-s")
    fake_api.add({"text": "Could not clean."}, api="openai")
    config = [
        "--config",
        "safety.yaml",
        "-c",
        "retries.base_delay=0.01",
        "-c",
        "retries.max_delay=0.02",
    ]
    done = codex("exec", "--json", *config, "--full-auto", "clean", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert (repo / "build").exists()
    result = of(events(done.stdout), "tool_result")[0]
    assert result["exit_code"] != 0


PRICED = """
pricing:
  gpt-a: {input: 1000000, output: 0}
  claude-b: {input: 2000000, output: 0}
  gpt-s: {input: 100000, output: 0}
  claude-s: {input: 100000, output: 0}
"""


def test_every_member_and_voter_is_counted_in_the_totals_and_budget(
    fake_api: FakeAPI, repo: Path, codex: Any
) -> None:
    (repo / "ens.yaml").write_text(ENSEMBLE + PRICED)
    one = {"usage": {"input_tokens": 1, "output_tokens": 0}}
    both(fake_api, {"text": "1. Look", **one})
    both(fake_api, {"text": "Nothing to do.", **one})
    done = codex("exec", "--json", "--config", "ens.yaml", "--provider", "ensemble", "x", cwd=repo)
    assert done.returncode == 0, done.stderr
    log = events(done.stdout)
    # One token each: gpt-a costs $1 and claude-b $2 a call, two calls each.
    cost = log[-1]["cost"]
    assert cost["total_usd"] == 6.0
    assert cost["by_provider"]["openai"]["cost_usd"] == 2.0
    assert cost["by_provider"]["anthropic"]["cost_usd"] == 4.0
    # One usage event per real call, each priced once at its member's endpoint.
    usage = of(log, "usage")
    assert sorted((u["provider"], u["cost_usd"]) for u in usage) == [
        ("anthropic", 2.0),
        ("anthropic", 2.0),
        ("openai", 1.0),
        ("openai", 1.0),
    ]
    members = of(log, "ensemble_member")
    assert sorted(m["cost_usd"] for m in members) == [1.0, 1.0, 2.0, 2.0]


def test_safety_votes_count_toward_the_budget(fake_api: FakeAPI, repo: Path, codex: Any) -> None:
    (repo / "safety.yaml").write_text(SAFETY + PRICED)
    (repo / "build").mkdir()
    fake_api.add(
        {"text": "1. Clean", "usage": {"input_tokens": 0, "output_tokens": 0}}, api="anthropic"
    )
    quiet = {"usage": {"input_tokens": 0, "output_tokens": 0}}
    fake_api.add({**shell("rm", "-rf", "build"), **quiet}, api="openai")
    allow = {
        "text": '{"decision": "allow", "reason": "ok"}',
        "usage": {"input_tokens": 5, "output_tokens": 0},
    }
    fake_api.add(allow, model="gpt-s")
    fake_api.add(allow, model="claude-s")
    fake_api.add({"text": "never reached", **quiet}, api="openai")
    args = ["--config", "safety.yaml", "--full-auto", "--max-cost", "0.9", "clean"]
    done = codex("exec", "--json", *args, cwd=repo)
    log = events(done.stdout)
    # Two voters at 5 tokens x $0.10 = $1.00 > $0.90: the run stops after the vote.
    assert log[-1]["status"] == "limit", done.stderr
    assert log[-1]["cost"]["by_intent"]["safety_check"]["cost_usd"] == 1.0
    assert not (repo / "build").exists()
