"""Reading from the user with prompt-toolkit: the prompt, one-key choices and one-line answers.

The prompt keeps its history in ``$CODEX_HOME/history`` (Ctrl-R searches it). Enter sends;
Esc Enter, Ctrl-J, or a backslash before Enter starts a new line; pasted text (bracketed paste)
goes in whole, newlines included. None of these prompts touch SIGINT: Ctrl-C arrives as a key
while they read, and the session's own handler sees it the rest of the time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.application import Application
from prompt_toolkit.filters import is_searching
from prompt_toolkit.formatted_text import FormattedText
from prompt_toolkit.history import FileHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.layout import FormattedTextControl, Layout, Window

PROMPT = FormattedText([("bold", "› ")])
CONTINUATION = FormattedText([("", "  ")])


def _prompt_bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("enter", filter=~is_searching)
    def _send(event: KeyPressEvent) -> None:
        buffer = event.current_buffer
        if buffer.document.text_before_cursor.endswith("\\"):
            buffer.delete_before_cursor()
            buffer.insert_text("\n")
        else:
            buffer.validate_and_handle()

    @bindings.add("escape", "enter", filter=~is_searching)
    @bindings.add("c-j", filter=~is_searching)
    def _newline(event: KeyPressEvent) -> None:
        event.current_buffer.insert_text("\n")

    return bindings


class PromptReader:
    """The session's input line."""

    def __init__(self, history_file: Path, toolbar: Callable[[], str]) -> None:
        history_file.parent.mkdir(parents=True, exist_ok=True)
        self.session: PromptSession[str] = PromptSession(
            history=FileHistory(str(history_file)),
            multiline=True,
            key_bindings=_prompt_bindings(),
            prompt_continuation=lambda width, line, wrap: CONTINUATION,
            bottom_toolbar=lambda: FormattedText([("", " " + toolbar())]),
            enable_open_in_editor=True,
        )

    async def read(self) -> str:
        """The next prompt. Raises ``EOFError`` (Ctrl-D, empty line) or ``KeyboardInterrupt``."""
        return await self.session.prompt_async(PROMPT, handle_sigint=False)


async def choose_key(message: str, keys: Mapping[str, str]) -> str:
    """Wait for one of ``keys`` (either case); Esc means "n" and Ctrl-C means "s"."""
    bindings = KeyBindings()

    def answer(key: str) -> Callable[[KeyPressEvent], None]:
        return lambda event: event.app.exit(result=key)

    for key in keys:
        bindings.add(key)(answer(key))
        bindings.add(key.upper())(answer(key))
    bindings.add("escape")(answer("n"))
    bindings.add("c-c")(answer("s"))
    control = FormattedTextControl(FormattedText([("bold", message)]), show_cursor=True)
    app: Application[str] = Application(
        layout=Layout(Window(control, height=1)), key_bindings=bindings, full_screen=False
    )
    return await app.run_async(handle_sigint=False)


async def ask_line(message: str) -> str:
    """One line of text ("" when the user presses Ctrl-C or Ctrl-D)."""
    session: PromptSession[str] = PromptSession()
    try:
        return await session.prompt_async(message, handle_sigint=False)
    except (EOFError, KeyboardInterrupt):
        return ""
