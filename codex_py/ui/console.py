"""The console the interactive session prints on, and the lines it prints itself: notes, the
echo of a prompt, the banner. ``interactive/`` names the console type through this module and
never imports rich."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

__all__ = ["Console", "banner", "echo_prompt", "new_console", "say"]


def new_console() -> Console:
    return Console(highlight=False)


def say(console: Console, text: str, style: str = "") -> None:
    """One line of plain text (never read as markup)."""
    console.print(Text(text, style=style))


def echo_prompt(console: Console, prompt: str) -> None:
    """A prompt given on the command line, shown as if it had been typed."""
    console.print(Text.assemble(("› ", "bold"), prompt))


def banner(console: Console, details: str) -> None:
    """The first line of a session: its name, then ``details`` dimmed."""
    console.print(Text.assemble(("codex-py", "bold"), (details + " · /help for commands", "dim")))
