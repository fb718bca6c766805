"""Slash commands on a real Conversation (real agent, real files, the fake API where a model is
called), printing into a StringIO console."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Awaitable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from rich.console import Console

from codex_py import config
from codex_py.events import HistoryEvent, SessionEnd, ToolResultEvent, UsageEvent
from codex_py.interactive.controller import Conversation
from codex_py.interactive.slash import COMMANDS, run_slash
from codex_py.session.log import list_sessions, load_session
from codex_py.testing.fake_api import FakeAPI
from codex_py.tools.apply_patch.tool import run_apply_patch

T = TypeVar("T")
ALL_COMMANDS = ["/help", "/model", "/provider", "/routing", "/approval", "/plan", "/cost"]
ALL_COMMANDS += ["/compact", "/diff", "/undo", "/clear", "/sessions", "/resume", "/quit"]


def run(coroutine: Awaitable[T]) -> T:
    async def wrapped() -> T:
        return await coroutine

    return asyncio.run(wrapped())


@pytest.fixture
def env(tmp_path: Path, fake_api: FakeAPI) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {
        "CODEX_HOME": str(home),
        "OPENAI_API_KEY": "sk-test-key-0000000000000000",
        "ANTHROPIC_API_KEY": "sk-ant-test-key-000000000000",
        "OPENAI_BASE_URL": fake_api.openai_base_url,
        "ANTHROPIC_BASE_URL": fake_api.anthropic_base_url,
    }


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


@pytest.fixture
def conversation(workspace: Path, env: dict[str, str]) -> Iterator[Conversation]:
    settings = config.load(workspace, env=env).settings
    made = Conversation(settings, workspace, Console(file=io.StringIO(), width=100), env=env)
    yield made
    run(made.aclose())


def said(conversation: Conversation) -> str:
    file = conversation.console.file
    assert isinstance(file, io.StringIO)
    text = "\n".join(line.rstrip() for line in file.getvalue().splitlines())
    file.seek(0)
    file.truncate()
    return text


def slash(conversation: Conversation, line: str) -> str:
    assert run(run_slash(conversation, line)) == "continue"
    return said(conversation)


def test_help_lists_every_command(conversation: Conversation) -> None:
    shown = slash(conversation, "/help")
    for name in ALL_COMMANDS:
        assert name in shown and name in COMMANDS
    assert "Ctrl-R" in shown
    assert run(run_slash(conversation, "/quit")) == "quit"
    assert run(run_slash(conversation, "/exit")) == "quit"
    assert "unknown command /nope" in slash(conversation, "/nope")


def test_provider_and_model_rebuild_the_agent_and_keep_the_conversation(
    conversation: Conversation,
) -> None:
    conversation.agent.append({"role": "user", "content": "earlier"})
    before = conversation.agent

    assert slash(conversation, "/provider anthropic") == "provider: anthropic for every call"
    assert conversation.settings.providers.force == "anthropic"
    assert conversation.agent is not before
    assert conversation.agent.history[1:] == [{"role": "user", "content": "earlier"}]

    shown = slash(conversation, "/provider nowhere")
    assert shown.startswith("/provider: unknown provider 'nowhere' (use one of: anthropic, ")
    assert conversation.settings.providers.force == "anthropic"
    assert slash(conversation, "/provider routing") == "provider: routed by intent"
    assert slash(conversation, "/model gpt-test") == "model: gpt-test for every call"
    assert conversation.settings.providers.model == "gpt-test"
    shown = slash(conversation, "/model default")
    assert shown.startswith("model: per provider and intent")
    assert "planning" in shown and "claude" in shown  # the routing table follows


def test_routing_shows_the_table_and_recent_decisions(conversation: Conversation) -> None:
    from codex_py.events import RouteEvent

    conversation.emit(RouteEvent("planning", "anthropic", "claude-x", "first call after a user"))
    shown = slash(conversation, "/routing")
    lines = shown.splitlines()
    assert lines[0].split() == ["intent", "provider", "model", "set", "by"]
    assert any(line.split()[:2] == ["planning", "anthropic"] for line in lines)
    assert any(line.split()[:2] == ["tool_use", "openai"] for line in lines)
    assert "planning → anthropic/claude-x: first call after a user" in shown


def test_approval_mode_switches_and_unknown_modes_are_refused(conversation: Conversation) -> None:
    assert slash(conversation, "/approval auto-edit") == "approval mode: auto-edit"
    assert conversation.agent.tools.mode == "auto-edit"  # type: ignore[attr-defined]
    assert "unknown mode 'yolo'" in slash(conversation, "/approval yolo")
    assert slash(conversation, "/approval") == "approval mode: auto-edit"


def test_plan_forces_a_planning_call_next(conversation: Conversation) -> None:
    assert slash(conversation, "/plan") == "the next call will plan"
    assert conversation.agent.requested_intent == "planning"


def test_cost_adds_up_usage_by_model(conversation: Conversation) -> None:
    conversation.emit(
        UsageEvent("openai", "gpt-x", 1000, 200, cache_read_tokens=500, cost_usd=0.01)
    )
    conversation.emit(UsageEvent("openai", "gpt-x", 3000, 100, cost_usd=0.02))
    conversation.emit(UsageEvent("anthropic", "claude-x", 50, 5))
    rows = [line.split() for line in slash(conversation, "/cost").splitlines()]
    assert rows[1] == ["anthropic/claude-x", "1", "50", "0", "5", "cost", "unknown"]
    assert rows[2] == ["openai/gpt-x", "2", "4.0k", "500", "300", "$0.0300"]
    assert rows[3] == ["total", "3", "4.0k", "500", "305", "$0.0300"]


def test_diff_and_undo_work_from_the_session_record(conversation: Conversation) -> None:
    target = conversation.cwd / "notes.txt"
    target.write_text("first\n")
    assert slash(conversation, "/diff") == "no changes in this session"
    conversation.emit(HistoryEvent({"role": "user", "content": "edit notes"}))
    patch = "*** Begin Patch\n*** Update File: notes.txt\n@@\n-first\n+second\n*** End Patch"
    result = run_apply_patch(patch, conversation.cwd)
    conversation.emit(ToolResultEvent("call_9", 0, result.output, 0.01, result.metadata))
    assert target.read_text() == "second\n"

    assert slash(conversation, "/diff").splitlines()[-2:] == ["  -first", "  +second"]
    assert slash(conversation, "/undo") == "reverted: notes.txt"
    assert target.read_text() == "first\n"
    assert "notes.txt" in conversation.notes[0]
    assert slash(conversation, "/undo") == (
        "/undo: no patch of this session is left to undo (/diff shows what changed)"
    )
    logged = [json.loads(line) for line in conversation.log.path.read_text().splitlines()]
    assert {"type": "undo", "call_id": "call_9", "paths": ["notes.txt"]}.items() <= logged[
        -1
    ].items()


def test_clear_starts_a_new_session_and_resume_goes_back(conversation: Conversation) -> None:
    conversation.agent.append({"role": "user", "content": "the first conversation"})
    first_id = conversation.log.id
    assert slash(conversation, "/clear").endswith("new conversation")
    assert conversation.log.id != first_id
    assert [m["role"] for m in conversation.agent.history] == ["system"]

    shown = slash(conversation, "/sessions")
    assert first_id[:8] in shown and "the first conversation" in shown
    assert slash(conversation, f"/resume {first_id[:10]}") == (
        f"resumed {first_id[:8]}: 1 earlier prompts"
    )
    assert conversation.log.id == first_id
    assert conversation.agent.history[-1] == {"role": "user", "content": "the first conversation"}


def test_compact_summarises_through_the_synthesis_route(
    conversation: Conversation, fake_api: FakeAPI
) -> None:
    conversation.emit(HistoryEvent({"role": "user", "content": "a long task"}))
    for n in range(12):
        conversation.agent.append({"role": "user" if n % 2 else "assistant", "content": f"m{n}"})
    fake_api.add({"text": "What happened so far."}, api="anthropic")
    before = len(conversation.agent.history)

    async def compact_then_close() -> None:
        assert await run_slash(conversation, "/compact") == "continue"
        await conversation.aclose()  # in the loop that opened the connection

    run(compact_then_close())

    assert "context compacted" in said(conversation)
    assert len(conversation.agent.history) < before
    assert fake_api.requests[-1].api == "anthropic"
    assert any("What happened so far." in str(m["content"]) for m in conversation.agent.history)
    assert (
        load_session(conversation.home, conversation.log.id).history == conversation.agent.history
    )


def test_compact_with_too_little_history_says_so(conversation: Conversation) -> None:
    conversation.agent.append({"role": "user", "content": "short"})
    assert slash(conversation, "/compact") == "nothing to compact yet"


def test_the_status_line_cost_sessions_and_session_end_agree_on_the_totals(
    conversation: Conversation, fake_api: FakeAPI
) -> None:
    plan = {"input_tokens": 1_000_000, "output_tokens": 20_000, "cache_read_tokens": 400_000}
    fake_api.add({"text": "1. Look", "usage": plan}, api="anthropic")
    call = {"name": "shell", "arguments": {"command": ["echo", "hi"]}}
    fake_api.add({"tool_calls": [call], "usage": {"input_tokens": 3_000}}, api="openai")
    fake_api.add({"text": "It said hi.", "usage": {"input_tokens": 5_000}}, api="openai")

    async def run_then_close() -> None:
        await conversation.run("what does echo say?")
        await conversation.aclose()

    run(run_then_close())
    said(conversation)

    record = load_session(conversation.home, conversation.log.id)
    (end,) = [e for e in record.events if isinstance(e, SessionEnd)]
    (listed,) = list_sessions(conversation.home)
    status = conversation.renderer.status.totals
    resumed = record.totals()
    cost = end.cost
    tokens = cost["total"]["input_tokens"] + cost["total"]["output_tokens"]
    assert cost["total"]["calls"] == status.calls == resumed.calls == 3
    assert tokens == listed.tokens == 1_028_010
    assert status.usage == resumed.usage
    assert status.usage.input_tokens + status.usage.output_tokens == tokens
    assert cost["total_usd"] == pytest.approx(listed.cost_usd)
    assert status.cost_usd == pytest.approx(cost["total_usd"]) == resumed.cost_usd
    assert cost["total_usd"] > 2.2  # priced: the planning call alone costs $2.22
    assert cost["by_provider"] == resumed.to_dict()["by_provider"]
    total_row = slash(conversation, "/cost").splitlines()[-1].split()
    assert total_row[:2] == ["total", "3"] and total_row[-1] == f"${cost['total_usd']:.2f}"
