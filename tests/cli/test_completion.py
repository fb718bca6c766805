"""``codex completion SHELL`` and the answers the scripts get back (``_CODEX_COMPLETE``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Cli = Callable[..., Any]  # the `cli` fixture (tests/conftest.py)


@pytest.mark.parametrize(
    ("shell", "needle"),
    [
        ("bash", "complete -o default -F _codex_completion codex"),
        ("zsh", "compdef _codex_completion codex"),
        ("fish", "complete --command codex"),
    ],
)
def test_each_shell_gets_its_script(cli: Cli, shell: str, needle: str) -> None:
    done = cli("completion", shell)
    assert done.code == 0
    assert needle in done.out and "_CODEX_COMPLETE=complete_" in done.out


def complete(cli: Cli, monkeypatch: pytest.MonkeyPatch, line: str) -> list[str]:
    """What bash would be offered for ``line`` (the last word is the one being completed)."""
    words = line.split(" ")
    monkeypatch.setenv("_CODEX_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", " ".join(words))
    monkeypatch.setenv("COMP_CWORD", str(len(words) - 1))
    done = cli()
    assert done.code == 0, done.err
    return [str(word) for word in done.out.split()]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("codex ses", ["sessions"]),
        ("codex co", ["completion", "config"]),
        ("codex --pro", ["--provider"]),
        ("codex exec --max", ["--max-turns", "--max-cost"]),
        ("codex -a ", ["suggest", "auto-edit", "full-auto"]),
        ("codex --provider fake --js", ["--json"]),
        ("codex config ", ["show", "validate"]),
        ("codex completion ", ["bash", "fish", "zsh"]),
        ("codex fix the ", []),  # a prompt: nothing to offer (bash falls back to file names)
    ],
)
def test_completions(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, line: str, expected: list[str]
) -> None:
    assert complete(cli, monkeypatch, line) == expected


def test_the_top_level_offers_run_options_and_its_own(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered = complete(cli, monkeypatch, "codex --")
    assert {"--provider", "--full-auto", "--skip-git-repo-check", "--version", "--help"} <= set(
        offered
    )
    assert len(offered) == len(set(offered))
