"""How ``codex`` reads its argv: prompts reach ``run``/``exec``, typos are refused."""

from __future__ import annotations

import pytest

from codex_py.cli.argv import is_run, positionals, rewrite_argv, wants_json
from codex_py.errors import UsageError

COMMANDS = {"run", "exec", "resume", "sessions", "eval", "config", "completion"}
VALUES = {"--provider", "-m", "--model", "-c", "--config", "--max-turns"}


def rewrite(*args: str, terminal: bool = False) -> list[str]:
    return rewrite_argv(args, commands=COMMANDS, value_options=VALUES, terminal=terminal)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("fix", "the", "tests"), ["run", "fix", "the", "tests"]),
        (("exec", "list", "files"), ["exec", "list", "files"]),
        (("--provider", "fake", "exec", "hi"), ["exec", "--provider", "fake", "hi"]),
        (("--provider", "exec", "hi"), ["run", "--provider", "exec", "hi"]),  # exec: a value
        (("-q", "say", "hello"), ["exec", "say", "hello"]),
        (("config", "show"), ["config", "show"]),
        (("--", "sessions"), ["run", "--", "sessions"]),
        (("hello",), ["run", "hello"]),
        (("--help",), ["--help"]),
    ],
)
def test_prompts_and_commands(args: tuple[str, ...], expected: list[str]) -> None:
    assert rewrite(*args) == expected


def test_no_arguments_open_a_session_only_in_a_terminal() -> None:
    assert rewrite(terminal=True) == ["run"]
    assert rewrite() == []


@pytest.mark.parametrize(
    ("word", "command"),
    [("sesions", "sessions"), ("exce", "exec"), ("resme", "resume"), ("Config", "config")],
)
def test_a_bare_word_close_to_a_command_is_refused(word: str, command: str) -> None:
    with pytest.raises(UsageError) as refused:
        rewrite(word)
    assert refused.value.message == f"{word!r} is not a command"
    assert f"did you mean `codex {command}`?" in refused.value.hint
    assert f"codex -- {word}" in refused.value.hint
    assert refused.value.exit_code == 2
    with pytest.raises(UsageError):
        rewrite("--provider", "fake", word)


def test_help_as_a_word_points_at_the_help_option() -> None:
    with pytest.raises(UsageError, match="help") as refused:
        rewrite("help")
    assert "`codex --help`" in refused.value.hint


def test_words_that_only_look_alike_in_a_longer_prompt_are_a_prompt() -> None:
    assert rewrite("sesions", "are", "broken") == ["run", "sesions", "are", "broken"]
    assert rewrite("-q", "tests") == ["exec", "tests"]


def test_positionals_skip_option_values_and_stop_at_the_separator() -> None:
    found = positionals(["-m", "gpt", "fix", "--json", "-", "--", "x"], VALUES)
    assert found == [(2, "fix"), (4, "-")]


def test_wants_json_only_for_a_run_and_before_the_separator() -> None:
    assert wants_json(["exec", "--json", "hi"])
    assert wants_json(["run", "--json", "hi"])
    assert not wants_json(["exec", "--", "--json"])
    assert not wants_json(["config", "show", "--json"])


def test_help_of_a_run_command_is_not_a_run() -> None:
    assert is_run(["exec", "hi"]) and is_run(["resume", "--last"])
    assert not is_run(["exec", "--help"]) and not is_run(["run", "-h"])
    assert is_run(["exec", "--", "--help"])  # a prompt that happens to read --help
    assert not is_run(["sessions"]) and not is_run(["--help"])
