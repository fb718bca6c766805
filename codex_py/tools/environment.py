"""The environment a command's process gets, built from ``shell_environment_policy``.

Steps, in order: start from everything (``inherit: all``), a few core variables (``core``) or
nothing (``none``); drop secrets unless ``ignore_default_excludes``; drop the user's ``exclude``
patterns; then apply ``set``, which always wins. Patterns are shell globs matched without regard
to case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from fnmatch import translate
from functools import lru_cache

from codex_py.config.settings import EnvironmentPolicy

CORE_VARIABLES = frozenset(
    {
        "HOME",
        "LOGNAME",
        "USER",
        "USERNAME",
        "PATH",
        "SHELL",
        "TMPDIR",
        "TEMP",
        "TMP",
        "LANG",
        "LANGUAGE",
        "TERM",
        "TZ",
    }
)
"""What ``inherit: core`` keeps, together with the ``LC_*`` locale variables."""

DEFAULT_EXCLUDES = (
    "*_KEY",  # OPENAI_API_KEY, AWS_SECRET_ACCESS_KEY, STRIPE_SECRET_KEY, ...
    "*_KEY_ID",  # AWS_ACCESS_KEY_ID
    "*_APIKEY",
    "*_TOKEN",  # GITHUB_TOKEN, AWS_SESSION_TOKEN, ...
    "*_TOKEN_*",
    "TOKEN",
    "*SECRET*",
    "*PASSWORD*",
    "*PASSWD*",
    "*CREDENTIAL*",  # GOOGLE_APPLICATION_CREDENTIALS, AWS_SHARED_CREDENTIALS_FILE
)
"""Names that look like secrets (API keys, tokens, passwords, cloud credentials)."""


def child_environment(policy: EnvironmentPolicy, base: Mapping[str, str]) -> dict[str, str]:
    """The environment for a child process, given the agent's own environment ``base``."""
    if policy.inherit == "all":
        env = dict(base)
    elif policy.inherit == "core":
        env = {name: value for name, value in base.items() if _is_core(name)}
    else:
        env = {}
    excludes = (
        policy.exclude if policy.ignore_default_excludes else policy.exclude + DEFAULT_EXCLUDES
    )
    excluded = _compiled(excludes)
    env = {name: value for name, value in env.items() if not excluded.match(name)}
    env.update(policy.set)
    return env


def matches_any(name: str, patterns: Iterable[str]) -> bool:
    """Whether ``name`` matches one of the glob ``patterns``, ignoring case."""
    return _compiled(tuple(patterns)).match(name) is not None


@lru_cache(maxsize=16)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One case-insensitive regex for all ``patterns`` (it matches nothing when there are none)."""
    return re.compile("|".join(translate(pattern) for pattern in patterns) or "(?!)", re.I)


def _is_core(name: str) -> bool:
    return name in CORE_VARIABLES or name.startswith("LC_")
