"""One eval run: copy the task's repository to a fresh temporary folder, run the real
``codex exec --json --full-auto --skip-git-repo-check`` there under the config, run the task's
check, and record it.

The agent inherits the environment (API keys, ``CODEX_HOME``), except the variables that would
override the config under test (``CODEX_PROVIDER``, ``CODEX_MODEL``, ``CODEX_ROUTING_*``). The
check sees ``EVAL_TASK_DIR``, the task's folder, to reach files the agent cannot see.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import codex_py
from codex_py.evals.plan import RunSpec, without_config_overrides
from codex_py.evals.process import Finished, run_in_group
from codex_py.evals.records import parse_events, run_record

_PACKAGE_ROOT = Path(codex_py.__file__).resolve().parent.parent


def agent_argv(spec: RunSpec) -> list[str]:
    """The ``codex exec`` command line of a run; the prompt goes on stdin."""
    argv = [sys.executable, "-m", "codex_py.cli", "exec", "--json", "--full-auto"]
    argv += ["--skip-git-repo-check"]  # a task's copy of its repo need not be a git repository
    argv += ["--config", str(spec.config.path), "--max-cost", repr(spec.task.max_cost)]
    for pair in spec.overrides():
        argv += ["-c", pair]
    return [*argv, "-"]


def agent_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment of ``codex exec``: ``env`` without config overrides, with this
    ``codex_py`` first on ``PYTHONPATH`` (the run's working directory is elsewhere)."""
    kept = without_config_overrides(env)
    path = [str(_PACKAGE_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    return {**kept, "PYTHONPATH": os.pathsep.join(dict.fromkeys(path))}


def run_one(
    spec: RunSpec, stop: threading.Event, env: Mapping[str, str] | None = None
) -> dict[str, Any] | None:
    """Run ``spec``; ``None`` when ``stop`` interrupted it (the record would be meaningless)."""
    env = os.environ if env is None else env
    head = {
        "run_id": spec.run_id,
        "config": spec.config.name,
        "config_file": str(spec.config.path),
        "task": spec.task.name,
        "repeat": spec.repeat,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    workdir = Path(tempfile.mkdtemp(prefix="codex-eval-"))
    try:
        repo = workdir / "repo"
        try:
            shutil.copytree(spec.task.repo, repo, symlinks=True)
        except OSError as error:
            failed = Finished(1, "", f"cannot copy {spec.task.repo}: {error}", 0.0)
            return run_record(head, [], failed, failed)
        agent = run_in_group(
            agent_argv(spec),
            cwd=repo,
            env=agent_env(env),
            timeout=spec.task.timeout,
            stop=stop,
            stdin_text=spec.task.prompt,
        )
        if agent.stopped:
            return None
        check = run_in_group(
            spec.task.check,
            cwd=repo,
            env={**env, "EVAL_TASK_DIR": str(spec.task.folder)},
            timeout=spec.task.check_timeout,
            stop=stop,
            merge_output=True,
        )
        if check.stopped:
            return None
        return run_record(head, parse_events(agent.stdout), agent, check)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
