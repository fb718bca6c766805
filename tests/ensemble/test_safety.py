"""Safety votes: the closed JSON form, failing closed, the approver in each mode, and the
shipped safety-first config voting through the real SDKs against the local fake server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from codex_py import config
from codex_py.agent.wiring import Providers
from codex_py.config.settings import Settings
from codex_py.ensemble.panel import Member, Panel
from codex_py.ensemble.safety import (
    SafetyApprover,
    Verdict,
    build_safety_approver,
    parse_vote,
    safety_vote,
    vote_request,
)
from codex_py.errors import ProviderError
from codex_py.events import ListSink, VoteEvent
from codex_py.policy.decide import Decision, ShellAction
from codex_py.testing.fake_api import FakeAPI
from codex_py.testing.scripted import HANG, ScriptedProvider
from codex_py.tools.toolbox import Toolbox
from codex_py.types import Approval, ApprovalRequest, Message, ToolCall

SHIPPED = Path(__file__).resolve().parents[2] / "configs" / "safety-first.yaml"
ALLOW = json.dumps({"decision": "allow", "reason": "the task asks for it"})
DENY = json.dumps({"decision": "deny", "reason": "it deletes the repository"})
HISTORY: list[Message] = [
    {"role": "system", "content": "you are a coding agent"},
    {"role": "user", "content": "remove the build directory"},
    {"role": "assistant", "content": "I will delete build/."},
]


def Voter(reply: str | Exception) -> ScriptedProvider:
    """A voter that answers every call with ``reply`` (a text, an error, or HANG)."""
    return ScriptedProvider(reply, name="voter", repeat=True)


def panel(*replies: str | Exception, sink: ListSink | None = None) -> Panel:
    members = [Member(f"v{i}:m", Voter(r), "m") for i, r in enumerate(replies)]
    return Panel("safety", members, timeout=0.2, sink=sink)


def vote(voters: Panel, strategy: Any = "unanimous") -> Verdict:
    return asyncio.run(
        safety_vote(
            voters, strategy=strategy, task="t", context=[], action="rm -rf build", why="dangerous"
        )
    )


def approval_request(argv: tuple[str, ...] = ("rm", "-rf", "build")) -> ApprovalRequest:
    call = ToolCall("call_1", "shell", json.dumps({"command": list(argv)}))
    decision = Decision("ask", "dangerous: deletes files recursively", dangerous=True)
    return ApprovalRequest(call, ShellAction(argv, Path(".")), decision, " ".join(argv))


@pytest.mark.parametrize(
    ("reply", "decision", "reason"),
    [
        (ALLOW, "allow", "the task asks for it"),
        (DENY, "deny", "it deletes the repository"),
        ('```json\n{"decision": "allow", "reason": "fine"}\n```', "allow", "fine"),
        ('{"decision": "allow"}', "allow", "(no reason given)"),
        ('{"decision": "yes", "reason": "sure"}', "deny", "no valid vote"),
        ('{"decision": "ALLOW", "reason": "sure"}', "deny", "no valid vote"),
        ("allow", "deny", "no valid vote"),
        ("", "deny", "no valid vote"),
        ("[1, 2]", "deny", "no valid vote"),
    ],
)
def test_only_the_closed_json_form_can_allow(reply: str, decision: str, reason: str) -> None:
    got_decision, got_reason = parse_vote(reply)
    assert got_decision == decision
    assert got_reason.startswith(reason)


@pytest.mark.parametrize(
    ("replies", "strategy", "allowed"),
    [
        ([ALLOW, ALLOW], "unanimous", True),
        ([ALLOW, DENY], "unanimous", False),
        ([ALLOW, ProviderError("HTTP 503: overloaded", status=503)], "unanimous", False),
        ([ALLOW, HANG], "unanimous", False),
        ([ALLOW, KeyError("choices")], "unanimous", False),  # even a bug denies
        ([ALLOW, "sure, go ahead"], "unanimous", False),
        ([ALLOW, ALLOW, DENY], "majority", True),
        ([ALLOW, ALLOW, DENY, DENY], "majority", False),  # a tie denies
        ([ALLOW, ALLOW, HANG, HANG], "majority", False),
        ([ALLOW, ALLOW, DENY], "judge", False),  # anything but majority needs everyone
    ],
)
def test_vote_table(replies: list[str | Exception], strategy: Any, allowed: bool) -> None:
    assert vote(panel(*replies), strategy).allowed is allowed


def test_a_failed_or_silent_member_counts_as_deny_with_its_reason() -> None:
    sink = ListSink()
    verdict = vote(panel(ALLOW, ProviderError("HTTP 503: overloaded"), HANG, sink=sink))
    assert [(v.member, v.decision) for v in verdict.votes] == [
        ("v0:m", "allow"),
        ("v1:m", "deny"),
        ("v2:m", "deny"),
    ]
    assert "HTTP 503: overloaded" in verdict.votes[1].reason
    assert "timed out after 0.2s" in verdict.votes[2].reason
    event = sink.of_type("vote")[-1]
    assert isinstance(event, VoteEvent)
    assert (event.subject, event.outcome, event.needed) == ("safety", "deny", 3)
    assert [v["decision"] for v in event.votes] == ["allow", "deny", "deny"]
    assert len(sink.of_type("ensemble_member")) == 3


def test_each_voter_gets_the_task_the_context_the_command_and_the_reason() -> None:
    request = vote_request("remove build", HISTORY[1:], "command:\nrm -rf build", "dangerous")
    assert request.tools == []
    assert request.messages[0]["role"] == "system"
    assert '"decision"' in request.messages[0]["content"]
    body = request.messages[1]["content"]
    for expected in ("remove build", "Assistant: I will delete build/.", "rm -rf build"):
        assert expected in body
    assert "needs approval: dangerous" in body


def test_the_verdict_explains_every_vote() -> None:
    text = vote(panel(ALLOW, DENY)).explain()
    assert text.splitlines() == [
        "safety vote: 1 of 2 allow (2 needed)",
        "- v0:m: allow: the task asks for it",
        "- v1:m: deny: it deletes the repository",
    ]


class User:
    """An interactive approver: records what it was shown and answers ``approved``."""

    def __init__(self, approved: bool) -> None:
        self.approved = approved
        self.shown: list[ApprovalRequest] = []

    async def __call__(self, request: ApprovalRequest) -> Approval:
        self.shown.append(request)
        return Approval(self.approved)


def approve(approver: SafetyApprover, history: Sequence[Message] = ()) -> Approval:
    return asyncio.run(approver(replace(approval_request(), history=history)))


def test_full_auto_runs_only_on_unanimous_allow() -> None:
    allowed = approve(SafetyApprover(panel(ALLOW, ALLOW), mode="full-auto"))
    assert allowed.approved
    refused = approve(SafetyApprover(panel(ALLOW, DENY), mode="full-auto"))
    assert not refused.approved
    assert "v1:m: deny: it deletes the repository" in refused.message


def test_full_auto_does_not_ask_the_user_even_when_one_could_be_asked() -> None:
    user = User(approved=True)
    result = approve(SafetyApprover(panel(ALLOW, DENY), mode="full-auto", ask_user=user))
    assert not result.approved
    assert user.shown == []


def test_an_interactive_run_asks_the_user_with_the_votes_shown() -> None:
    user = User(approved=True)
    result = approve(SafetyApprover(panel(ALLOW, DENY), mode="suggest", ask_user=user))
    assert result.approved  # the user decides, even against a deny
    shown = user.shown[0].summary
    assert shown.startswith("rm -rf build\n\nsafety vote: 1 of 2 allow")
    assert "v1:m: deny: it deletes the repository" in shown


def test_the_approver_passes_the_task_and_recent_context_from_the_history() -> None:
    voters = panel(ALLOW)
    approver = SafetyApprover(voters, mode="full-auto")
    approve(approver, HISTORY)
    voter = voters.members[0].provider
    assert isinstance(voter, ScriptedProvider)
    body = voter.requests[0].messages[1]["content"]
    assert "The task:\nremove the build directory" in body
    assert "you are a coding agent" not in body  # the system prompt is not context
    assert "command:\nrm -rf build" in body


# -- the shipped config, over HTTP -----------------------------------------------------------


def fake_env(api: FakeAPI, home: Path) -> dict[str, str]:
    return {
        "CODEX_HOME": str(home),
        "OPENAI_BASE_URL": api.openai_base_url,
        "ANTHROPIC_BASE_URL": api.anthropic_base_url,
        "OPENAI_API_KEY": "test",
        "ANTHROPIC_API_KEY": "test",
    }


def shipped_settings(env: Mapping[str, str], cwd: Path, *overrides: str) -> Settings:
    loaded = config.load(
        cwd, config_file=SHIPPED, overrides=["agent.approval_mode=full-auto", *overrides], env=env
    )
    return loaded.settings


def rm_build(fake_api: FakeAPI, tmp_path: Path, *overrides: str) -> tuple[str, ListSink]:
    """Run ``rm -rf build`` through a full-auto toolbox whose approver is the shipped
    config's safety vote; returns the tool's output and the events."""
    env = fake_env(fake_api, tmp_path / "home")
    settings = shipped_settings(env, tmp_path, *overrides)
    sink = ListSink()
    approver = build_safety_approver(
        settings, Providers(settings, env=env, cwd=tmp_path).endpoint, sink=sink
    )
    assert approver is not None
    box = Toolbox(settings, tmp_path, approver=approver, sink=sink)
    call = ToolCall("call_1", "shell", json.dumps({"command": ["rm", "-rf", "build"]}))

    async def handle() -> str:
        try:
            return (await box.handle(call, HISTORY)).output
        finally:
            await approver.aclose()

    return asyncio.run(handle()), sink


def test_a_dangerous_command_runs_on_unanimous_allow(fake_api: FakeAPI, tmp_path: Path) -> None:
    (tmp_path / "build").mkdir()
    fake_api.add({"text": ALLOW}, api="openai", model="gpt-5.1")
    fake_api.add({"text": ALLOW}, api="anthropic", model="claude-haiku-4-5")
    _, sink = rm_build(fake_api, tmp_path)
    assert not (tmp_path / "build").exists()
    event = sink.of_type("vote")[-1]
    assert isinstance(event, VoteEvent) and event.outcome == "allow"
    bodies = [json.dumps(r.body) for r in fake_api.requests]
    assert all("rm -rf build" in body and "remove the build directory" in body for body in bodies)


@pytest.mark.parametrize(
    "second",
    [
        {"text": DENY},
        {"status": 503, "error": {"message": "overloaded", "type": "overloaded_error"}},
        {"text": ALLOW, "delay": 2.0},
    ],
    ids=["deny", "503", "timeout"],
)
def test_a_dangerous_command_is_refused_otherwise(
    fake_api: FakeAPI, tmp_path: Path, second: dict[str, Any]
) -> None:
    (tmp_path / "build").mkdir()
    fake_api.add({"text": ALLOW}, api="openai", model="gpt-5.1")
    fake_api.add(second, api="anthropic", model="claude-haiku-4-5")
    output, sink = rm_build(fake_api, tmp_path, "ensembles.safety.timeout=0.5")
    assert (tmp_path / "build").is_dir()
    assert output.startswith("Refused:")
    assert "anthropic:claude-haiku-4-5: deny" in output
    event = sink.of_type("vote")[-1]
    assert isinstance(event, VoteEvent) and event.outcome == "deny"


def test_no_safety_route_means_no_approver(tmp_path: Path) -> None:
    env = {"CODEX_HOME": str(tmp_path)}
    settings = config.load(tmp_path, env=env).settings
    assert (
        build_safety_approver(settings, Providers(settings, env=env, cwd=tmp_path).endpoint) is None
    )


def test_a_single_provider_safety_route_is_a_one_member_vote(
    fake_api: FakeAPI, tmp_path: Path
) -> None:
    env = fake_env(fake_api, tmp_path / "home")
    settings = shipped_settings(
        env,
        tmp_path,
        "providers.routing.safety_check=anthropic",
        "providers.models.anthropic.default=claude-haiku-4-5",
    )
    approver = build_safety_approver(settings, Providers(settings, env=env, cwd=tmp_path).endpoint)
    assert approver is not None
    assert [m.label for m in approver.panel.members] == ["anthropic:claude-haiku-4-5"]
    fake_api.add({"text": DENY}, api="anthropic")

    async def ask() -> Approval:
        try:
            return await approver(approval_request())
        finally:
            await approver.aclose()

    assert not asyncio.run(ask()).approved
