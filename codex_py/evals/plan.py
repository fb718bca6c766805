"""Pairing configs with tasks. The configs are checked once up front (the file, its keys, the API
keys and the sandbox it needs, the scripts of its fake providers) so that a mistake fails the
eval at once instead of failing every run."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from codex_py import config
from codex_py.agent.wiring import endpoints_needed
from codex_py.config.settings import Settings
from codex_py.errors import ConfigError, UsageError
from codex_py.evals.suite import Task
from codex_py.providers import registry as providers
from codex_py.tools.sandbox import check_sandbox

CONFIG_ENV_PREFIXES = ("CODEX_PROVIDER", "CODEX_MODEL", "CODEX_ROUTING_")


@dataclass(frozen=True)
class EvalConfig:
    """A config under test, named after its file (``scripted-a.yaml`` is ``scripted-a``)."""

    name: str
    path: Path
    fake_endpoints: tuple[str, ...] = ()
    """The fake endpoints its runs call; each needs a script from the task or the config."""
    scripted_in_config: tuple[str, ...] = ()
    """Those of them that already have a ``script`` in the config."""


@dataclass(frozen=True)
class RunSpec:
    """One run: a config on a task, the ``repeat``-th time (from 1)."""

    config: EvalConfig
    task: Task
    repeat: int

    @property
    def run_id(self) -> str:
        return f"{self.config.name}/{self.task.name}/{self.repeat}"

    def overrides(self) -> list[str]:
        """``-c`` settings: the task's own, then the task's script for each fake endpoint."""
        pairs = list(self.task.overrides)
        for endpoint in self.config.fake_endpoints:
            script = self.task.script(self.config.name, endpoint)
            if script.is_file():
                pairs.append(f"providers.endpoints.{endpoint}.script={script}")
        return pairs


def without_config_overrides(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` without the variables that would override the configs under test
    (``CODEX_PROVIDER``, ``CODEX_MODEL``, ``CODEX_ROUTING_*``)."""
    return {k: v for k, v in env.items() if not k.startswith(CONFIG_ENV_PREFIXES)}


def load_configs(paths: Sequence[Path], env: Mapping[str, str] | None = None) -> list[EvalConfig]:
    """Check every config file as the eval's ``codex exec`` runs will load it; raises
    ``ConfigError``, ``UsageError`` or ``SandboxError`` naming what to fix."""
    env = without_config_overrides(os.environ if env is None else env)
    if not paths:
        raise UsageError("no config to evaluate", "pass --config FILE (repeatable)")
    loaded: list[EvalConfig] = []
    for path in paths:
        path = path.resolve() if path.exists() else path
        settings = config.load(Path(tempfile.gettempdir()), config_file=path, env=env).settings
        check_sandbox(settings.sandbox)  # full-auto runs need it, unless the config says none
        fakes = _fake_endpoints(settings, env)
        with_script = [n for n in fakes if settings.providers.endpoints[n].script]
        loaded.append(EvalConfig(path.stem, path, tuple(fakes), tuple(with_script)))
    names = [c.name for c in loaded]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise UsageError(
            f"two configs are named {duplicate!r}", "results are keyed by file name: rename one"
        )
    return loaded


def _fake_endpoints(settings: Settings, env: Mapping[str, str]) -> list[str]:
    """The fake endpoints a run of ``settings`` calls; the API key of every other one must be
    set (``ConfigError`` otherwise)."""
    fakes = []
    for name in endpoints_needed(settings):
        endpoint = providers.endpoint(settings, name)
        if endpoint.kind == "fake":
            fakes.append(name)
        else:
            providers.api_key(name, endpoint, env)
    return fakes


def plan_runs(configs: Sequence[EvalConfig], tasks: Sequence[Task], repeat: int) -> list[RunSpec]:
    """Every (config, task, repeat), repeats outermost and configs innermost, so that a partial
    eval has compared the configs on the same tasks. Checks that scripts exist."""
    for task in tasks:
        for cfg in configs:
            for endpoint in cfg.fake_endpoints:
                script = task.script(cfg.name, endpoint)
                if not script.is_file() and endpoint not in cfg.scripted_in_config:
                    raise ConfigError(
                        f"{script}: no such script (config {cfg.name!r} routes to the fake"
                        f" provider {endpoint!r})",
                        "add the scripted replies, or set its script in the config",
                    )
    return [
        RunSpec(cfg, task, number)
        for number in range(1, repeat + 1)
        for task in tasks
        for cfg in configs
    ]
