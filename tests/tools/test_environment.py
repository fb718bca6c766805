"""child_environment: inherit, drop secrets, exclude, set."""

from __future__ import annotations

from typing import Literal

import pytest

from codex_py.config.settings import EnvironmentPolicy
from codex_py.tools.environment import child_environment

BASE = {
    "PATH": "/usr/bin:/bin",
    "HOME": "/home/me",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "EDITOR": "vim",
    "OPENAI_API_KEY": "sk-1",
    "ANTHROPIC_API_KEY": "sk-2",
    "GITHUB_TOKEN": "ghp",
    "HF_TOKEN": "hf",
    "AWS_ACCESS_KEY_ID": "AKIA",
    "AWS_SECRET_ACCESS_KEY": "secret",
    "AWS_SESSION_TOKEN": "session",
    "DB_PASSWORD": "pw",
    "client_secret": "lower-case",
    "GOOGLE_APPLICATION_CREDENTIALS": "/keys.json",
    "AWS_REGION": "eu-west-1",
}
SECRETS = {
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GITHUB_TOKEN",
    "HF_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "DB_PASSWORD",
    "client_secret",
    "GOOGLE_APPLICATION_CREDENTIALS",
}


def policy(
    inherit: Literal["all", "core", "none"] = "all",
    *,
    ignore_default_excludes: bool = False,
    exclude: tuple[str, ...] = (),
    set_values: dict[str, str] | None = None,
) -> EnvironmentPolicy:
    return EnvironmentPolicy(
        inherit=inherit,
        ignore_default_excludes=ignore_default_excludes,
        exclude=exclude,
        set=set_values or {},
    )


def test_default_keeps_everything_but_secrets() -> None:
    env = child_environment(policy(), BASE)
    assert set(env) == set(BASE) - SECRETS
    assert env["AWS_REGION"] == "eu-west-1"


def test_core_keeps_only_core_variables() -> None:
    env = child_environment(policy("core"), BASE)
    assert set(env) == {"PATH", "HOME", "LANG", "LC_ALL"}


def test_none_starts_empty_and_set_adds() -> None:
    env = child_environment(policy("none", set_values={"CI": "1"}), BASE)
    assert env == {"CI": "1"}


def test_user_excludes_are_case_insensitive_globs() -> None:
    env = child_environment(policy(exclude=("edit*", "lc_*")), BASE)
    assert "EDITOR" not in env
    assert "LC_ALL" not in env
    assert "LANG" in env


def test_ignore_default_excludes_keeps_secrets() -> None:
    env = child_environment(policy(ignore_default_excludes=True), BASE)
    assert env == BASE


def test_set_wins_over_excludes() -> None:
    env = child_environment(policy(set_values={"GITHUB_TOKEN": "scoped"}), BASE)
    assert env["GITHUB_TOKEN"] == "scoped"


@pytest.mark.parametrize("name", ["MY_SERVICE_API_KEY", "NPM_TOKEN", "SMTP_PASSWD", "X_SECRET_1"])
def test_more_secret_shapes_are_dropped(name: str) -> None:
    assert name not in child_environment(policy(), {name: "v"})
