"""``codex config show`` masks secrets by what they are and shows each value once;
``codex config validate`` refuses what ``codex exec`` would refuse."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Cli = Callable[..., Any]  # the `cli` fixture (tests/conftest.py)

KEY = "sk-live-abcdefghijklmnop1234"


def test_show_prints_numbers_and_hides_secrets_by_value(
    cli: Cli, in_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    (in_repo / "c.yaml").write_text(
        "providers:\n"
        "  endpoints:\n"
        "    openai: {base_url: 'https://me:hunter2@proxy.example/v1'}\n"
        "shell_environment_policy:\n"
        "  set: {GITHUB_TOKEN: ghp_0123456789abcdef, PAGER: cat}\n"
        f"agent: {{instructions: 'use {KEY} for the API'}}\n"
    )
    done = cli("config", "show", "--config", "c.yaml")
    assert done.code == 0, done.err
    shown = done.out
    assert re.search(r"^providers\.endpoints\.openai\.max_output_tokens += 8192  #", shown, re.M)
    assert "hunter2" not in shown and '"https://****@proxy.example/v1"' in shown
    assert "ghp_0123456789abcdef" not in shown and "[redacted $GITHUB_TOKEN]" in shown
    assert re.search(r'shell_environment_policy\.set\.PAGER += "cat"', shown)
    assert KEY not in shown and "[redacted $OPENAI_API_KEY]" in shown
    assert "OPENAI_API_KEY (openai): set (sk-…1234)" in shown


def test_show_prints_each_value_once(cli: Cli, in_repo: Path) -> None:
    lines = cli("config", "show").out.splitlines()
    keys = [line.split(" = ")[0].strip() for line in lines if " = " in line]
    assert len(keys) == len(set(keys))
    assert "pricing" not in keys  # the table is shown as its entries, from pricing.yaml
    price = next(line for line in lines if line.startswith("pricing.gpt-5.1.input "))
    assert re.search(r"  # pricing\.yaml:\d+$", price)
    assert max(len(line) for line in lines) < 200


def write(folder: Path, text: str) -> str:
    (folder / "c.yaml").write_text(text)
    return "c.yaml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("providers: {force: fake}\n", "provider 'fake' (kind: fake) has no script"),
        (
            "providers: {force: fake, endpoints: {fake: {kind: fake, script: nope.yaml}}}\n",
            "nope.yaml: cannot read the fake script",
        ),
        (
            "ensembles: {q: {models: [openai:a, anthropic:b], judge: 'nobody:x'}}\n"
            "providers: {force: q}\n",
            "unknown provider 'nobody'",
        ),
        ("fallbacks: {planning: ['nobody:x']}\n", "'nobody:x' is not a known provider:model"),
        ("providers: {routing: {planning: azure}}\n", "provider 'azure' has no base_url"),
        ("limits: {max_cost: 0}\n", "c.yaml:1: limits.max_cost must be more than 0"),
        ("limits: {max_turns: -1}\n", "c.yaml:1: limits.max_turns must be at least 1"),
    ],
)
def test_validate_refuses_what_a_run_would_refuse(
    cli: Cli, in_repo: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    for name in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AZURE_OPENAI_API_KEY"):
        monkeypatch.setenv(name, "k")
    path = write(in_repo, text)
    validated = cli("config", "validate", path)
    ran = cli("exec", "--config", path, "hi")
    assert validated.code == ran.code == 2
    assert message in validated.err and validated.out == ""
    assert len(validated.err.strip().splitlines()) == 1


def test_validate_accepts_a_good_config_and_names_missing_keys(cli: Cli, in_repo: Path) -> None:
    path = write(in_repo, "limits: {max_turns: 3}\n")
    done = cli("config", "validate", path)
    assert done.code == 0
    assert done.out == "ok: c.yaml is valid\n"
    assert "codex: warning: ANTHROPIC_API_KEY is not set" in done.err
    assert "codex: warning: OPENAI_API_KEY is not set" in done.err


def test_validate_checks_a_scripted_config(cli: Cli, in_repo: Path) -> None:
    (in_repo / "replies.yaml").write_text("- text: done\n")
    path = write(in_repo, "providers: {force: fake, endpoints: {fake: {script: replies.yaml}}}\n")
    done = cli("config", "validate", path)
    assert (done.code, done.out, done.err) == (0, "ok: c.yaml is valid\n", "")
