"""The state of one interactive session, apart from its input loop: the settings, the agent, the
session log and the journal of applied patches, and the changes slash commands make to them.

Every agent this session builds sends its events to one relay, which forwards them to the
renderer, the current session log and the journal, so a new log (``/clear``, ``/resume``) or a
rebuilt agent (``/model``, ``/provider``, ``/approval``) never leaves a stale sink behind.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from pathlib import Path

from codex_py.agent.loop import Agent, RunResult
from codex_py.agent.wiring import build_agent
from codex_py.config.loader import codex_home
from codex_py.config.settings import Settings
from codex_py.ensemble.provider import Chooser
from codex_py.errors import CodexError
from codex_py.events import Event, UndoEvent, WarningEvent
from codex_py.interactive.notify import notify_turn_complete
from codex_py.session.log import SessionLog, SessionRecord, resume_agent
from codex_py.session.undo import ChangeJournal, undo_patch
from codex_py.tools.toolbox import Toolbox, refuse_all
from codex_py.types import Approver
from codex_py.ui.console import Console, say
from codex_py.ui.render import TerminalRenderer


class Conversation:
    """What ``/``-commands and the input loop act on."""

    def __init__(
        self,
        settings: Settings,
        cwd: Path,
        console: Console,
        *,
        approver: Approver = refuse_all,
        chooser: Chooser | None = None,
        env: Mapping[str, str] | None = None,
        home: Path | None = None,
    ) -> None:
        self.settings = settings
        self.cwd = cwd
        self.console = console
        self.approver = approver
        self.chooser = chooser
        self.env = env
        self.home = home or codex_home(env)
        self.renderer = TerminalRenderer(console, context=settings.context)
        self.journal = ChangeJournal()
        self.log = SessionLog.start(self.home, settings, cwd, env=env)
        self.notes: list[str] = []
        """Said to the model with the next prompt (what the user did between prompts)."""
        self.agent = self._build(settings)

    def emit(self, event: Event) -> None:
        """The relay every agent of this session sends its events to (the log first: what
        reaches the screen is on disk already)."""
        self.log.emit(event)
        self.journal.emit(event)
        self.renderer.emit(event)

    def _build(self, settings: Settings) -> Agent:
        return build_agent(
            settings,
            self.cwd,
            sink=self,
            approver=self.approver,
            chooser=self.chooser,
            env=self.env,
        )

    async def run(self, task: str) -> RunResult:
        """One prompt, worked to the end (or until cancelled)."""
        if self.notes:
            task = "\n".join([*self.notes, "", task])
            self.notes.clear()
        self.renderer.start()
        try:
            result = await self.agent.run(task)
        finally:
            self.renderer.stop()
        self._after_turn(task, result)
        return result

    def _after_turn(self, task: str, result: RunResult) -> None:
        if self.log.error is not None:
            say(self.console, f"warning: the session log stopped: {self.log.error}", "yellow")
        error = notify_turn_complete(
            self.settings, self.log.id, uuid.uuid4().hex, self.cwd, task, result.final_text
        )
        if error:
            self.emit(WarningEvent(error))

    # --- changing the session ---

    async def _swap(self, agent: Agent) -> None:
        old, self.agent = self.agent, agent
        await old.close()

    async def reconfigure(self, settings: Settings) -> None:
        """Carry on with new settings: a new agent with the same history, usage and session
        approvals. Raises ``CodexError`` (and changes nothing) when they cannot work."""
        agent = self._build(settings)
        agent.history = [*agent.history[:1], *self.agent.history[1:]]
        agent.resumed_usage = self.agent.usage
        if isinstance(agent.tools, Toolbox) and isinstance(self.agent.tools, Toolbox):
            agent.tools.session_allowed = self.agent.tools.session_allowed
        self.settings = settings
        await self._swap(agent)

    async def update(self, section: str, **changes: object) -> None:
        """``reconfigure`` with some fields of one settings section replaced."""
        current = getattr(self.settings, section)
        await self.reconfigure(
            dataclasses.replace(self.settings, **{section: dataclasses.replace(current, **changes)})
        )

    async def clear(self) -> None:
        """A fresh conversation in a new session log (the old one stays resumable)."""
        self.log.close()
        self.log = SessionLog.start(self.home, self.settings, self.cwd, env=self.env)
        self.journal = ChangeJournal()
        self.renderer = TerminalRenderer(self.console, context=self.settings.context)
        self.notes.clear()
        await self._swap(self._build(self.settings))

    async def resume(self, record: SessionRecord) -> None:
        """Continue ``record``: its history and usage, appending to its log."""
        self.log.close()
        self.log = SessionLog.reopen(record, self.settings, env=self.env)
        agent = self._build(self.settings)  # its system prompt goes to the resumed log
        resume_agent(agent, record)
        self.journal = ChangeJournal(record.events)
        self.renderer.status.totals = record.totals()
        self.notes.clear()
        await self._swap(agent)

    def plan_next(self) -> bool:
        """Make the next model call a planning call."""
        self.agent.plan_next()
        return True

    async def compact(self) -> bool:
        """Summarise the older part of the history now; False when there was nothing to do."""
        before = list(self.agent.history)
        self.renderer.start()
        try:
            await self.agent.compact(force=True)
        finally:
            self.renderer.stop()
        return self.agent.history != before

    def undo(self) -> list[str]:
        """Revert the last patch still applied; returns the paths restored. Raises
        ``CodexError`` when there is none or the files changed since."""
        if not self.journal.patches:
            raise CodexError("no patch of this session is left to undo", "/diff shows what changed")
        patch = self.journal.patches[-1]
        paths = undo_patch(patch, self.cwd)
        self.emit(UndoEvent(patch.call_id, paths))
        self.notes.append(
            f"[The user reverted your patch {patch.call_id} with /undo; these files are back "
            f"as they were before it: {', '.join(paths)}.]"
        )
        return paths

    async def aclose(self) -> None:
        self.renderer.stop()
        self.log.close()
        await self.agent.close()
