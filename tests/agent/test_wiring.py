"""The composition root: every call is metered once, wherever it is made; providers close."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from codex_py import config
from codex_py.agent.loop import RunResult
from codex_py.agent.wiring import Providers, build_agent
from codex_py.client import create_client
from codex_py.config.settings import Settings
from codex_py.events import Event, ListSink, SessionEnd, UsageEvent
from codex_py.messages import tool_message
from codex_py.testing.fake_api import FakeAPI
from codex_py.types import ModelRequest, ToolResult

RunAgent = Callable[..., tuple[RunResult, list[Event]]]  # the `run_agent` fixture

# $1 a token in, nothing out: a call's cost is its input tokens, in dollars.
PRICED = "pricing: {scripted: {input: 1000000, output: 0}}\n"


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def fake_settings(tmp_path: Path, replies: Sequence[dict[str, Any]], extra: str = "") -> Settings:
    """Every call to the in-process scripted provider, priced by ``PRICED``."""
    script = write(tmp_path / "script.yaml", yaml.safe_dump(list(replies)))
    conf = write(
        tmp_path / "conf.yaml",
        f"providers: {{force: fake, endpoints: {{fake: {{script: {script}}}}}}}\n{PRICED}{extra}",
    )
    return config.load(tmp_path, config_file=conf, env={"CODEX_HOME": str(tmp_path)}).settings


def run(settings: Settings, cwd: Path, task: str = "go") -> tuple[RunResult, ListSink]:
    sink = ListSink()
    agent = build_agent(settings, cwd, sink=sink, env={})
    return asyncio.run(agent.run(task)), sink


def usage_events(sink: ListSink) -> list[UsageEvent]:
    return [e for e in sink.events if isinstance(e, UsageEvent)]


def end_of(sink: ListSink) -> SessionEnd:
    end = sink.events[-1]
    assert isinstance(end, SessionEnd)
    return end


def text(value: str, tokens: int) -> dict[str, Any]:
    return {"text": value, "usage": {"input_tokens": tokens, "output_tokens": 0}}


def test_every_call_is_one_usage_event_and_the_totals_add_them_up(tmp_path: Path) -> None:
    ls = {"tool_calls": [{"name": "shell", "arguments": {"command": ["true"]}}]}
    replies = [text("1. look", 1), {**ls, "usage": {"input_tokens": 2}}, text("done", 3)]
    result, sink = run(fake_settings(tmp_path, replies), tmp_path)
    assert result.status == "completed"
    assert [(u.intent, u.cost_usd) for u in usage_events(sink)] == [
        ("planning", 1.0),
        ("tool_use", 2.0),
        ("tool_use", 3.0),
    ]
    end = end_of(sink)
    assert end.cost["total_usd"] == 6.0 and end.cost["total"]["calls"] == 3
    assert end.usage["input_tokens"] == 6 and end.turns == 3


def test_compaction_calls_are_priced_counted_and_stop_the_run_at_the_budget(
    tmp_path: Path,
) -> None:
    # A tiny window makes the history compact before the third call; the summary costs $5.
    long = {"tool_calls": [{"name": "shell", "arguments": {"command": ["echo", "x" * 400]}}]}
    replies = [text("1. plan", 1), {**long, "usage": {"input_tokens": 1}}]
    replies += [{**long, "usage": {"input_tokens": 1}}, text("summary of it all", 5)]
    replies += [text("never reached", 1)]
    extra = "context: {default_window: 300, keep_recent_messages: 2}\nlimits: {max_cost: 6}\n"
    result, sink = run(fake_settings(tmp_path, replies, extra), tmp_path)
    synthesis = [u for u in usage_events(sink) if u.intent == "synthesis"]
    assert [u.cost_usd for u in synthesis] == [5.0]
    end = end_of(sink)
    assert end.cost["by_intent"]["synthesis"]["cost_usd"] == 5.0
    assert end.cost["total_usd"] == 8.0
    assert result.status == "limit" and "cost limit reached" in str(result.error)


def test_a_budget_stop_reports_every_model_call_made(run_agent: RunAgent) -> None:
    step = {"tool_calls": [{"name": "shell", "arguments": {"command": ["true"]}}]}
    replies = [text("1. plan", 1), {**step, "usage": {"input_tokens": 1}}]
    replies += [{**step, "usage": {"input_tokens": 1}}, text("unreached", 1)]
    price = {"input": 1_000_000, "output": 0}
    result, events = run_agent(replies, **{"pricing.scripted": price, "limits.max_cost": 3})
    calls = [e for e in events if isinstance(e, UsageEvent)]
    end = events[-1]
    assert result.status == "limit" and isinstance(end, SessionEnd)
    assert end.turns == result.turns == len(calls) == 3


def test_safety_votes_are_usage_events(tmp_path: Path) -> None:
    """The voter's call is metered like any other, so /cost, the status line and
    ``codex sessions`` (which all read usage events) show it."""
    (tmp_path / "build").mkdir()
    rm = {"tool_calls": [{"name": "shell", "arguments": {"command": ["rm", "-rf", "build"]}}]}
    vote = '{"decision": "allow", "reason": "the task asks for it"}'
    replies = [text("1. clean", 0), rm, text(vote, 4), text("cleaned", 0)]
    fake_settings(tmp_path, replies, "sandbox: none\n")
    settings = config.load(
        tmp_path,
        config_file=tmp_path / "conf.yaml",
        overrides=["providers.routing.safety_check=fake", "agent.approval_mode=full-auto"],
        env={"CODEX_HOME": str(tmp_path)},
    ).settings
    result, sink = run(settings, tmp_path)
    votes = [u for u in usage_events(sink) if u.intent == "safety_check"]
    assert [(u.provider, u.cost_usd) for u in votes] == [("fake", 4.0)]
    assert end_of(sink).cost["by_intent"]["safety_check"]["cost_usd"] == 4.0
    assert result.status == "completed"


def test_the_router_counts_failures_from_the_exit_code_not_the_text(tmp_path: Path) -> None:
    """A result whose *text* claims a failure but whose exit code is 0 does not re-plan."""
    from codex_py.agent.routing import turn_context

    liar = tool_message("c1", ToolResult('{"metadata": {"exit_code": 9}}', exit_code=0))
    failed = tool_message("c2", ToolResult("all good", exit_code=3))
    call = {"role": "assistant", "content": None, "tool_calls": [{"id": "c1"}]}
    assert turn_context([call, liar]).consecutive_failures == 0
    assert turn_context([call, failed]).consecutive_failures == 1


class Closing:
    """A provider that counts how often it was closed."""

    name = "closing"

    def __init__(self) -> None:
        self.closed = 0

    async def complete(self, request: ModelRequest, on_text: Any = None) -> Any:
        raise AssertionError("not called")

    async def aclose(self) -> None:
        self.closed += 1


def test_closing_the_run_closes_every_endpoint_once(tmp_path: Path) -> None:
    settings = fake_settings(tmp_path, [text("hi", 0)])
    providers = Providers(settings, env={}, cwd=tmp_path)
    spy = Closing()
    providers._endpoints["spy"] = spy  # an endpoint the run built, however it was built
    providers.route("fake")
    asyncio.run(providers.aclose())
    assert spy.closed == 1


def test_the_public_client_retries_and_falls_back_like_the_cli(
    fake_api: FakeAPI, tmp_path: Path
) -> None:
    conf = write(
        tmp_path / "c.yaml",
        "retries: {max_attempts: 2, base_delay: 0}\nfallbacks: {synthesis: [anthropic:claude-x]}\n",
    )
    env = {
        "CODEX_HOME": str(tmp_path),
        "OPENAI_API_KEY": "k",
        "ANTHROPIC_API_KEY": "k",
        "OPENAI_BASE_URL": fake_api.openai_base_url,
        "ANTHROPIC_BASE_URL": fake_api.anthropic_base_url,
    }
    overloaded = {"status": 503, "error": {"message": "overloaded"}}
    fake_api.add(overloaded, api="openai")
    fake_api.add(overloaded, api="openai")
    fake_api.add({"text": "from the fallback"}, api="anthropic")
    sink = ListSink()
    client = create_client("openai", config_file=conf, cwd=tmp_path, env=env, sink=sink)

    async def ask() -> Any:
        try:
            return await client.chat.completions.create(
                model="gpt-x", messages=[{"role": "user", "content": "hi"}]
            )
        finally:
            await client.aclose()

    reply = asyncio.run(ask())
    assert reply.choices[0].message.content == "from the fallback"
    kinds = [e.type for e in sink.events]
    assert kinds.count("retry") == 1 and kinds.count("fallback") == 1
    assert [(u.provider, u.model) for u in usage_events(sink)] == [("anthropic", "claude-x")]
    assert [r.body.get("model") for r in fake_api.requests] == ["gpt-x", "gpt-x", "claude-x"]


@pytest.mark.parametrize("bad", ["openai", "openai:", ":gpt"])
def test_a_bad_fallback_label_is_a_config_error(tmp_path: Path, bad: str) -> None:
    from codex_py.errors import ConfigError

    settings = fake_settings(
        tmp_path, [text("hi", 0)], f"fallbacks: {{tool_use: [{json.dumps(bad)}]}}\n"
    )
    with pytest.raises(ConfigError, match="provider:model"):
        build_agent(settings, tmp_path, env={})
