"""``codex config show``: every effective key once, its value and the layer that set it.

Secrets are masked by what they are, never by a word in the key's name (``max_output_tokens``
is a number, not a token): the caller passes ``redact``, which replaces secret values in text
(the CLI's is ``session.redact.Redactor``'s), and credentials in URLs are hidden here.
API key variables are listed at the end, set or not, with just enough of the key to recognise.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from codex_py.config.loader import LoadedConfig

URL_CREDENTIALS = re.compile(r"\b([a-z][a-z0-9+.-]*://)[^/\s@\"']+@", re.IGNORECASE)
"""``scheme://user:password@`` (or ``scheme://token@``): everything before the ``@``."""


def mask(value: str) -> str:
    """Keep only enough of a secret to recognise it."""
    return "****" if len(value) < 12 else f"{value[:3]}…{value[-4:]}"


def hide_url_credentials(text: str) -> str:
    return URL_CREDENTIALS.sub(r"\1****@", text)


def show(loaded: LoadedConfig, redact: Callable[[str], str], env: Mapping[str, str]) -> str:
    """The text of ``codex config show`` for ``loaded``; ``env`` is where API keys are read."""
    lines = [f"# files: {', '.join(map(str, loaded.files)) or '(built-in defaults only)'}"]
    width = max(len(".".join(path)) for path in loaded.sources)
    for path, origin in sorted(loaded.sources.items()):
        value = json.dumps(_lookup(loaded.settings, path), default=_plain)
        text = hide_url_credentials(redact(value))
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
