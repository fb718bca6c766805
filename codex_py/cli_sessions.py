"""``codex sessions``, ``codex resume [ID | --last]``, ``codex exec resume [ID | --last] PROMPT``.

A resumed session runs in the directory it was recorded in (unless ``--cd`` says otherwise),
with today's configuration, and appends to its own log.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from codex_py import config
from codex_py.agent import Agent, RunResult
from codex_py.cli_run import RunOptions, exit_code, read_task
from codex_py.config import codex_home
from codex_py.events import FanoutSink, JsonlSink, Sink
from codex_py.runner import build_agent
from codex_py.session import SessionLog, SessionRecord, list_sessions, load_session, resume_agent


def sessions_command(limit: int | None = 20) -> int:
    """Print the saved sessions as a table, newest first (``limit`` None: all of them)."""
    from codex_py.ui.sessions_view import print_sessions

    print_sessions(list_sessions(codex_home()), limit)
    return 0


def resume_command(options: RunOptions, session_ref: str | None) -> int:
    """Continue session ``session_ref`` (None: the newest). Interactive when
    ``options.interactive``; otherwise runs ``options.prompt`` as ``codex exec`` would."""
    record = load_session(codex_home(), session_ref)
    cwd = _working_directory(options, record)
    loaded = config.load(
        cwd, config_file=options.config_file, flags=options.flags, overrides=options.overrides
    )
    if options.interactive:
        from codex_py.ui.terminal import run_interactive

        return run_interactive(loaded.settings, cwd, options.prompt, resume=record)
    task = read_task(options.prompt)
    view: Sink
    if options.json_output:
        view = JsonlSink(sys.stdout)
    else:
        from codex_py.ui.exec_view import ExecView

        view = ExecView()
    log = SessionLog.reopen(record, loaded.settings)
    try:
        agent = build_agent(loaded.settings, cwd, sink=FanoutSink(view, log))
        resume_agent(agent, record)
        result = asyncio.run(_run_then_close(agent, task))
    finally:
        log.close()
    if not options.json_output and result.final_text:
        print(result.final_text)
    return exit_code(result)


async def _run_then_close(agent: Agent, task: str) -> RunResult:
    from codex_py.ui.conversation import close_providers

    try:
        return await agent.run(task)
    finally:
        await close_providers(agent)


def _working_directory(options: RunOptions, record: SessionRecord) -> Path:
    if options.cd is not None:
        return options.cd.resolve()
    recorded = Path(record.meta.cwd) if record.meta.cwd else None
    return recorded if recorded is not None and recorded.is_dir() else Path.cwd().resolve()
