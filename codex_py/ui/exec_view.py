"""Progress of a non-interactive run (``codex exec``), written to stderr.

The final answer goes to stdout (by the CLI); everything here is for the person watching.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from codex_py.events import (
    ApprovalEvent,
    CompactionEvent,
    EnsembleMemberEvent,
    ErrorEvent,
    Event,
    FallbackEvent,
    MessageEvent,
    RetryEvent,
    RouteEvent,
    SessionEnd,
    ToolCallEvent,
    ToolResultEvent,
    VoteEvent,
    WarningEvent,
)

OUTPUT_PREVIEW_LINES = 6


class ExecView:
    """A sink that prints one compact line (or a few) per event."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True, highlight=False, soft_wrap=True)

    def emit(self, event: Event) -> None:
        print_ = self.console.print
        if isinstance(event, RouteEvent):
            print_(
                f"[cyan]▸ {event.intent}[/] [bold]{escape(event.provider)}[/]/{escape(event.model)}"
                f" [dim]— {escape(event.reason)}[/]"
            )
        elif isinstance(event, MessageEvent) and event.intent == "planning":
            print_(f"[magenta]plan[/]\n{escape(event.text)}")
        elif isinstance(event, ToolCallEvent):
            print_(f"[yellow]$ {escape(call_line(event))}[/]")
        elif isinstance(event, ApprovalEvent) and not event.approved:
            print_(f"[red]  refused[/] [dim]{escape(event.reason)}[/]")
        elif isinstance(event, ToolResultEvent):
            self._result(event)
        elif isinstance(event, ErrorEvent):
            hint = f" [dim]({escape(event.hint)})[/]" if event.hint else ""
            print_(f"[bold red]error:[/] {escape(event.message)}{hint}")
        elif isinstance(event, RetryEvent):
            lost = " (partial answer discarded)" if event.discarded_text else ""
            print_(
                f"[yellow]  retry[/] {escape(event.provider)} attempt {event.attempt + 1} in"
                f" {event.delay:.1f}s: {escape(event.reason)}{lost}"
            )
        elif isinstance(event, FallbackEvent):
            print_(
                f"[yellow]  fallback[/] {escape(event.from_provider)} → {escape(event.to_provider)}"
                f" [dim]({escape(event.reason)})[/]"
            )
        elif isinstance(event, CompactionEvent):
            print_(
                f"[dim]compacted the history: {event.messages_summarised} messages summarised,"
                f" ~{event.tokens_before} → ~{event.tokens_after} tokens[/]"
            )
        elif isinstance(event, EnsembleMemberEvent):
            status = escape(event.answer[:100]) if event.ok else f"[red]{escape(event.error)}[/]"
            print_(f"  [dim]{escape(event.member)} {event.latency_seconds:.1f}s:[/] {status}")
        elif isinstance(event, VoteEvent):
            colour = "green" if event.outcome in ("agreed", "allow", "chosen", "first") else "red"
            print_(
                f"[{colour}]  vote {escape(event.ensemble)} ({event.strategy}): {event.outcome}[/]"
                f" [dim]{escape(event.reason)}[/]"
            )
        elif isinstance(event, WarningEvent):
            print_(f"[yellow]warning:[/] {escape(event.message)}")
        elif isinstance(event, SessionEnd):
            print_(f"[dim]{escape(session_summary(event))}[/]")

    def _result(self, event: ToolResultEvent) -> None:
        colour = "green" if event.exit_code == 0 else "red"
        self.console.print(
            f"  [{colour}]exit {event.exit_code}[/] [dim]{event.duration_seconds:.2f}s[/]"
        )
        lines = event.output.rstrip("\n").splitlines()
        for line in lines[:OUTPUT_PREVIEW_LINES]:
            self.console.print(f"  [dim]{escape(line)}[/]")
        if len(lines) > OUTPUT_PREVIEW_LINES:
            self.console.print(f"  [dim]… {len(lines) - OUTPUT_PREVIEW_LINES} more lines[/]")


def session_summary(event: SessionEnd) -> str:
    """One or two lines: status, calls, tokens, cost by provider, and any fallbacks."""
    tokens = event.usage.get("input_tokens", 0) + event.usage.get("output_tokens", 0)
    parts = [event.status, f"{event.turns} model calls", f"{tokens} tokens"]
    cost = event.cost
    if cost:
        by_provider = cost.get("by_provider", {})
        spent = ", ".join(
            f"{name} ${tally['cost_usd']:.4f}"
            if tally.get("cost_usd") is not None
            else f"{name} (no price)"
            for name, tally in by_provider.items()
        )
        parts.append(f"${cost.get('total_usd', 0.0):.4f}" + (f" ({spent})" if spent else ""))
    text = " · ".join(parts)
    for fell in event.fallbacks:
        text += f"\nfell back: {fell['intent']} {fell['from']} → {fell['to']}"
    return text


def call_line(event: ToolCallEvent) -> str:
    """A tool call in one line: its tool's summary, or the raw call when it could not be read."""
    return event.summary or f"{event.name} {event.arguments[:80]}"
