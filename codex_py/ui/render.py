"""Drawing a session's events in the terminal with rich.

``TerminalRenderer`` is a sink. What is final is printed once and stays: answer blocks as they
complete (Markdown), the plan as a checklist, each tool call's outcome with its collapsed output
or its diffs. What is still moving lives in a transient live region at the bottom: the answer
block being written, a spinner per running command with its last output lines, and the status
line. On a console that is not a terminal there is no live region, so the output is exactly the
final pieces (which is what the tests compare).
"""

from __future__ import annotations

from collections import deque
from contextlib import AbstractContextManager

from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.text import Text

from codex_py.config.settings import ContextSettings
from codex_py.events import (
    ApprovalEvent,
    CompactionEvent,
    ErrorEvent,
    Event,
    FallbackEvent,
    MessageEvent,
    RetryEvent,
    RouteEvent,
    SessionEnd,
    TextDelta,
    ToolCallEvent,
    ToolOutput,
    ToolResultEvent,
    UsageEvent,
    WarningEvent,
)
from codex_py.ui.exec_view import call_line
from codex_py.ui.live import Busy, LiveRegion, RunningTool, one_line
from codex_py.ui.markdown_stream import MarkdownStream
from codex_py.ui.status import StatusLine
from codex_py.ui.views import (
    changes_view,
    format_tokens,
    output_preview,
    plan_view,
    tool_header,
    vote_view,
)

RECENT_ROUTES = 20


class TerminalRenderer:
    """A sink that draws events on ``console``. ``live`` (default: whether the console is a
    terminal) turns the live region on."""

    def __init__(
        self, console: Console, *, context: ContextSettings | None = None, live: bool | None = None
    ) -> None:
        self.console = console
        self.status = StatusLine(context)
        self.routes: deque[RouteEvent] = deque(maxlen=RECENT_ROUTES)
        enabled = console.is_terminal if live is None else live
        self.live = LiveRegion(console, self.live_view, enabled)
        self._stream = MarkdownStream()
        self._printed_blocks = 0
        self._intent = ""
        self._waiting = False
        self._tools: dict[str, RunningTool] = {}
        self._thinking = Busy()

    def start(self) -> None:
        """Show the live region (at the start of a run)."""
        self.live.start()

    def stop(self) -> None:
        """Remove the live region (at the end of a run)."""
        self.live.stop()

    def paused(self) -> AbstractContextManager[None]:
        """No live region while the body runs (an approval prompt)."""
        return self.live.paused()

    # --- events ---

    def emit(self, event: Event) -> None:
        handler = getattr(self, f"_on_{event.type}", None)
        if handler is not None:
            handler(event)

    def _on_route(self, event: RouteEvent) -> None:
        self.status.on_route(event.intent, event.provider, event.model)
        self.routes.append(event)
        self._intent = event.intent
        self._waiting = True

    def _on_delta(self, event: TextDelta) -> None:
        self._waiting = False
        if self._intent == "planning":
            self._stream.text += event.text  # shown whole as a checklist when it ends
        else:
            self._print_block(self._stream.feed(event.text))

    def _on_message(self, event: MessageEvent) -> None:
        self._waiting = False
        if event.role != "assistant":
            return
        if event.intent == "planning" or self._intent == "planning":
            self._print(plan_view(event.text))
        elif self._stream.text:
            self._print_block(self._stream.finish())
        else:
            self._print_block(event.text.strip("\n") or None)
        self._end_answer()

    def _on_tool_call(self, event: ToolCallEvent) -> None:
        self._waiting = False
        self._tools[event.call_id] = RunningTool(call_line(event))

    def _on_tool_output(self, event: ToolOutput) -> None:
        tool = self._tools.get(event.call_id)
        if tool is not None:
            tool.add_output(event.chunk)

    def _on_approval(self, event: ApprovalEvent) -> None:
        tool = self._tools.get(event.call_id)
        if tool is not None and not event.approved:
            tool.refused = True

    def _on_tool_result(self, event: ToolResultEvent) -> None:
        tool = self._tools.pop(event.call_id, None) or RunningTool(event.call_id)
        header = tool_header(
            tool.description, event.exit_code, event.duration_seconds, refused=tool.refused
        )
        changes = event.metadata.get("changes") if event.exit_code == 0 else None
        body: RenderableType | None
        if changes:
            body = changes_view(changes)
        elif tool.refused:
            body = Text("  " + event.output.split("\n", 1)[0], style="dim")
        else:
            body = output_preview(event.output)
        self._print(header if body is None else Group(header, body))

    def _on_usage(self, event: UsageEvent) -> None:
        self.status.on_usage(event)

    def _on_retry(self, event: RetryEvent) -> None:
        note = "; the partial answer above is discarded" if event.discarded_text else ""
        self._note(
            f"⟳ {event.provider} failed ({event.reason}); attempt {event.attempt + 1} "
            f"in {event.delay:.1f}s{note}",
            "yellow",
        )
        self._stream = MarkdownStream()

    def _on_fallback(self, event: FallbackEvent) -> None:
        self._note(
            f"↪ {event.from_provider} → {event.to_provider}/{event.model}: {event.reason}",
            "yellow",
        )

    def _on_compaction(self, event: CompactionEvent) -> None:
        before, after = format_tokens(event.tokens_before), format_tokens(event.tokens_after)
        self._note(
            f"context compacted: {before} → {after} tokens "
            f"({event.messages_summarised} messages summarised)",
            "dim",
        )

    def _on_vote(self, event: Event) -> None:
        self._print(vote_view(event.to_dict()))

    def _on_warning(self, event: WarningEvent) -> None:
        self._note(f"warning: {event.message}", "yellow")

    def _on_error(self, event: ErrorEvent) -> None:
        hint = f" ({event.hint})" if event.hint else ""
        self._note(f"error: {event.message}{hint}", "bold red")

    def _on_session_end(self, event: SessionEnd) -> None:
        self._waiting = False
        self._tools.clear()
        if self._stream.text and self._intent != "planning":
            self._print_block(self._stream.finish())
        self._end_answer()
        if event.status != "completed":
            calls = "model call" if event.turns == 1 else "model calls"
            self._note(f"{event.status} after {event.turns} {calls}", "dim")

    # --- printing ---

    def _print_block(self, block: str | None) -> None:
        if block is None:
            return
        if self._printed_blocks:
            self.console.print()
        self._print(Markdown(block))
        self._printed_blocks += 1

    def _end_answer(self) -> None:
        self._stream = MarkdownStream()
        self._printed_blocks = 0

    def _note(self, text: str, style: str) -> None:
        self._print(Text(text, style=style))

    def _print(self, renderable: RenderableType) -> None:
        self.console.print(renderable)

    # --- what the live region shows ---

    def live_view(self) -> RenderableType:
        parts: list[RenderableType] = []
        pending = self._stream.pending().strip("\n")
        if pending and self._intent != "planning":
            parts.append(Markdown(pending))
        elif self._waiting or (pending and self._intent == "planning"):
            doing = "planning" if self._intent == "planning" else "thinking"
            self._thinking.label = Text(f"{doing}…", style="cyan")
            parts.append(self._thinking)
        for tool in list(self._tools.values()):
            parts.extend(tool.view())
        parts.append(one_line(self.status.text()))
        return Group(*parts)
