"""History compaction: size estimates, what is kept, pairs never split, and wire validity."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codex_py.agent.compaction import (
    SUMMARY_PREFIX,
    compact,
    estimate_tokens,
    needs_compaction,
)
from codex_py.errors import ProviderError
from codex_py.providers.wire import messages as anthropic_wire
from codex_py.providers.wire import openai as openai_wire
from codex_py.testing.scripted import ScriptedProvider
from codex_py.types import Message, ModelRequest

SYSTEM: Message = {"role": "system", "content": "You are a coding agent."}
TASK: Message = {"role": "user", "content": "Fix the failing test in calc.py"}
PLAN: Message = {"role": "assistant", "content": "1. run the tests\n2. read calc.py\n3. fix it"}
TOOLS = [{"name": "shell", "description": "run", "parameters": {"type": "object"}}]


def Summariser(text: str = "They ran the tests; calc.add was wrong.") -> ScriptedProvider:
    """A summariser that answers every call with ``text`` and keeps the requests."""
    return ScriptedProvider(text, name="summariser", repeat=True)


def calls(turn: int, width: int, output: str = "ok") -> list[Message]:
    """One assistant message making ``width`` parallel calls, then their results."""
    ids = [f"call_{turn}_{i}" for i in range(width)]
    tool_calls = [
        {
            "id": i,
            "type": "function",
            "function": {"name": "shell", "arguments": '{"command": ["ls"]}'},
        }
        for i in ids
    ]
    results = [{"role": "tool", "tool_call_id": i, "content": f"{output} {i}"} for i in ids]
    return [{"role": "assistant", "content": None, "tool_calls": tool_calls}, *results]


def session(turns: int, width: int = 2, output: str = "ok") -> list[Message]:
    history = [SYSTEM, TASK, PLAN]
    for turn in range(turns):
        history += calls(turn, width, output)
    return history


def run_compact(
    messages: Sequence[Message], keep: int, summariser: ScriptedProvider | None = None
) -> tuple[list[Message], int]:
    return asyncio.run(compact(messages, summariser or Summariser(), keep))


# --- estimates -------------------------------------------------------------------------------


def test_estimate_is_chars_over_four_plus_overhead() -> None:
    assert estimate_tokens([]) == 0
    assert estimate_tokens([{"role": "user", "content": "x" * 40}]) == 10 + 4
    assert estimate_tokens([{"role": "user", "content": "x" * 41}]) == 11 + 4
    assert estimate_tokens([{"role": "assistant", "content": None}]) == 4
    parts = {"role": "user", "content": [{"type": "text", "text": "y" * 8}]}
    assert estimate_tokens([parts]) == 2 + 4
    with_calls = calls(0, 1)[0]
    assert estimate_tokens([with_calls]) == -(-len(json.dumps(with_calls["tool_calls"])) // 4) + 4


def test_needs_compaction_at_the_threshold() -> None:
    messages = [{"role": "user", "content": "x" * 336}]  # 84 + 4 = 88 tokens
    assert not needs_compaction(messages, window=104, threshold=0.85)  # 88.4
    assert needs_compaction(messages, window=103, threshold=0.85)  # 87.55
    assert needs_compaction(session(40), window=1000, threshold=0.85)


# --- compaction ------------------------------------------------------------------------------


def test_compact_keeps_system_task_plan_and_recent_turns() -> None:
    history = session(10)  # 3 + 10 * 3 messages
    summariser = Summariser()
    compacted, summarised = run_compact(history, keep=6, summariser=summariser)
    assert compacted[:3] == [SYSTEM, TASK, PLAN]
    summary = compacted[3]
    assert summary["role"] == "user" and summary["content"].startswith(SUMMARY_PREFIX)
    assert "calc.add was wrong" in summary["content"]
    assert compacted[4:] == history[-6:]
    assert summarised == len(history) - 3 - 6
    assert f"({summarised} messages were compacted)" in summary["content"]
    assert estimate_tokens(compacted) < estimate_tokens(history)


def test_the_summary_call_is_one_text_only_call() -> None:
    summariser = Summariser()
    run_compact(session(6, output="FOUND-IT"), keep=3, summariser=summariser)
    [request] = summariser.requests
    assert request.tools == [] and request.intent == "synthesis"
    assert [m["role"] for m in request.messages] == ["system", "user"]
    transcript = request.messages[1]["content"]
    assert "[tool result call_0_1]" in transcript and "FOUND-IT call_0_1" in transcript
    assert '(tool call call_0_0: shell {"command": ["ls"]})' in transcript
    assert "Fix the failing test" not in transcript  # the task is kept, not summarised


def test_the_cut_moves_back_over_tool_results() -> None:
    history = session(5, width=3)  # each turn: 1 call message + 3 results
    compacted, _ = run_compact(history, keep=2)  # the last 2 messages are results
    tail = compacted[4:]
    assert tail == history[-4:]  # the whole last turn: its call and all three results
    assert tail[0]["tool_calls"]


def test_nothing_to_summarise_leaves_the_history_alone() -> None:
    summariser = Summariser()
    history = session(2)
    assert run_compact(history, keep=len(history), summariser=summariser) == (history, 0)
    assert run_compact(history[:3], keep=0, summariser=summariser) == (history[:3], 0)
    assert summariser.requests == []


def test_long_outputs_are_clipped_for_the_summariser() -> None:
    summariser = Summariser()
    history = session(3, output="z" * 50_000)
    asyncio.run(compact(history, summariser, keep_recent=1, clip_chars=1000))
    transcript = summariser.requests[0].messages[1]["content"]
    assert "characters left out" in transcript
    assert len(transcript) < 6 * 1200


def test_an_empty_summary_is_an_error() -> None:
    with pytest.raises(ProviderError, match="no summary"):
        run_compact(session(5), keep=2, summariser=Summariser("  "))


def test_compacting_twice_summarises_the_first_summary() -> None:
    summariser = Summariser("first summary")
    once, _ = run_compact(session(8), keep=4, summariser=summariser)
    twice, _ = run_compact(once + calls(99, 2) * 3, keep=2, summariser=Summariser("second"))
    assert [m["role"] for m in twice[:4]] == ["system", "user", "assistant", "user"]
    assert twice[3]["content"].endswith("second")
    assert sum(1 for m in twice if str(m.get("content") or "").startswith(SUMMARY_PREFIX)) == 1


def test_a_reply_to_an_earlier_summary_is_not_taken_for_the_plan() -> None:
    once, _ = run_compact(session(8), keep=4)
    note: Message = {"role": "assistant", "content": "carrying on"}
    later = [*once[:4], note, *once[4:], *calls(50, 1), *calls(51, 1)]
    twice, _ = run_compact(later, keep=2)
    assert twice[:3] == [SYSTEM, TASK, PLAN]


def test_the_latest_plan_after_a_user_message_is_kept() -> None:
    follow_up: Message = {"role": "user", "content": "now also fix sub()"}
    replan: Message = {"role": "assistant", "content": "1. read sub\n2. fix it"}
    done: Message = {"role": "assistant", "content": "fixed add()"}
    history = [
        SYSTEM,
        TASK,
        PLAN,
        *calls(0, 1),
        done,
        follow_up,
        replan,
        *calls(1, 1),
        *calls(2, 1),
    ]
    compacted, _ = run_compact(history, keep=2)
    assert compacted[:3] == [SYSTEM, TASK, replan]


def test_without_a_planning_reply_the_first_text_is_the_plan() -> None:
    note: Message = {"role": "assistant", "content": "the tests fail in add()"}
    history = [SYSTEM, TASK, *calls(0, 1), note, *calls(1, 1), *calls(2, 1), *calls(3, 1)]
    compacted, _ = run_compact(history, keep=2)
    assert compacted[:3] == [SYSTEM, TASK, note]


# --- validity: every tool result still follows its call ---------------------------------------


def assert_pairs_intact(messages: Sequence[Message]) -> None:
    """Each run of tool results answers exactly the calls of the assistant message before it."""
    open_calls: set[str] = set()
    for message in messages:
        if message["role"] == "tool":
            assert message["tool_call_id"] in open_calls, message
            open_calls.discard(message["tool_call_id"])
            continue
        assert not open_calls, f"calls without results: {open_calls}"
        open_calls = {call["id"] for call in message.get("tool_calls") or []}


def assert_chat_valid(kwargs: dict[str, Any]) -> None:
    assert_pairs_intact(kwargs["messages"])


def assert_responses_valid(kwargs: dict[str, Any]) -> None:
    seen: set[str] = set()
    for item in kwargs["input"]:
        if item.get("type") == "function_call":
            seen.add(item["call_id"])
        elif item.get("type") == "function_call_output":
            assert item["call_id"] in seen, item


def assert_anthropic_valid(kwargs: dict[str, Any]) -> None:
    turns = kwargs["messages"]
    assert turns[0]["role"] == "user"
    assert all(a["role"] != b["role"] for a, b in itertools.pairwise(turns))
    for before, turn in zip([None, *turns], turns, strict=False):
        uses = {b["id"] for b in (before or {}).get("content", []) if b["type"] == "tool_use"}
        results = {b["tool_use_id"] for b in turn["content"] if b["type"] == "tool_result"}
        assert results == uses, (before, turn)


def assert_valid_on_every_wire(messages: list[Message]) -> None:
    request = ModelRequest(messages=messages, tools=TOOLS, model="m")
    assert_chat_valid(openai_wire.to_wire(request, wire_api="chat", max_output_tokens=100))
    assert_responses_valid(
        openai_wire.to_wire(request, wire_api="responses", max_output_tokens=100)
    )
    assert_anthropic_valid(anthropic_wire.to_wire(request, max_tokens=100))


def test_the_fixture_checks_catch_a_split_pair() -> None:
    broken = [SYSTEM, TASK, *calls(0, 2)[0:2], {"role": "user", "content": "x"}]
    with pytest.raises(AssertionError):
        assert_pairs_intact(broken)
    orphan = [SYSTEM, TASK, calls(0, 1)[1]]
    with pytest.raises(AssertionError):
        assert_valid_on_every_wire(orphan)


def test_a_compacted_history_is_valid_on_every_wire() -> None:
    history = session(12, width=3)
    assert_valid_on_every_wire(history)
    for keep in range(0, 14):
        compacted, _ = run_compact(history, keep=keep)
        assert_pairs_intact(compacted)
        assert_valid_on_every_wire(compacted)


Turn = tuple[str, int]  # ("calls", width) or ("text", 0) or ("user", 0)
TURNS = st.lists(
    st.one_of(
        st.tuples(st.just("calls"), st.integers(1, 3)),
        st.tuples(st.sampled_from(["text", "user"]), st.just(0)),
    ),
    max_size=25,
)


def build(turns: list[Turn]) -> list[Message]:
    history: list[Message] = [SYSTEM, TASK]
    for n, (kind, width) in enumerate(turns):
        if kind == "calls":
            history += calls(n, width)
        else:
            role = "assistant" if kind == "text" else "user"
            history.append({"role": role, "content": f"{kind} {n}"})
    return history


@settings(max_examples=150, deadline=None)
@given(turns=TURNS, keep=st.integers(0, 30))
def test_compaction_never_splits_a_call_from_its_results(turns: list[Turn], keep: int) -> None:
    history = build(turns)
    compacted, summarised = run_compact(history, keep)
    assert_pairs_intact(compacted)
    assert_valid_on_every_wire(compacted)
    assert compacted[:2] == [SYSTEM, TASK]
    kept = len(compacted) - (1 if summarised else 0)
    assert kept + summarised == len(history)
    assert len(compacted) <= len(history)
