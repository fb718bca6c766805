"""When an ensemble disagrees in an interactive run, the user sees every proposal and picks."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Mapping

from rich.console import Console

from codex_py.ensemble.votes import Proposal
from codex_py.ui.approvals import TerminalApprover

PROPOSALS = [
    Proposal('shell ["cat", "utils.py"]', ("openai:gpt-a",)),
    Proposal('shell ["ls", "-la"]', ("anthropic:claude-b",)),
]


def pick(key: str) -> tuple[int | None, str, list[str]]:
    out = io.StringIO()
    offered: list[str] = []

    async def choose(prompt: str, keys: Mapping[str, str]) -> str:
        offered.extend(keys)
        return key

    async def ask_text(prompt: str) -> str:
        return ""

    approver = TerminalApprover(Console(file=out, width=100), choose, ask_text)
    return asyncio.run(approver.choose_proposal(PROPOSALS)), out.getvalue(), offered


def test_the_user_picks_a_proposal() -> None:
    picked, screen, offered = pick("2")
    assert picked == 1
    assert offered == ["1", "2", "r"]
    assert "the ensemble disagrees" in screen
    assert "utils.py" in screen and "openai:gpt-a" in screen
    assert "-la" in screen and "anthropic:claude-b" in screen


def test_rejecting_or_cancelling_runs_nothing() -> None:
    for key in ("r", "s", "n"):
        assert pick(key)[0] is None
