"""The ensemble provider over small in-process providers (real Provider classes, no mocks):
agreement and disagreement tables for each strategy, ties, quorums, the judge, refusals."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from codex_py import config
from codex_py.agent.loop import Agent
from codex_py.agent.wiring import Providers
from codex_py.ensemble.build import build_ensemble
from codex_py.ensemble.panel import Member
from codex_py.ensemble.provider import EnsembleProvider
from codex_py.ensemble.votes import (
    ANSWER,
    Proposal,
    action_key,
    agreed,
    quorum,
)
from codex_py.errors import ConfigError, ProviderError
from codex_py.events import EnsembleMemberEvent, ListSink, VoteEvent
from codex_py.testing.fake_api import FakeAPI
from codex_py.testing.scripted import HANG, ScriptedProvider
from codex_py.tools.registry import builtin_tools
from codex_py.types import (
    REFUSED_STEP,
    Message,
    ModelRequest,
    ModelResponse,
    ToolCall,
    ToolResult,
    ToolSpec,
    Usage,
)

HERE = Path(__file__).resolve().parent
SHELL_SPEC: ToolSpec = {"name": "shell", "description": "run", "parameters": {"type": "object"}}
TOOL_TURN = ModelRequest(messages=[{"role": "user", "content": "clean up"}], tools=[SHELL_SPEC])
TEXT_TURN = ModelRequest(messages=[{"role": "user", "content": "plan it"}])
PATCH = "*** Begin Patch\n*** Update File: a.py\n@@\n-x = 1\n+x = 2\n*** End Patch"

Step = ModelResponse | ProviderError | str


def Script(*steps: Step) -> ScriptedProvider:
    return ScriptedProvider(*steps, name="script")


def call(name: str, **arguments: Any) -> ToolCall:
    return ToolCall(f"call_{name}", name, json.dumps(arguments))


def shell(*argv: str, **extra: Any) -> ModelResponse:
    return ModelResponse("", [call("shell", command=list(argv), **extra)], Usage(10, 2))


def text(value: str) -> ModelResponse:
    return ModelResponse(value, usage=Usage(10, 3))


def fail(message: str = "HTTP 503: overloaded") -> ProviderError:
    return ProviderError(message, status=503)


# The built-in tools' canonical forms, in a workspace that exists.
TOOLS = builtin_tools(config.load(HERE, env={"CODEX_HOME": str(HERE)}).settings, HERE)


def ensemble(
    steps: Sequence[Step | ScriptedProvider],
    *,
    strategy: Any = "majority",
    judge: ScriptedProvider | None = None,
    timeout: float = 5.0,
    sink: ListSink | None = None,
    **options: Any,
) -> EnsembleProvider:
    scripts = [s if isinstance(s, ScriptedProvider) else Script(s) for s in steps]
    members = [Member(f"p{i}:m{i}", s, f"m{i}") for i, s in enumerate(scripts)]
    judge_member = Member("judge:j", judge, "j") if judge else None
    return EnsembleProvider(
        "team",
        members,
        strategy=strategy,
        judge=judge_member,
        timeout=timeout,
        sink=sink,
        canonical=TOOLS.canonical_call,
        **options,
    )


def run(provider: EnsembleProvider, request: ModelRequest = TOOL_TURN) -> ModelResponse:
    return asyncio.run(provider.complete(request))


def argv_of(response: ModelResponse) -> list[str]:
    return list(response.tool_calls[0].parsed()["command"])


# -- canonical forms (the tools' own forms: tests/tools/test_registry.py) ---------------


def test_a_turn_without_tool_calls_is_the_answer_action() -> None:
    assert action_key(text("done")) == ANSWER
    two = ModelResponse("", [call("shell", command=["ls"]), call("shell", command=["pwd"])])
    assert action_key(two, TOOLS.canonical_call).splitlines() == ["shell ls", "shell pwd"]


@pytest.mark.parametrize(
    ("strategy", "configured", "needed"),
    [
        ("unanimous", 3, 3),
        ("majority", 2, 2),
        ("majority", 3, 2),
        ("majority", 4, 3),
        ("majority", 5, 3),
        ("judge", 3, 1),
        ("first", 3, 1),
    ],
)
def test_quorum_counts_configured_members(strategy: Any, configured: int, needed: int) -> None:
    assert quorum(strategy, configured) == needed


def test_a_tie_has_no_winner() -> None:
    assert agreed(["a", "a", "b", "b"], quorum("majority", 4)) is None
    assert agreed(["a", "a", "b"], quorum("majority", 4)) is None  # one member failed
    assert agreed(["a", "a", "a", "b"], quorum("majority", 4)) == "a"


# -- tool turns: agreement tables ------------------------------------------------------------

LS, LS_WRAPPED, RM = shell("ls", "-la"), shell("bash", "-lc", "ls  -la"), shell("rm", "-rf", ".")


@pytest.mark.parametrize(
    ("strategy", "steps", "agrees"),
    [
        ("unanimous", [LS, LS_WRAPPED, LS], True),
        ("unanimous", [LS, LS, RM], False),
        ("majority", [LS, LS_WRAPPED, RM], True),
        ("majority", [LS, RM, shell("pwd")], False),
        ("majority", [LS, LS, RM, RM], False),  # a tie denies
        ("majority", [LS, LS, LS, RM], True),
        ("majority", [LS, LS], True),
        ("majority", [LS, RM], False),
    ],
)
def test_agreement_table(strategy: Any, steps: list[Step], agrees: bool) -> None:
    sink = ListSink()
    response = run(ensemble(steps, strategy=strategy, sink=sink))
    vote = sink.of_type("vote")[-1]
    assert isinstance(vote, VoteEvent)
    if agrees:
        assert argv_of(response) == argv_of(steps[0])  # type: ignore[arg-type]
        assert vote.outcome == "agreed"
    else:
        assert response.tool_calls == []
        assert response.stop_reason == REFUSED_STEP
        assert vote.outcome == "refused"
    assert len(vote.votes) == len(steps)


def test_the_winning_call_is_returned_with_every_members_usage_summed() -> None:
    sink = ListSink()
    response = run(ensemble([LS, LS_WRAPPED, RM], sink=sink))
    assert response.provider == "team"
    assert response.model == "m0"
    assert response.usage == Usage(30, 6)
    events = [e for e in sink.events if isinstance(e, EnsembleMemberEvent)]
    assert [(e.member, e.ok, e.input_tokens) for e in events] == [
        ("p0:m0", True, 10),
        ("p1:m1", True, 10),
        ("p2:m2", True, 10),
    ]
    assert events[2].answer == "shell rm -rf ."


def test_each_member_is_asked_for_its_own_model() -> None:
    scripts = [Script(LS), Script(LS)]
    run(ensemble(scripts))
    assert [s.requests[0].model for s in scripts] == ["m0", "m1"]


def test_a_refusal_names_every_proposal_and_is_not_a_final_answer() -> None:
    response = run(ensemble([LS, RM, fail()], strategy="majority"))
    assert response.stop_reason == REFUSED_STEP
    assert response.tool_calls == []  # the agent records it and calls again
    assert "p0:m0: shell ls -la" in response.text
    assert "p1:m1: shell rm -rf ." in response.text
    assert "p2:m2: no answer (HTTP 503: overloaded)" in response.text
    assert response.usage == Usage(20, 4)


# -- failures and quorum ---------------------------------------------------------------------


def test_majority_goes_on_without_a_failed_member_while_it_can_reach_quorum() -> None:
    response = run(ensemble([LS, fail(), LS_WRAPPED]))
    assert argv_of(response) == ["ls", "-la"]


def test_a_quorum_that_cannot_be_reached_is_a_clear_error() -> None:
    with pytest.raises(ProviderError) as caught:
        run(ensemble([LS, fail(), fail("connection refused")]))
    message = caught.value.message
    assert "1 of 3 members answered and majority needs 2" in message
    assert "p1:m1: HTTP 503: overloaded" in message
    assert "p2:m2: connection refused" in message


def test_unanimous_fails_when_any_member_fails() -> None:
    with pytest.raises(ProviderError, match="unanimous needs 3"):
        run(ensemble([LS, LS, fail()], strategy="unanimous"))


def test_a_member_that_hangs_times_out_and_counts_as_failed() -> None:
    sink = ListSink()
    response = run(ensemble([LS, LS, HANG], timeout=0.05, sink=sink))
    assert argv_of(response) == ["ls", "-la"]
    failed = [e for e in sink.events if isinstance(e, EnsembleMemberEvent) and not e.ok]
    assert [(e.member, e.error) for e in failed] == [("p2:m2", "timed out after 0.05s")]


# -- judge -----------------------------------------------------------------------------------


def test_judge_strategy_shows_every_proposal_to_the_judge_and_returns_its_step() -> None:
    judge = Script(shell("ls"))
    sink = ListSink()
    response = run(ensemble([LS, RM], strategy="judge", judge=judge, sink=sink))
    assert argv_of(response) == ["ls"]
    assert response.model == "j"
    assert response.usage == Usage(30, 6)
    note = judge.requests[0].messages[-1]["content"]
    assert "Proposal 1 (p0:m0)" in note and "shell ls -la" in note
    assert "Proposal 2 (p1:m1)" in note and "shell rm -rf ." in note
    assert judge.requests[0].tools == [SHELL_SPEC]
    roles = [e.role for e in sink.events if isinstance(e, EnsembleMemberEvent)]
    assert roles == ["member", "member", "judge"]


def test_without_a_judge_the_first_member_judges() -> None:
    first = Script(LS, shell("pwd"))
    response = run(ensemble([first, Script(RM)], strategy="judge"))
    assert argv_of(response) == ["pwd"]
    assert len(first.requests) == 2


def test_on_disagreement_judge_lets_the_judge_decide() -> None:
    judge = Script(shell("ls"))
    response = run(ensemble([LS, RM], judge=judge, on_disagreement="judge"))
    assert argv_of(response) == ["ls"]


def test_a_failing_judge_is_a_clear_error() -> None:
    with pytest.raises(ProviderError, match="the judge judge:j failed: HTTP 503"):
        run(ensemble([LS, RM], strategy="judge", judge=Script(fail())))


# -- text-only turns -------------------------------------------------------------------------


def verdict(agreeing: list[int], answer: str) -> ModelResponse:
    return text(json.dumps({"agreeing": agreeing, "answer": answer}))


def test_text_answers_that_the_judge_finds_in_agreement_give_its_synthesis() -> None:
    judge = Script(verdict([1, 2], "1. read the code 2. fix it"))
    sink = ListSink()
    provider = ensemble([text("read, then fix"), text("Read it and fix it.")], judge=judge)
    provider.panel.sink = sink
    response = run(provider, TEXT_TURN)
    assert response.text == "1. read the code 2. fix it"
    assert response.usage == Usage(30, 9)
    assert judge.requests[0].tools == []
    assert '"agreeing"' in judge.requests[0].messages[-1]["content"]
    vote = sink.of_type("vote")[-1]
    assert isinstance(vote, VoteEvent) and (vote.subject, vote.outcome) == ("text", "agreed")


def test_identical_text_answers_need_no_judge() -> None:
    judge = Script()
    response = run(ensemble([text("Done."), text(" Done.\n")], judge=judge), TEXT_TURN)
    assert response.text == "Done."
    assert judge.requests == []


def test_text_answers_without_enough_agreement_are_refused() -> None:
    judge = Script(verdict([1], "delete it"))
    response = run(ensemble([text("delete it"), text("keep it")], judge=judge), TEXT_TURN)
    assert response.stop_reason == REFUSED_STEP
    assert "p0:m0: delete it" in response.text and "p1:m1: keep it" in response.text


def test_text_disagreement_with_on_disagreement_judge_returns_the_synthesis() -> None:
    judge = Script(verdict([], "keep it, but archive it"))
    provider = ensemble([text("delete it"), text("keep it")], judge=judge, on_disagreement="judge")
    assert run(provider, TEXT_TURN).text == "keep it, but archive it"


@pytest.mark.parametrize(
    "reply", ["they agree", '{"agreeing": [3], "answer": "x"}', '{"agreeing": [1]}']
)
def test_a_verdict_not_in_the_json_form_is_a_clear_error(reply: str) -> None:
    provider = ensemble([text("a"), text("b")], judge=Script(text(reply)))
    with pytest.raises(ProviderError, match="did not answer with the JSON verdict"):
        run(provider, TEXT_TURN)


# -- first -----------------------------------------------------------------------------------


def test_first_returns_the_first_valid_answer_and_cancels_the_rest() -> None:
    slow = Script(HANG)
    sink = ListSink()
    response = run(ensemble([slow, fail(), RM], strategy="first", sink=sink))
    assert argv_of(response) == ["rm", "-rf", "."]
    assert response.model == "m2"
    vote = sink.of_type("vote")[-1]
    assert isinstance(vote, VoteEvent) and vote.reason == "p2:m2 answered first"


def test_first_fails_when_every_member_fails() -> None:
    with pytest.raises(ProviderError, match="0 of 2 members answered"):
        run(ensemble([fail(), fail()], strategy="first"))


# -- ask -------------------------------------------------------------------------------------


class Chooser:
    def __init__(self, pick: int | None) -> None:
        self.pick = pick
        self.seen: list[Proposal] = []

    async def __call__(self, proposals: list[Proposal]) -> int | None:
        self.seen = proposals
        return self.pick


def test_ask_shows_each_distinct_proposal_and_returns_the_one_picked() -> None:
    chooser = Chooser(1)
    sink = ListSink()
    response = run(
        ensemble([LS, LS_WRAPPED, RM, RM], on_disagreement="ask", chooser=chooser, sink=sink)
    )
    assert [(p.members, p.summary) for p in chooser.seen] == [
        (("p0:m0", "p1:m1"), "shell ls -la"),
        (("p2:m2", "p3:m3"), "shell rm -rf ."),
    ]
    assert argv_of(response) == ["rm", "-rf", "."]
    vote = sink.of_type("vote")[-1]
    assert isinstance(vote, VoteEvent) and vote.outcome == "chosen"


def test_rejecting_every_proposal_refuses() -> None:
    response = run(ensemble([LS, RM], on_disagreement="ask", chooser=Chooser(None)))
    assert response.stop_reason == REFUSED_STEP
    assert "the user rejected every proposal" in response.text


def test_ask_needs_a_chooser() -> None:
    with pytest.raises(ConfigError, match="needs someone to ask"):
        ensemble([LS], on_disagreement="ask")


# -- with the agent loop ---------------------------------------------------------------------


class Tools:
    def __init__(self) -> None:
        self.ran: list[list[str]] = []

    def specs(self) -> list[ToolSpec]:
        return [SHELL_SPEC]

    async def handle(self, call: ToolCall, history: Sequence[Message] = ()) -> ToolResult:
        self.ran.append(call.parsed()["command"])
        return ToolResult("ok")


def test_the_agent_runs_what_members_agree_on_and_is_told_about_a_refusal() -> None:
    done = ModelResponse("all clean", usage=Usage(1, 1))
    first = Script(LS, RM, done)
    second = Script(LS_WRAPPED, shell("git", "clean", "-fdx"), done)
    tools = Tools()
    agent = Agent(ensemble([first, second]), tools, system_prompt="sys")
    result = asyncio.run(agent.run("clean up"))
    assert result.status == "completed"
    assert result.final_text == "all clean"
    assert tools.ran == [["ls", "-la"]]  # the disputed step never ran
    refusal = second.requests[2].messages[-1]
    assert refusal["role"] == "assistant"
    assert "did not agree" in refusal["content"] and "shell rm -rf ." in refusal["content"]


# -- members over HTTP: the shipped `quality` ensemble against the local fake server ---------

SHIPPED = Path(__file__).resolve().parents[2] / "configs" / "safety-first.yaml"
GPT, CLAUDE, CODEX = "gpt-5.1", "claude-sonnet-4-6", "gpt-5.1-codex"


def quality(fake_api: FakeAPI, tmp_path: Path, sink: ListSink) -> EnsembleProvider:
    env = {
        "CODEX_HOME": str(tmp_path),
        "OPENAI_BASE_URL": fake_api.openai_base_url,
        "ANTHROPIC_BASE_URL": fake_api.anthropic_base_url,
        "OPENAI_API_KEY": "test",
        "ANTHROPIC_API_KEY": "test",
    }
    # each member is tried once, so a scripted 503 is that member's answer
    overrides = ["retries.max_attempts=1"]
    settings = config.load(tmp_path, config_file=SHIPPED, overrides=overrides, env=env).settings
    return build_ensemble(
        settings,
        "quality",
        Providers(settings, env=env, cwd=tmp_path).endpoint,
        sink=sink,
        canonical=builtin_tools(settings, tmp_path).canonical_call,
    )


Replies = dict[str, list[dict[str, Any]]]
"""Scripted replies per model."""


def over_http(
    fake_api: FakeAPI, tmp_path: Path, replies: Replies, request: ModelRequest
) -> tuple[ModelResponse, ListSink]:
    for model, queued in replies.items():
        for reply in queued:
            fake_api.add(reply, model=model)
    sink = ListSink()
    team = quality(fake_api, tmp_path, sink)

    async def complete() -> ModelResponse:
        try:
            return await team.complete(request)
        finally:
            await team.aclose()

    return asyncio.run(complete()), sink


def tool(*argv: str) -> dict[str, Any]:
    return {"tool_calls": [{"name": "shell", "arguments": {"command": list(argv)}}]}


OVERLOADED = {"status": 503, "error": {"message": "overloaded", "type": "overloaded_error"}}


@pytest.mark.parametrize(
    ("replies", "argv"),
    [
        ({GPT: [tool("ls")], CLAUDE: [tool("bash", "-lc", "ls")], CODEX: [tool("pwd")]}, ["ls"]),
        ({GPT: [tool("ls")], CLAUDE: [OVERLOADED], CODEX: [tool("sh", "-c", "ls")]}, ["ls"]),
        ({GPT: [tool("ls")], CLAUDE: [tool("pwd")], CODEX: [tool("id")]}, None),
        ({GPT: [tool("ls")], CLAUDE: [tool("pwd")], CODEX: [OVERLOADED]}, None),
    ],
    ids=["two-agree", "two-agree-one-503", "all-differ", "one-each-one-503"],
)
def test_majority_over_http(
    fake_api: FakeAPI,
    tmp_path: Path,
    replies: Replies,
    argv: list[str] | None,
) -> None:
    response, sink = over_http(fake_api, tmp_path, replies, TOOL_TURN)
    if argv is None:
        assert response.stop_reason == REFUSED_STEP and response.tool_calls == []
    else:
        assert argv_of(response) == argv
    assert sorted(r.model for r in fake_api.requests) == sorted([GPT, CLAUDE, CODEX])
    assert len(sink.of_type("ensemble_member")) == 3


def test_a_quorum_lost_over_http_names_the_failures(fake_api: FakeAPI, tmp_path: Path) -> None:
    replies = {GPT: [tool("ls")], CLAUDE: [OVERLOADED], CODEX: [OVERLOADED]}
    with pytest.raises(ProviderError) as caught:
        over_http(fake_api, tmp_path, replies, TOOL_TURN)
    assert "1 of 3 members answered and majority needs 2" in caught.value.message
    assert "anthropic:claude-sonnet-4-6: anthropic returned HTTP 503" in caught.value.message


def test_a_judge_synthesis_over_http(fake_api: FakeAPI, tmp_path: Path) -> None:
    synthesis = json.dumps({"agreeing": [1, 2], "answer": "Read the tests, then fix the bug."})
    replies = {
        GPT: [{"text": "Read the tests first, then fix it."}],
        CLAUDE: [{"text": "Fix the bug after reading the tests."}, {"text": synthesis}],
        CODEX: [{"text": "Rewrite the module."}],
    }
    response, sink = over_http(fake_api, tmp_path, replies, TEXT_TURN)
    assert response.text == "Read the tests, then fix the bug."
    assert response.model == CLAUDE
    judge_request = fake_api.requests[-1]
    assert judge_request.model == CLAUDE
    sent = json.dumps(judge_request.body)
    assert "Rewrite the module." in sent and "agreeing" in sent
    vote = sink.of_type("vote")[-1]
    assert isinstance(vote, VoteEvent) and vote.outcome == "agreed"
