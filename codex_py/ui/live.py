"""The live region at the bottom of the terminal while a run goes on: spinners that turn, the
last lines of running commands, the status line. It is transient: it vanishes when the run
ends (or while the user is asked something), leaving only what was printed above it.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.live import Live
from rich.spinner import Spinner
from rich.text import Text

from codex_py.ui.views import terminal_text

LIVE_OUTPUT_LINES = 3
REFRESHES_PER_SECOND = 8


def one_line(text: Text) -> Text:
    """Cut to the width instead of wrapping: the live region must keep its height."""
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


class Busy:
    """A spinner and one line of text beside it. Kept from one refresh to the next, so that
    it turns."""

    def __init__(self) -> None:
        self.spinner = Spinner("dots")
        self.label = Text()

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        frame = self.spinner.render(console.get_time())  # a Text: the spinner has no text
        yield one_line(Text.assemble(frame if isinstance(frame, Text) else "", " ", self.label))


@dataclass
class RunningTool:
    """A tool call between its start and its result."""

    description: str
    started: float = field(default_factory=time.monotonic)
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=LIVE_OUTPUT_LINES))
    refused: bool = False
    busy: Busy = field(default_factory=Busy)

    def add_output(self, chunk: str) -> None:
        self.tail.extend(line for line in chunk.splitlines() if line.strip())

    def view(self) -> list[RenderableType]:
        """Its spinner with the seconds it has run, then its last lines of output."""
        elapsed = time.monotonic() - self.started
        self.busy.label = Text.assemble((f"{elapsed:.0f}s ", "dim"), (self.description, "bold"))
        lines = [one_line(Text.assemble("  │ ", terminal_text(t), style="dim")) for t in self.tail]
        return [self.busy, *lines]


class LiveRegion:
    """Shows ``view()`` at the bottom of ``console``, refreshed, between ``start`` and ``stop``.
    Does nothing on a console that is not a terminal."""

    def __init__(self, console: Console, view: Callable[[], RenderableType], enabled: bool):
        self.console = console
        self.view = view
        self.enabled = enabled
        self._live: Live | None = None

    def start(self) -> None:
        if self.enabled and self._live is None:
            self._live = Live(
                _Refreshed(self.view),
                console=self.console,
                transient=True,
                refresh_per_second=REFRESHES_PER_SECOND,
            )
            self._live.start()

    def stop(self) -> None:
        live, self._live = self._live, None
        if live is not None:
            live.stop()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Hidden while the body runs (an approval prompt, say), back afterwards."""
        running = self._live is not None
        self.stop()
        try:
            yield
        finally:
            if running:
                self.start()


class _Refreshed:
    """Asks for a new view on every refresh."""

    def __init__(self, view: Callable[[], RenderableType]) -> None:
        self.view = view

    def __rich__(self) -> RenderableType:
        return self.view()
