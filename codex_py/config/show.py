"""``codex config show``: every effective key, its value and the layer that set it."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from codex_py import config

SECRET_WORDS = ("key", "token", "secret", "password")


def mask(value: str) -> str:
    """Keep only enough of a secret to recognise it."""
    return "****" if len(value) < 12 else f"{value[:3]}…{value[-4:]}"


def show(
    cwd: Path, config_file: Path | None, overrides: list[str], env: Mapping[str, str] | None = None
) -> str:
    env = os.environ if env is None else env
    loaded = config.load(cwd, config_file=config_file, overrides=overrides, env=env)
    lines = [f"# files: {', '.join(map(str, loaded.files)) or '(built-in defaults only)'}"]
    width = max(len(".".join(path)) for path in loaded.sources)
    for path, origin in sorted(loaded.sources.items()):
        value = _lookup(loaded.settings, path)
        text = json.dumps(value, default=_plain)
        if any(word in path[-1].lower() for word in SECRET_WORDS) and not path[-1].endswith("env"):
            text = mask(str(value))
        lines.append(f"{'.'.join(path):<{width}} = {text}  # {origin}")
    lines.append("# API keys:")
    for name, endpoint in sorted(loaded.settings.providers.endpoints.items()):
        if endpoint.api_key_env:
            secret = env.get(endpoint.api_key_env)
            state = f"set ({mask(secret)})" if secret else "not set"
            lines.append(f"#   {endpoint.api_key_env} ({name}): {state}")
    return "\n".join(lines)


def _lookup(node: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, tuple):
            node = node[int(key)]
        else:
            node = getattr(node, key, None)
    return node


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return list(value)
