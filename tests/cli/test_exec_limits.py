"""Costs, budgets, fallbacks and compaction through the real `codex exec` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from codex_py.testing.fake_api import FakeAPI
from codex_py.testing.jsonl import events, of

PLAN = {"text": "1. Look\n2. Answer"}


def test_usage_events_carry_cost_and_the_end_has_totals(
    fake_api: FakeAPI, repo: Path, codex: Any
) -> None:
    fake_api.add(
        {**PLAN, "usage": {"input_tokens": 1_000_000, "output_tokens": 0}}, api="anthropic"
    )
    fake_api.add(
        {"text": "done", "usage": {"input_tokens": 0, "output_tokens": 1_000_000}}, api="openai"
    )
    done = codex("exec", "--json", "hi", cwd=repo)
    assert done.returncode == 0, done.stderr
    log = events(done.stdout)
    usage = of(log, "usage")
    # claude-sonnet-4-6 input: $3 per million; gpt-5.1-codex output: $10 per million.
    assert [(u["intent"], u["cost_usd"]) for u in usage] == [("planning", 3.0), ("tool_use", 10.0)]
    cost = log[-1]["cost"]
    assert cost["total_usd"] == 13.0
    assert cost["by_provider"]["anthropic"]["cost_usd"] == 3.0
    assert cost["by_model"]["gpt-5.1-codex"]["cost_usd"] == 10.0
    assert cost["by_intent"]["planning"]["input_tokens"] == 1_000_000


def test_exec_prints_a_cost_summary_on_stderr(fake_api: FakeAPI, repo: Path, codex: Any) -> None:
    fake_api.add(
        {**PLAN, "usage": {"input_tokens": 1_000_000, "output_tokens": 0}}, api="anthropic"
    )
    fake_api.add({"text": "done"}, api="openai")
    done = codex("exec", "hi", cwd=repo)
    assert done.returncode == 0
    assert "$3.0" in done.stderr and "anthropic $3.0000" in done.stderr


def test_unknown_price_warns_once_and_counts_tokens(
    fake_api: FakeAPI, repo: Path, codex: Any
) -> None:
    fake_api.add(PLAN, api="openai")
    fake_api.add(
        {"tool_calls": [{"name": "shell", "arguments": {"command": ["ls"]}}]}, api="openai"
    )
    fake_api.add({"text": "done"}, api="openai")
    done = codex("exec", "--json", "--provider", "openai", "-m", "house-model", "hi", cwd=repo)
    log = events(done.stdout)
    warnings = of(log, "warning")
    assert len(warnings) == 1 and "house-model" in warnings[0]["message"]
    assert all(u["cost_usd"] is None for u in of(log, "usage"))
    assert log[-1]["cost"]["total"]["input_tokens"] == 30


def test_budget_stops_the_run_cleanly(fake_api: FakeAPI, repo: Path, codex: Any) -> None:
    fake_api.add(
        {**PLAN, "usage": {"input_tokens": 1_000_000, "output_tokens": 0}}, api="anthropic"
    )
    fake_api.add({"text": "never asked"}, api="openai")
    done = codex("exec", "--json", "--max-cost", "1", "hi", cwd=repo)
    assert done.returncode == 1
    log = events(done.stdout)
    assert log[-1]["status"] == "limit"
    assert any("cost limit reached" in e["message"] for e in of(log, "error"))
    assert [r.api for r in fake_api.requests] == ["anthropic"]


def test_fallback_after_retries_are_exhausted(fake_api: FakeAPI, repo: Path, codex: Any) -> None:
    overloaded = {"status": 529, "error": {"type": "overloaded_error", "message": "Overloaded"}}
    fake_api.add(overloaded, api="anthropic")
    fake_api.add(overloaded, api="anthropic")
    fake_api.add(PLAN, api="openai")
    fake_api.add({"text": "done"}, api="openai")
    config = repo / "fallback.yaml"
    config.write_text(
        "retries: {max_attempts: 2, base_delay: 0.01, max_delay: 0.05}\n"
        "fallbacks: {planning: ['openai:gpt-5.1']}\n"
    )
    done = codex("exec", "--json", "--config", str(config), "hi", cwd=repo)
    assert done.returncode == 0, done.stderr
    log = events(done.stdout)
    assert len(of(log, "retry")) == 1
    fallback = of(log, "fallback")[0]
    assert (fallback["from_provider"], fallback["to_provider"]) == (
        "anthropic:claude-sonnet-4-6",
        "openai:gpt-5.1",
    )
    assert log[-1]["fallbacks"] == [
        {"intent": "planning", "from": "anthropic:claude-sonnet-4-6", "to": "openai:gpt-5.1"}
    ]
    assert [r.api for r in fake_api.requests] == ["anthropic", "anthropic", "openai", "openai"]


def test_a_long_session_compacts_and_stays_valid(fake_api: FakeAPI, repo: Path, codex: Any) -> None:
    (repo / "big.txt").write_text("lorem ipsum dolor sit amet\n" * 300)  # ~2 000 tokens a read
    fake_api.add(PLAN, api="anthropic")
    for _ in range(4):
        call = {"name": "shell", "arguments": {"command": ["cat", "big.txt"]}}
        fake_api.add({"tool_calls": [call]}, api="openai")
    fake_api.add({"text": "Summary: the agent read big.txt four times."}, api="anthropic")
    fake_api.add({"text": "done"}, api="openai")
    config = repo / "small.yaml"
    config.write_text(
        "context:\n"
        "  keep_recent_messages: 2\n"
        "  windows: {gpt-5.1-codex: 8000, claude-sonnet-4-6: 8000}\n"
    )
    done = codex("exec", "--json", "--config", str(config), "read it", cwd=repo)
    assert done.returncode == 0, done.stderr
    log = events(done.stdout)
    compaction = of(log, "compaction")
    assert len(compaction) >= 1
    assert compaction[0]["tokens_after"] < compaction[0]["tokens_before"]
    summary_call = next(
        r for r in fake_api.requests if r.api == "anthropic" and "compact" in json.dumps(r.body)
    )
    assert not summary_call.body.get("tools")
    openai_calls = [r for r in fake_api.requests if r.api == "openai"]
    first = next(
        i for i, r in enumerate(openai_calls) if "Summary of the earlier" in json.dumps(r.body)
    )
    before, after = openai_calls[first - 1], openai_calls[first]
    assert len(json.dumps(after.body)) < len(json.dumps(before.body))
    items = after.body["input"]
    call_ids = {i["call_id"] for i in items if i.get("type") == "function_call"}
    output_ids = {i["call_id"] for i in items if i.get("type") == "function_call_output"}
    assert output_ids <= call_ids


def test_a_context_length_error_compacts_once_and_retries(
    fake_api: FakeAPI, repo: Path, codex: Any
) -> None:
    fake_api.add(PLAN, api="anthropic")
    for _ in range(3):
        fake_api.add(
            {"tool_calls": [{"name": "shell", "arguments": {"command": ["ls"]}}]}, api="openai"
        )
    too_long = {
        "message": "This model's maximum context length is 8192 tokens.",
        "type": "invalid_request_error",
        "code": "context_length_exceeded",
    }
    fake_api.add({"status": 400, "error": too_long}, api="openai")
    fake_api.add({"text": "Summary: listed the files three times."}, api="anthropic")
    fake_api.add({"text": "done"}, api="openai")
    done = codex("exec", "--json", "-c", "context.keep_recent_messages=2", "list", cwd=repo)
    assert done.returncode == 0, done.stderr
    log = events(done.stdout)
    assert len(of(log, "compaction")) == 1
    retried = fake_api.requests[-1]
    assert retried.api == "openai"
    assert "Summary of the earlier part" in json.dumps(retried.body)
    assert len(json.dumps(retried.body)) < len(json.dumps(fake_api.requests[-3].body))
