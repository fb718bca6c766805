"""Layered configuration: the only code that reads config files and ``CODEX_*`` variables.

Layers, lowest first: the built-in ``configs/default.yaml``, ``$CODEX_HOME/config.yaml``, the
project's ``.codex/config.yaml`` (nearest one from the working directory up to the git root),
``--config FILE``, environment variables, then flags and ``-c dotted.key=value``. Every value
remembers which layer set it (``file:line``, ``env NAME`` or ``flag --x``) so errors and
``codex config show`` can say where it came from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from codex_py.config.checks import check_references, resolve_aliases
from codex_py.config.schema import build, dotted
from codex_py.config.settings import Settings
from codex_py.errors import ConfigError, SchemaError
from codex_py.types import INTENTS

KeyPath = tuple[str, ...]

ENV_OVERRIDES: dict[str, KeyPath] = {
    "CODEX_PROVIDER": ("providers", "force"),
    "CODEX_MODEL": ("providers", "model"),
    "OPENAI_BASE_URL": ("providers", "endpoints", "openai", "base_url"),
    "ANTHROPIC_BASE_URL": ("providers", "endpoints", "anthropic", "base_url"),
    **{f"CODEX_ROUTING_{i.upper()}": ("providers", "routing", i) for i in INTENTS},
}


@dataclass
class Layer:
    """One source of settings: its data, and where each key path in it came from."""

    data: dict[str, Any]
    origins: dict[KeyPath, str] = field(default_factory=dict)
    name: str = ""

    def origin(self, path: KeyPath) -> str:
        while path and path not in self.origins:
            path = path[:-1]
        return self.origins.get(path, self.name)


@dataclass(frozen=True)
class LoadedConfig:
    settings: Settings
    sources: dict[KeyPath, str]
    """For every leaf key path, the layer that set it."""
    files: tuple[Path, ...]


def codex_home(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    return Path(env.get("CODEX_HOME") or Path.home() / ".codex").expanduser()


def builtin_text(name: str) -> str:
    """A config file shipped inside the package (``default.yaml``, ``pricing.yaml``)."""
    return resources.files("codex_py").joinpath(f"configs/{name}").read_text("utf-8")


def load(
    cwd: Path,
    *,
    config_file: Path | None = None,
    flags: Mapping[KeyPath, tuple[Any, str]] | None = None,
    overrides: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> LoadedConfig:
    """Merge every layer and validate the result. Raises ``ConfigError`` naming file and line."""
    env = os.environ if env is None else env
    layers = [parse_yaml(builtin_text(name), name) for name in ("default.yaml", "pricing.yaml")]
    files: list[Path] = []
    candidates = [codex_home(env) / "config.yaml", find_project_config(cwd)]
    for path in candidates:
        if path is not None and path.is_file():
            layers.append(read_yaml_file(path))
            files.append(path)
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"--config {config_file}: no such file", "check the path")
        layers.append(read_yaml_file(config_file))
        files.append(config_file)
    layers.append(env_layer(env))
    layers.append(flag_layer(flags or {}, overrides))
    merged: dict[str, Any] = {}
    sources: dict[KeyPath, str] = {}
    for layer in layers:
        _merge(merged, layer.data, (), layer, sources)
    try:
        settings = resolve_aliases(build(Settings, merged))
        check_references(settings)
    except SchemaError as error:
        where = _origin_of(error.path, sources)
        raise ConfigError(f"{where}: {dotted(error.path)} {error.message}", error.hint) from None
    return LoadedConfig(settings, sources, tuple(files))


def find_project_config(cwd: Path) -> Path | None:
    """The nearest ``.codex/config.yaml`` from ``cwd`` up to the git root (outside git, only
    ``cwd`` is looked at)."""
    cwd = cwd.resolve()
    chain = [cwd, *cwd.parents]
    root = next((d for d in chain if (d / ".git").exists()), None)
    for directory in chain if root else [cwd]:
        candidate = directory / ".codex" / "config.yaml"
        if candidate.is_file():
            return candidate
        if directory == root:
            break
    return None


def read_yaml_file(path: Path) -> Layer:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read config: {error}", "check the file") from None
    return parse_yaml(text, str(path))


def parse_yaml(text: str, name: str) -> Layer:
    """Parse YAML text into a layer, recording the line of every key."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ConfigError(f"{name}{line}: YAML syntax error: {problem}", "fix the YAML") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{name}:1: the config must be a mapping of keys", "see default.yaml")
    origins: dict[KeyPath, str] = {}
    _record_lines(node, (), name, origins)
    return Layer(_normalise(data), origins, name)


def _record_lines(node: Any, path: KeyPath, name: str, out: dict[KeyPath, str]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            out[child] = f"{name}:{key.start_mark.line + 1}"
            _record_lines(value, child, name, out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, str(index))
            out[child] = f"{name}:{item.start_mark.line + 1}"
            _record_lines(item, child, name, out)


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Accept shorthands: ``sandbox: none`` means ``sandbox: {mode: none}``."""
    if isinstance(data.get("sandbox"), str):
        data["sandbox"] = {"mode": data["sandbox"]}
    return data


def env_layer(env: Mapping[str, str]) -> Layer:
    layer = Layer({}, name="environment")
    for var, path in ENV_OVERRIDES.items():
        if env.get(var):
            _set(layer, path, env[var], f"env {var}")
    return layer


def flag_layer(flags: Mapping[KeyPath, tuple[Any, str]], overrides: Sequence[str]) -> Layer:
    layer = Layer({}, name="flags")
    for path, (value, flag) in flags.items():
        _set(layer, path, value, f"flag {flag}")
    for item in overrides:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(
                f"-c {item!r}: expected dotted.key=value", "e.g. -c limits.max_turns=20"
            )
        try:
            value = yaml.safe_load(raw) if raw.strip() else None
        except yaml.YAMLError:
            value = raw
        _set(layer, tuple(key.strip().split(".")), value, f"-c {key.strip()}")
    layer.data = _normalise(layer.data)
    return layer


def _set(layer: Layer, path: KeyPath, value: Any, origin: str) -> None:
    node = layer.data
    for key in path[:-1]:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise ConfigError(f"{origin}: {dotted(path)} is not a mapping", "check the key")
    node[path[-1]] = value
    layer.origins[path] = origin


def _merge(
    into: dict[str, Any],
    data: dict[str, Any],
    path: KeyPath,
    layer: Layer,
    sources: dict[KeyPath, str],
) -> None:
    for key, value in data.items():
        child = (*path, str(key))
        if isinstance(value, dict) and isinstance(into.get(key), dict) and value:
            sources.pop(child, None)  # an empty mapping filled by this layer: its keys say it
            _merge(into[key], value, child, layer, sources)
            continue
        into[key] = value
        for stale in [p for p in sources if p[: len(child)] == child]:
            del sources[stale]
        _record_sources(value, child, layer, sources)


def _record_sources(value: Any, path: KeyPath, layer: Layer, sources: dict[KeyPath, str]) -> None:
    if isinstance(value, dict | list) and value:
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, child in items:
            _record_sources(child, (*path, str(key)), layer, sources)
    else:
        sources[path] = layer.origin(path)


def _origin_of(path: KeyPath, sources: Mapping[KeyPath, str]) -> str:
    """The layer that set ``path`` (or its nearest ancestor or descendant)."""
    for length in range(len(path), 0, -1):
        if path[:length] in sources:
            return sources[path[:length]]
        below = [origin for p, origin in sources.items() if p[:length] == path[:length]]
        if below:
            return below[0]
    return "config"
