"""``codex exec`` and ``codex [PROMPT]`` (and their ``resume`` forms): load config, build the
agent, run it with a session log, pick the exit code."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codex_py import config
from codex_py.agent.loop import RunResult
from codex_py.agent.prompt import git_root
from codex_py.agent.wiring import build_agent
from codex_py.config.loader import codex_home
from codex_py.config.settings import Settings
from codex_py.errors import UsageError
from codex_py.events import FanoutSink, JsonlSink
from codex_py.session.log import SessionLog, SessionRecord, resume_agent
from codex_py.types import Sink

EXIT_CODES = {"completed": 0, "limit": 1, "failed": 1, "cancelled": 130}


@dataclass(frozen=True)
class RunOptions:
    prompt: str | None
    flags: dict[tuple[str, ...], tuple[Any, str]]
    config_file: Path | None
    overrides: list[str]
    json_output: bool
    cd: Path | None
    interactive: bool
    skip_git_repo_check: bool = False


def load_settings(options: RunOptions, cwd: Path) -> Settings:
    return config.load(
        cwd, config_file=options.config_file, flags=options.flags, overrides=options.overrides
    ).settings


def working_directory(options: RunOptions) -> Path:
    cwd = (options.cd or Path.cwd()).resolve()
    if not cwd.is_dir():
        raise UsageError(f"--cd {options.cd}: not a directory", "pass an existing directory")
    return cwd


def require_git_repo(cwd: Path, options: RunOptions) -> None:
    """Refuse to work outside a git repository (as the Codex CLI does) unless told to: there
    the agent's changes cannot be reviewed or undone with git."""
    if not options.skip_git_repo_check and git_root(cwd) is None:
        raise UsageError(
            f"{cwd} is not inside a git repository",
            "run codex in a repository (or `git init` first), or pass --skip-git-repo-check",
        )


def run(options: RunOptions) -> int:
    """A new session: interactive, or one task run without asking."""
    cwd = working_directory(options)
    settings = load_settings(options, cwd)
    require_git_repo(cwd, options)
    if options.interactive:
        from codex_py.interactive.loop import run_interactive

        return run_interactive(settings, cwd, options.prompt)
    task = read_task(options.prompt)
    return execute(
        settings, cwd, task, options, SessionLog.start(codex_home(), settings, cwd, task)
    )


def execute(
    settings: Settings,
    cwd: Path,
    task: str,
    options: RunOptions,
    log: SessionLog,
    record: SessionRecord | None = None,
) -> int:
    """Run ``task`` non-interactively (continuing ``record`` when given), logging to ``log``."""
    view: Sink
    if options.json_output:
        view = JsonlSink(sys.stdout)
    else:
        from codex_py.ui.exec_view import ExecView

        view = ExecView()
    try:
        agent = build_agent(settings, cwd, sink=FanoutSink(view, log))
        if record is not None:
            resume_agent(agent, record)
        result = asyncio.run(agent.run(task))
    finally:
        log.close()
    if not options.json_output and result.status == "completed" and result.final_text:
        print(result.final_text)  # the answer, and only for a run that completed
    return exit_code(result)


def read_task(prompt: str | None) -> str:
    """The task from the argument, or from stdin when it is '-' or missing and stdin is piped."""
    if (prompt is None or prompt == "-") and not sys.stdin.isatty():
        prompt = sys.stdin.read()
    if not prompt or not prompt.strip():
        raise UsageError("no prompt given", 'pass the task: codex exec "fix the failing test"')
    return prompt.strip()


def exit_code(result: RunResult) -> int:
    if result.status == "failed" and result.error is not None:
        return result.error.exit_code
    return EXIT_CODES[result.status]
