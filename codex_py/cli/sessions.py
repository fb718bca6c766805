"""``codex sessions``, ``codex resume [ID | --last]``, ``codex exec resume [ID | --last] PROMPT``.

A resumed session runs in the directory it was recorded in (unless ``--cd`` says otherwise),
with today's configuration, and appends to its own log.
"""

from __future__ import annotations

from pathlib import Path

from codex_py.cli.run import RunOptions, execute, load_settings, read_task, require_git_repo
from codex_py.config.loader import codex_home
from codex_py.session.log import SessionLog, SessionRecord, list_sessions, load_session


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
    settings = load_settings(options, cwd)
    require_git_repo(cwd, options)
    if options.interactive:
        from codex_py.interactive.loop import run_interactive

        return run_interactive(settings, cwd, options.prompt, resume=record)
    task = read_task(options.prompt)
    return execute(settings, cwd, task, options, SessionLog.reopen(record, settings), record)


def _working_directory(options: RunOptions, record: SessionRecord) -> Path:
    if options.cd is not None:
        return options.cd.resolve()
    recorded = Path(record.meta.cwd) if record.meta.cwd else None
    return recorded if recorded is not None and recorded.is_dir() else Path.cwd().resolve()
