"""``codex exec`` and ``codex [PROMPT]``: load config, build the agent, run, pick the exit code."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codex_py import config
from codex_py.agent import RunResult
from codex_py.errors import UsageError
from codex_py.events import JsonlSink, Sink
from codex_py.runner import build_agent

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


def run(options: RunOptions) -> int:
    cwd = (options.cd or Path.cwd()).resolve()
    if not cwd.is_dir():
        raise UsageError(f"--cd {options.cd}: not a directory", "pass an existing directory")
    loaded = config.load(
        cwd, config_file=options.config_file, flags=options.flags, overrides=options.overrides
    )
    if options.interactive:
        from codex_py.ui.terminal import run_interactive

        return run_interactive(loaded.settings, cwd, options.prompt)
    task = read_task(options.prompt)
    sink: Sink
    if options.json_output:
        sink = JsonlSink(sys.stdout)
    else:
        from codex_py.ui.exec_view import ExecView

        sink = ExecView()
    agent = build_agent(loaded.settings, cwd, sink=sink)
    result = asyncio.run(agent.run(task))
    if not options.json_output and result.final_text:
        print(result.final_text)
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
