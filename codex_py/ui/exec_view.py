"""Progress of a non-interactive run (``codex exec``), written to stderr.

The final answer goes to stdout (by the CLI); everything here is for the person watching.
"""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape

from codex_py.events import (
    ApprovalEvent,
    ErrorEvent,
    Event,
    MessageEvent,
    RouteEvent,
    SessionEnd,
    ToolCallEvent,
    ToolResultEvent,
)

OUTPUT_PREVIEW_LINES = 6


class ExecView:
    """A sink that prints one compact line (or a few) per event."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True, highlight=False)

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
            print_(f"[yellow]$ {escape(describe_call(event.name, event.arguments))}[/]")
        elif isinstance(event, ApprovalEvent) and not event.approved:
            print_(f"[red]  refused[/] [dim]{escape(event.reason)}[/]")
        elif isinstance(event, ToolResultEvent):
            self._result(event)
        elif isinstance(event, ErrorEvent):
            hint = f" [dim]({escape(event.hint)})[/]" if event.hint else ""
            print_(f"[bold red]error:[/] {escape(event.message)}{hint}")
        elif isinstance(event, SessionEnd):
            tokens = event.usage.get("input_tokens", 0) + event.usage.get("output_tokens", 0)
            print_(f"[dim]{event.status} · {event.turns} model calls · {tokens} tokens[/]")

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


def describe_call(name: str, arguments: str) -> str:
    """A one-line view of a tool call: the command line, or the files a patch touches."""
    try:
        args = json.loads(arguments)
    except ValueError:
        return f"{name} {arguments[:80]}"
    if name == "shell" and isinstance(args.get("command"), list):
        return " ".join(str(part) for part in args["command"])[:200]
    if name == "apply_patch" and isinstance(args.get("input"), str):
        files = [
            line.split(":", 1)[1].strip()
            for line in args["input"].splitlines()
            if line.startswith("*** ") and line.split(":", 1)[0][4:] in _FILE_HEADERS
        ]
        return f"apply_patch {', '.join(files)}"
    return f"{name} {arguments[:80]}"


_FILE_HEADERS = {"Add File", "Update File", "Delete File", "Move to"}
