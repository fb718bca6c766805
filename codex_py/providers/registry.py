"""The provider registry: builds providers from config, importing each SDK only when needed.

``prewarm()`` starts the SDK imports in a background thread as soon as the CLI knows which
providers a run needs, so the import overlaps the rest of start-up.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from codex_py.config.settings import Endpoint, Settings
from codex_py.errors import ConfigError
from codex_py.types import Provider

EMBER = "ember"
ADAPTERS = {
    "openai": ("codex_py.providers.openai", "OpenAIProvider"),
    "openai-compatible": ("codex_py.providers.openai", "OpenAIProvider"),
    "anthropic": ("codex_py.providers.anthropic", "AnthropicProvider"),
    "fake": ("codex_py.providers.fake", "FakeProvider"),
}


def endpoint(settings: Settings, name: str) -> Endpoint:
    try:
        return settings.providers.endpoints[name]
    except KeyError:
        known = ", ".join(sorted(settings.providers.endpoints))
        raise ConfigError(f"unknown provider {name!r}", f"use one of: {known}") from None


def prewarm(settings: Settings, names: Iterable[str]) -> threading.Thread:
    """Import the adapter modules (and so their SDKs) for ``names`` in a daemon thread."""
    modules = [ADAPTERS[endpoint(settings, n).kind][0] for n in names]
    thread = threading.Thread(target=_import_all, args=(modules,), daemon=True)
    thread.start()
    return thread


def _import_all(modules: list[str]) -> None:
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            return  # build() reports it in the foreground


def api_key(name: str, ep: Endpoint, env: Mapping[str, str]) -> str:
    """The API key for endpoint ``name``, or a ``ConfigError`` naming the variable to set."""
    if ep.api_key_env is None:
        return "not-needed"
    value = env.get(ep.api_key_env, "").strip()
    if not value:
        raise ConfigError(
            f"{ep.api_key_env} is not set (provider {name!r} needs it)",
            f"export {ep.api_key_env}=..., or route around {name!r} with --provider",
        )
    return value


def build(settings: Settings, name: str, env: Mapping[str, str], cwd: Path) -> Provider:
    """Construct the provider named ``name`` from its endpoint settings; ``ember`` (when no
    endpoint has that name) is the optional Ember adapter for ``ember:<model>`` members."""
    if name == EMBER and name not in settings.providers.endpoints:
        from codex_py.providers.ember import EmberProvider

        return EmberProvider()
    ep = endpoint(settings, name)
    key = api_key(name, ep, env)
    if ep.kind == "openai-compatible" and not ep.base_url:
        raise ConfigError(
            f"provider {name!r} has no base_url",
            f"set providers.endpoints.{name}.base_url to the server's API address",
        )
    module_name, class_name = ADAPTERS[ep.kind]
    cls: Any = getattr(importlib.import_module(module_name), class_name)
    if ep.kind == "fake":
        return cls(name, ep, cwd)  # type: ignore[no-any-return]
    return cls(name, ep, key)  # type: ignore[no-any-return]
