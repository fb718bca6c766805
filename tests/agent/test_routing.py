"""Intent classification as a table, and routing decisions from config."""

from __future__ import annotations

from pathlib import Path

import pytest

from codex_py import config
from codex_py.agent.routing import SmartProviderRouter, classify, turn_context
from codex_py.config.settings import Settings
from codex_py.messages import tool_message
from codex_py.types import Message, ToolResult

SYSTEM: Message = {"role": "system", "content": "s"}
USER: Message = {"role": "user", "content": "do it"}
PLAN: Message = {"role": "assistant", "content": "1. look\n2. fix"}


def call(i: int) -> Message:
    tool_call = {
        "id": f"c{i}",
        "type": "function",
        "function": {"name": "shell", "arguments": "{}"},
    }
    return {"role": "assistant", "content": None, "tool_calls": [tool_call]}


def result(i: int, code: int) -> Message:
    return tool_message(f"c{i}", ToolResult("", exit_code=code))


CASES = [
    ("first call after the user", [SYSTEM, USER], "planning"),
    ("after the plan", [SYSTEM, USER, PLAN], "tool_use"),
    ("after a good result", [SYSTEM, USER, PLAN, call(1), result(1, 0)], "tool_use"),
    ("one failure", [SYSTEM, USER, PLAN, call(1), result(1, 1)], "tool_use"),
    (
        "two failures",
        [SYSTEM, USER, PLAN, call(1), result(1, 1), call(2), result(2, 2)],
        "planning",
    ),
    (
        "a success breaks the run of failures",
        [SYSTEM, USER, PLAN, call(1), result(1, 1), call(2), result(2, 0), call(3), result(3, 1)],
        "tool_use",
    ),
    (
        "a re-plan resets the count",
        [SYSTEM, USER, PLAN, call(1), result(1, 1), call(2), result(2, 1), PLAN],
        "tool_use",
    ),
    ("a new user message", [SYSTEM, USER, PLAN, call(1), result(1, 0), USER], "planning"),
]


@pytest.mark.parametrize(("name", "messages", "intent"), CASES, ids=[c[0] for c in CASES])
def test_classify(name: str, messages: list[Message], intent: str) -> None:
    got, reason = classify(turn_context(messages), replan_after_failures=2)
    assert got == intent
    assert reason


def test_replanning_can_be_switched_off() -> None:
    messages = [SYSTEM, USER, PLAN, call(1), result(1, 1), call(2), result(2, 1)]
    assert classify(turn_context(messages), replan_after_failures=0)[0] == "tool_use"


def test_forced_planning_and_text_only_calls() -> None:
    after_plan = [SYSTEM, USER, PLAN]
    asked = turn_context(after_plan, requested_intent="planning")
    assert classify(asked, 2) == ("planning", "the caller asked for planning")
    assert classify(turn_context(after_plan, tools_available=False), 2)[0] == "synthesis"


def settings(tmp_path: Path, *overrides: str) -> Settings:
    return config.load(tmp_path, env={"CODEX_HOME": str(tmp_path)}, overrides=overrides).settings


def test_router_uses_routing_and_models(tmp_path: Path) -> None:
    router = SmartProviderRouter(settings(tmp_path, "providers.models.openai.tool_model=tm"))
    plan = router.route(turn_context([SYSTEM, USER]))
    assert (plan.intent, plan.provider) == ("planning", "anthropic")
    assert plan.model == "claude-sonnet-4-6"
    assert "routing.planning = anthropic" in plan.reason
    act = router.route(turn_context([SYSTEM, USER, PLAN]))
    assert (act.intent, act.provider, act.model) == ("tool_use", "openai", "tm")


def test_forced_provider_takes_every_call(tmp_path: Path) -> None:
    router = SmartProviderRouter(settings(tmp_path, "providers.force=openai"))
    for messages in ([SYSTEM, USER], [SYSTEM, USER, PLAN]):
        route = router.route(turn_context(messages))
        assert route.provider == "openai"
        assert "providers.force" in route.reason


def test_unset_route_falls_back_to_default(tmp_path: Path) -> None:
    router = SmartProviderRouter(settings(tmp_path, "providers.routing.planning=null"))
    route = router.route(turn_context([SYSTEM, USER]))
    assert route.provider == "openai"
    assert "providers.default" in route.reason


def test_a_requested_intent_wins() -> None:
    ctx = turn_context([SYSTEM, USER], requested_intent="synthesis")
    assert classify(ctx, 2) == ("synthesis", "the caller asked for synthesis")
