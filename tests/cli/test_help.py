"""Help pages: the run options in groups, the commands, examples, and defaults that are the
config's; plain text with no value hints on flags."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from codex_py import config

Cli = Callable[..., Any]  # the `cli` fixture (tests/conftest.py)

GROUPS = ["Model and provider", "Configuration", "Approvals and limits", "Output and sessions"]
RUN_OPTIONS = [
    "--provider NAME",
    "-m, --model MODEL",
    "--config FILE",
    "-c, --override KEY=VALUE",
    "-a, --approval-mode MODE",
    "--full-auto",
    "--max-turns N",
    "--max-cost USD",
    "--skip-git-repo-check",
    "--json",
    "-C, --cd DIR",
    "--debug",
]
COMMANDS = ["exec", "resume", "sessions", "eval", "completion", "config"]


def sections(page: str) -> list[str]:
    return re.findall(r"^(\S[^:\n]*):$", page, re.MULTILINE)


def test_top_level_help_shows_run_options_in_groups_commands_and_examples(cli: Cli) -> None:
    done = cli("--help")
    assert done.code == 0 and done.err == ""
    page = done.out
    assert page.startswith("Usage: codex [OPTIONS] [PROMPT]\n")
    assert sections(page) == ["Arguments", "Commands", *GROUPS, "Other", "Examples"]
    for option in [*RUN_OPTIONS, "--version", "-h, --help"]:
        assert re.search(rf"^  {re.escape(option)}\s", page, re.MULTILINE), option
    listed = re.findall(r"^  (\w+)\s{2,}", page.split("Commands:")[1].split("\n\n")[0], re.M)
    assert listed == COMMANDS  # the hidden `run` is not one of them
    assert page.count("-h, --help") == 1
    assert 'codex exec "fix the failing test"' in page


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        (["exec", "--help"], "Usage: codex exec [OPTIONS] PROMPT"),
        (["resume", "-h"], "Usage: codex resume [OPTIONS] [ID | --last]"),
        (["sessions", "--help"], "Usage: codex sessions [OPTIONS]"),
        (["eval", "--help"], "Usage: codex eval [OPTIONS] SUITE"),
        (["config", "--help"], "Usage: codex config [OPTIONS] COMMAND [ARGS]..."),
        (["config", "show", "--help"], "Usage: codex config show [OPTIONS]"),
        (["config", "validate", "--help"], "Usage: codex config validate [OPTIONS] [FILE]"),
        (["completion", "--help"], "Usage: codex completion [OPTIONS] SHELL"),
    ],
)
def test_every_command_has_a_plain_page(cli: Cli, args: list[str], usage: str) -> None:
    done = cli(*args)
    assert done.code == 0
    assert done.out.startswith(usage + "\n")
    assert not re.search(r"<(bool|str|int|float|path|list\[\w+\])>", done.out)  # typer hints
    assert "╭" not in done.out and "codex run" not in done.out
    if args[0] != "config" or len(args) > 2:
        assert "Examples:" in done.out


def test_exec_help_groups_the_same_options(cli: Cli) -> None:
    page = cli("exec", "--help").out
    assert sections(page) == ["Arguments", *GROUPS, "Other", "Examples"]
    assert "codex exec resume [ID | --last] [OPTIONS] PROMPT" in page
    assert re.search(r"^  PROMPT\s", page, re.MULTILINE)


def test_the_defaults_in_the_help_are_the_configs(cli: Cli, tmp_path: Path) -> None:
    page = " ".join(cli("--help").out.split())
    settings = config.load(tmp_path, env={"CODEX_HOME": str(tmp_path)}).settings
    max_turns = settings.limits.max_turns
    assert f"--max-turns N Most model calls in the run (default: {max_turns})" in page
    assert settings.limits.max_cost is None and "(default: no limit)" in page
    assert f"(default: {settings.agent.approval_mode})" in page
    assert settings.providers.force is None and "(default: route by intent)" in page
    assert "--repeat N Runs of each task per config (default: 1)" in " ".join(
        cli("eval", "--help").out.split()
    )


def test_bare_codex_without_a_terminal_prints_the_help(cli: Cli) -> None:
    done = cli()
    assert done.code == 0 and done.out.startswith("Usage: codex")


def test_version(cli: Cli) -> None:
    done = cli("--version")
    assert done.code == 0 and re.fullmatch(r"codex-py \S+\n", done.out)
