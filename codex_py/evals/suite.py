"""Eval suites: a folder of task folders, each described by its ``task.yaml``.

A task folder holds::

    task.yaml        prompt, check command, limits (below)
    repo/            the repository the agent works in (copied fresh for every run)
    scripts/         replies of the scripted ``fake`` provider, per config (optional)
    ...              anything else the check needs (hidden tests), found through $EVAL_TASK_DIR

``task.yaml`` keys: ``prompt`` and ``check`` (a shell command line, or an argv list; exit 0 means
solved) are required; ``repo`` (default ``repo``), ``timeout`` (seconds for the agent, 600),
``check_timeout`` (seconds, 120), ``max_cost`` (US dollars per run, 1.0), ``description`` and
``overrides`` (config keys set for every config on this task, e.g. ``{sandbox: none}``) are not.
Anything else is an error naming the file and the key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from codex_py.errors import ConfigError, UsageError

TASK_FILE = "task.yaml"
SCRIPTS = "scripts"
REQUIRED = ("prompt", "check")
DEFAULTS: dict[str, Any] = {
    "repo": "repo",
    "timeout": 600.0,
    "check_timeout": 120.0,
    "max_cost": 1.0,
    "description": "",
    "overrides": {},
}


@dataclass(frozen=True)
class Task:
    """One task of a suite, validated; paths are absolute."""

    name: str
    folder: Path
    prompt: str
    check: tuple[str, ...]
    repo: Path
    timeout: float
    check_timeout: float
    max_cost: float
    description: str = ""
    overrides: tuple[str, ...] = ()
    """``dotted.key=value`` settings, passed to ``codex exec`` as ``-c``."""

    def script(self, config: str, endpoint: str) -> Path:
        """Where the replies of fake endpoint ``endpoint`` under config ``config`` live:
        ``scripts/<config>.yaml`` for the endpoint named ``fake``, else
        ``scripts/<config>.<endpoint>.yaml``."""
        name = f"{config}.yaml" if endpoint == "fake" else f"{config}.{endpoint}.yaml"
        return self.folder / SCRIPTS / name


def load_suite(folder: Path, only: Sequence[str] = ()) -> list[Task]:
    """Every task of the suite in ``folder`` (by name), or only those named in ``only``."""
    if not folder.is_dir():
        raise UsageError(f"suite {folder}: no such folder", "pass a folder of task folders")
    folders = sorted(
        path for path in folder.iterdir() if path.is_dir() and not path.name.startswith((".", "_"))
    )
    names = [path.name for path in folders]
    for name in only:
        if name not in names:
            listed = ", ".join(names) or "none"
            raise UsageError(f"--task {name}: no such task in {folder}", f"tasks: {listed}")
    tasks = [load_task(path) for path in folders if not only or path.name in only]
    if not tasks:
        raise UsageError(
            f"suite {folder}: no task folders", f"add folders holding a {TASK_FILE} each"
        )
    return tasks


def load_task(folder: Path) -> Task:
    """Read and check ``folder/task.yaml``; errors name the file and the key."""
    folder = folder.resolve()
    path = folder / TASK_FILE
    if not path.is_file():
        raise ConfigError(
            f"{folder}: no {TASK_FILE} (every folder of a suite is a task)",
            f"add {TASK_FILE} with at least prompt and check, or move the folder out",
        )
    data = _read_mapping(path)
    unknown = sorted(set(data) - {*REQUIRED, *DEFAULTS})
    if unknown:
        known = ", ".join([*REQUIRED, *DEFAULTS])
        raise ConfigError(f"{path}: unknown key {unknown[0]!r}", f"known keys: {known}")
    for key in REQUIRED:
        if key not in data:
            raise ConfigError(f"{path}: missing key {key!r}", "prompt and check are required")
    fields = _Fields(path, {**DEFAULTS, **data})
    repo = folder / fields.text("repo")
    if not repo.is_dir():
        raise ConfigError(f"{path}: repo: {repo} is not a folder", "create it or fix the key")
    return Task(
        name=folder.name,
        folder=folder,
        prompt=fields.text("prompt"),
        check=fields.command("check"),
        repo=repo,
        timeout=fields.positive("timeout"),
        check_timeout=fields.positive("check_timeout"),
        max_cost=fields.positive("max_cost"),
        description=fields.text("description", allow_empty=True),
        overrides=tuple(flatten_overrides(fields.mapping("overrides"))),
    )


def flatten_overrides(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    """``{sandbox: {network: true}}`` → ``["sandbox.network=true"]`` (values as JSON, which
    the ``-c`` parser reads as YAML)."""
    pairs: list[str] = []
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            pairs.extend(flatten_overrides(value, f"{dotted}."))
        else:
            pairs.append(f"{dotted}={json.dumps(value)}")
    return pairs


def _read_mapping(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}", "check the file") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(error, "problem", None) or "not valid YAML"
        raise ConfigError(f"{path}{line}: YAML syntax error: {problem}", "fix the YAML") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: must be a YAML mapping of keys", "see the suite format")
    return {str(key): value for key, value in data.items()}


class _Fields:
    """Typed reads of a task's keys; a wrong type is a ``ConfigError`` naming file and key."""

    def __init__(self, path: Path, data: Mapping[str, Any]) -> None:
        self.path = path
        self.data = data

    def _fail(self, key: str, expected: str) -> ConfigError:
        return ConfigError(
            f"{self.path}: {key} must be {expected}, not {self.data[key]!r}", "fix that key"
        )

    def text(self, key: str, *, allow_empty: bool = False) -> str:
        value = self.data[key]
        if not isinstance(value, str) or not (allow_empty or value.strip()):
            raise self._fail(key, "a non-empty string" if not allow_empty else "a string")
        return value.strip() if key == "prompt" else value

    def positive(self, key: str) -> float:
        value = self.data[key]
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise self._fail(key, "a number > 0")
        return float(value)

    def command(self, key: str) -> tuple[str, ...]:
        value = self.data[key]
        if isinstance(value, str) and value.strip():
            return ("sh", "-c", value)
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise self._fail(key, "a command line or a non-empty list of strings")

    def mapping(self, key: str) -> Mapping[str, Any]:
        value = self.data[key]
        if not isinstance(value, Mapping):
            raise self._fail(key, "a mapping of config keys")
        return value
