"""``codex config show`` and ``codex config validate``.

``show`` masks secrets by what they are: the values of the environment's (and of
``shell_environment_policy.set``'s) secret variables and anything shaped like an API key, as
session logs do (``session.redact``), and the credentials in URLs (``config.show``).

``validate`` checks what a run would: it loads the layers and builds the agent a run would
build (every route, ensemble member, judge and fallback; each endpoint's settings; a fake
endpoint's script; the sandbox in full-auto) without calling a model. An API key that is not
set here is reported, not failed: the file is valid, this shell is not ready to run it.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from codex_py import config
from codex_py.config.show import show


def show_command(
    cwd: Path, config_file: Path | None, overrides: list[str], env: Mapping[str, str] | None = None
) -> str:
    """The text of ``codex config show``."""
    from codex_py.session.redact import Redactor

    env = os.environ if env is None else env
    loaded = config.load(cwd, config_file=config_file, overrides=overrides, env=env)
    secrets = Redactor({**env, **loaded.settings.shell_environment_policy.set})
    return show(loaded, secrets.text, env)


def validate_command(
    cwd: Path, config_file: Path | None, env: Mapping[str, str] | None = None
) -> int:
    """Check the config as a run here would; print ``ok`` (and what a run would still need)."""
    env = os.environ if env is None else env
    for line in validate(cwd, config_file, env):
        print(f"codex: warning: {line}", file=sys.stderr)
    print(f"ok: {config_file or 'the configuration here'} is valid")
    return 0


def validate(cwd: Path, config_file: Path | None, env: Mapping[str, str]) -> list[str]:
    """Raise what ``codex exec`` would raise for this config (``ConfigError``, ``SandboxError``);
    return the API keys a run would still need, one line each."""
    from codex_py.agent.wiring import build_agent, endpoints_needed
    from codex_py.errors import ConfigError
    from codex_py.providers import registry

    settings = config.load(cwd, config_file=config_file, env=env).settings
    missing: list[str] = []
    stand_in = dict(env)
    for name in endpoints_needed(settings):
        endpoint = registry.endpoint(settings, name)
        try:
            registry.api_key(name, endpoint, env)
        except ConfigError as error:
            missing.append(f"{error.message} — a run here would stop; {error.hint}")
            stand_in[str(endpoint.api_key_env)] = "not-set"
    agent = build_agent(settings, cwd, env=stand_in)
    asyncio.run(agent.close())
    return missing
