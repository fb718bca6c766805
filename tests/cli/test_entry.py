"""Every way out of ``codex``: one-line usage errors with a "did you mean", exit codes, and
the ``--json`` stream of a run that could not start."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from codex_py.events import from_dict

Cli = Callable[..., Any]  # the `cli` and `scripted` fixtures (tests/conftest.py)
Scripted = Callable[..., list[str]]


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("codex: error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["sesions"], "did you mean `codex sessions`?"),
        (["exce"], "did you mean `codex exec`?"),
        (["exec", "--provder", "fake", "hi"], "--provder — did you mean --provider?"),
        (["exec", "--bogus", "hi"], "no such option: --bogus — see `codex exec --help`"),
        (["--bogus", "hi"], "no such option: --bogus — see `codex --help`"),
        (["config", "shw"], "no such command 'shw' — did you mean `codex config show`?"),
        (["exec", "--max-turns", "x", "hi"], "invalid value for '--max-turns'"),
        (["exec", "--provider"], "option '--provider' requires an argument — see `codex exec"),
        (["eval"], "missing argument 'SUITE' — see `codex eval --help`"),
        (["completion", "ksh"], "no completion for the shell 'ksh'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(cli: Cli, args: list[str], expected: str) -> None:
    done = cli(*args)
    assert done.code == 2
    assert expected in one_line_error(done.err)
    assert done.out == ""


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        (["--max-cost", "-1"], "flag --max-cost: limits.max_cost must be more than 0, not -1.0"),
        (["--max-cost", "0"], "flag --max-cost: limits.max_cost must be more than 0"),
        (["--max-cost", "nan"], "flag --max-cost: limits.max_cost must be a finite number"),
        (["--max-turns", "0"], "flag --max-turns: limits.max_turns must be at least 1, not 0"),
        (["--max-turns", "-3"], "flag --max-turns: limits.max_turns must be at least 1"),
        (["-c", "limits.max_turns=0"], "-c limits.max_turns: limits.max_turns must be at least 1"),
    ],
)
def test_nonsense_numbers_are_refused_naming_the_flag(
    cli: Cli, in_repo: Path, scripted: Scripted, flag: list[str], message: str
) -> None:
    done = cli("exec", *scripted("done"), *flag, "hi")
    assert done.code == 2
    assert message in one_line_error(done.err)


def test_the_answer_of_a_completed_run_is_all_of_stdout(
    cli: Cli, in_repo: Path, scripted: Scripted
) -> None:
    done = cli("exec", *scripted("1. Look around", "The answer."), "hi")
    assert done.code == 0, done.err
    assert done.out == "The answer.\n"
    assert "1. Look around" in done.err  # the plan is progress, on stderr


def test_a_failed_run_prints_no_answer(cli: Cli, in_repo: Path, scripted: Scripted) -> None:
    done = cli("exec", *scripted("1. a plan that is not an answer"), "hi")  # then: no reply left
    assert done.code == 1
    assert done.out == ""
    assert "no reply left" in done.err


def test_unquoted_prompts_still_run(cli: Cli, in_repo: Path, scripted: Scripted) -> None:
    assert cli("fix", "the", "tests", *scripted("plan", "fixed")).out == "fixed\n"
    assert cli("exec", "list", "files", *scripted("plan", "listed")).out == "listed\n"


@pytest.mark.parametrize(
    "args",
    [
        ["--max-cost", "-1"],
        ["--bogus"],
        ["--config", "absent.yaml"],
        ["-c", "limits.max_turns=many"],
        ["--provider", "openai"],  # OPENAI_API_KEY is not set
    ],
)
def test_json_setup_errors_still_end_with_session_end(
    cli: Cli, in_repo: Path, args: list[str]
) -> None:
    done = cli("exec", "--json", *args, "hi")
    assert done.code == 2
    events = [from_dict(event) for event in done.events()]  # each one a valid event
    assert [event.type for event in events] == ["error", "session_end"]
    error, end = done.events()
    assert error["message"] in one_line_error(done.err)
    assert end["status"] == "failed" and end["turns"] == 0
    assert end["cost"]["total_usd"] == 0.0 and end["usage"]["input_tokens"] == 0


def test_json_typo_of_a_command_is_not_a_run(cli: Cli) -> None:
    done = cli("--json", "sesions")
    assert done.code == 2 and done.out == ""


def test_outside_git_a_run_is_refused_unless_told(
    cli: Cli, outside_git: Path, scripted: Scripted
) -> None:
    for args in (["exec", "hi"], ["hi"]):  # `codex exec` and `codex [PROMPT]`
        done = cli(*args, *scripted("plan", "answer"))
        assert done.code == 2 and done.out == ""
        line = one_line_error(done.err)
        assert f"{outside_git} is not inside a git repository" in line
        assert "--skip-git-repo-check" in line
    done = cli("exec", "--skip-git-repo-check", *scripted("plan", "answer"), "hi")
    assert done.code == 0 and done.out == "answer\n"


def test_a_subfolder_of_a_repository_is_inside_it(
    cli: Cli, repo: Path, scripted: Scripted, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    assert cli("exec", *scripted("plan", "answer"), "hi").code == 0


def test_cd_is_what_the_check_looks_at(
    cli: Cli, outside_git: Path, repo: Path, scripted: Scripted
) -> None:
    assert cli("exec", "-C", str(repo), *scripted("plan", "answer"), "hi").code == 0


def test_debug_adds_the_traceback(cli: Cli, in_repo: Path) -> None:
    done = cli("exec", "--debug", "--max-turns", "0", "hi")
    assert done.code == 2
    assert "Traceback" in done.err and done.err.strip().endswith("configs/default.yaml")
