"""The interactive session: read a prompt, run it with everything drawn live, repeat.

Keys: Ctrl-C while a model call or a command runs cancels it (the command's whole process group
is stopped) and the session goes on; Ctrl-C twice within a second, or Ctrl-D at an empty prompt,
leaves. Lines starting with ``/`` are slash commands (``/help``).

One asyncio loop runs the whole session. SIGINT is handled by the loop for the session's whole
life; the prompts read Ctrl-C as a key instead (prompt-toolkit's raw mode), so the handler only
ever fires while a run is going on, or between prompts.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from codex_py.config.loader import codex_home
from codex_py.config.settings import Settings
from codex_py.interactive.controller import Conversation
from codex_py.interactive.slash import run_slash
from codex_py.session.log import SessionRecord
from codex_py.ui.approvals import TerminalApprover
from codex_py.ui.console import Console, banner, echo_prompt, new_console, say
from codex_py.ui.input import PromptReader, ask_line, choose_key
from codex_py.ui.sessions_view import recap_view

DOUBLE_PRESS_SECONDS = 1.0
EXIT_INTERRUPTED = 130


class InteractiveSession:
    """The input loop around a ``Conversation``."""

    def __init__(
        self,
        settings: Settings,
        cwd: Path,
        *,
        console: Console | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.console = console or new_console()
        approver = TerminalApprover(
            self.console, choose_key, ask_line, pause=lambda: self.conversation.renderer.paused()
        )
        self.conversation = Conversation(
            settings,
            cwd,
            self.console,
            approver=approver,
            chooser=approver.choose_proposal,
            env=env,
        )
        self.reader = PromptReader(
            codex_home(env) / "history", lambda: self.conversation.renderer.status.plain()
        )
        self.running: asyncio.Task[Any] | None = None
        self.last_interrupt = -DOUBLE_PRESS_SECONDS
        self.exit_code = 0
        self.quitting = False

    async def main(self, first_prompt: str | None, resume: SessionRecord | None = None) -> int:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGINT, self.on_interrupt)
        try:
            if resume is not None:
                await self.conversation.resume(resume)
                self.console.print(recap_view(resume))
            self._banner()
            if first_prompt and first_prompt.strip():
                echo_prompt(self.console, first_prompt)
                await self.handle(first_prompt)
            while not self.quitting:
                line = await self.read()
                if line is None:
                    break
                await self.handle(line)
        finally:
            loop.remove_signal_handler(signal.SIGINT)
            await self.conversation.aclose()
        return self.exit_code

    async def read(self) -> str | None:
        """The next line, or None when the user leaves."""
        try:
            return await self.reader.read()
        except EOFError:
            return None
        except KeyboardInterrupt:
            if self._second_press():
                self.exit_code = EXIT_INTERRUPTED
                return None
            say(self.console, "(Ctrl-C again to quit, or Ctrl-D)", "dim")
            return ""

    async def handle(self, line: str) -> None:
        """A slash command or a prompt for the agent."""
        if not line.strip():
            return
        self.last_interrupt = -DOUBLE_PRESS_SECONDS  # a new request: a new Ctrl-C count
        slash = line.strip().startswith("/")
        work = run_slash(self.conversation, line) if slash else self.conversation.run(line)
        task: asyncio.Task[Any] = asyncio.ensure_future(work)
        self.running = task  # what Ctrl-C cancels
        try:
            outcome = await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the session itself is being cancelled
            say(self.console, "cancelled", "dim")
            return
        finally:
            self.running = None
        if outcome == "quit":
            self.quitting = True

    def on_interrupt(self) -> None:
        """SIGINT: cancel the run; a second press within a second also leaves."""
        if self._second_press():
            self.quitting = True
            self.exit_code = EXIT_INTERRUPTED
        if self.running is not None and not self.running.done():
            self.running.cancel()

    def _second_press(self) -> bool:
        now = time.monotonic()
        second = now - self.last_interrupt < DOUBLE_PRESS_SECONDS
        self.last_interrupt = now
        return second

    def _banner(self) -> None:
        settings = self.conversation.settings
        route = settings.providers.force or "routed by intent"
        details = f" · {route} · {settings.agent.approval_mode} · {self.conversation.cwd}"
        banner(self.console, details)


def run_interactive(
    settings: Settings,
    cwd: Path,
    first_prompt: str | None,
    *,
    resume: SessionRecord | None = None,
) -> int:
    """Run the session until the user leaves; returns the exit code (130 after a double Ctrl-C)."""
    session = InteractiveSession(settings, cwd)
    return asyncio.run(session.main(first_prompt, resume))
