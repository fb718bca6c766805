"""Keep secrets out of what codex-py writes to disk.

A ``Redactor`` replaces, anywhere in a string or a JSON-like value, the values of environment
variables whose names look like secrets (the shell tool's list: ``*_API_KEY``, ``*_TOKEN``,
``*SECRET*``, ``*PASSWORD*``, ...) and anything shaped like an API key (``sk-...``,
``sk-ant-...``, ``sk-proj-...``), whatever variable it came from.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

from codex_py.tools.environment import DEFAULT_EXCLUDES, matches_any

MIN_SECRET_LENGTH = 8
"""Shorter values (``1``, ``true``) are too common in ordinary text to be worth hiding."""

KEY_PREFIXES = ("sk-", "rk-", "pk-")
KEY_SHAPE = r"\b(?:sk|rk|pk)-[A-Za-z0-9][A-Za-z0-9_\-]{15,}"
"""OpenAI and Anthropic style keys: a short prefix, a dash, then 16 or more key characters."""

REDACTED = "[redacted]"


class Redactor:
    """Replaces secret values in text and in nested dicts and lists."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        env = os.environ if env is None else env
        self.names: dict[str, str] = {}
        for name, value in env.items():
            if len(value) >= MIN_SECRET_LENGTH and matches_any(name, DEFAULT_EXCLUDES):
                self.names.setdefault(value, name)
        values = sorted(self.names, key=len, reverse=True)  # longest first: no partial leftovers
        alternatives = [re.escape(value) for value in values] + [KEY_SHAPE]
        self.pattern = re.compile("|".join(alternatives))
        self._needles = (*values, *KEY_PREFIXES)

    def text(self, text: str) -> str:
        """``text`` with every secret replaced."""
        if not any(needle in text for needle in self._needles):
            return text  # substring tests are much faster than the regex; most text has none
        return self.pattern.sub(self._replacement, text)

    def value(self, value: Any) -> Any:
        """A copy of a JSON-like value with every string redacted (keys included)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {self.text(str(k)): self.value(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.value(item) for item in value]
        return value

    def _replacement(self, match: re.Match[str]) -> str:
        name = self.names.get(match.group(0))
        return f"[redacted ${name}]" if name else REDACTED
