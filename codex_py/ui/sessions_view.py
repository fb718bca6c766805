"""``codex sessions`` and ``/sessions``: the saved sessions as a table, newest first; and the
recap printed when one is resumed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console, Group, RenderableType
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

from codex_py.session.listing import SessionSummary
from codex_py.session.load import SessionRecord
from codex_py.ui.views import format_cost, format_tokens

ID_CHARS = 8
PROMPT_CHARS = 60


def sessions_table(summaries: Sequence[SessionSummary], *, home: Path | None = None) -> Table:
    """When, where, first prompt, turns, tokens and cost of each session."""
    table = Table(box=None, header_style="bold", pad_edge=False, show_edge=False)
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("when", no_wrap=True)
    table.add_column("where", style="dim", overflow="ellipsis", max_width=30)
    table.add_column("first prompt", overflow="ellipsis", no_wrap=True, ratio=1)
    table.add_column("turns", justify="right")
    table.add_column("tokens", justify="right")
    table.add_column("cost", justify="right")
    for summary in summaries:
        when = summary.started.strftime("%Y-%m-%d %H:%M") if summary.started else "?"
        table.add_row(
            summary.id[:ID_CHARS],
            when,
            _short_path(summary.cwd, home or Path.home()),
            Text(one_line(summary.first_prompt, PROMPT_CHARS)),
            str(summary.turns),
            format_tokens(summary.tokens),
            format_cost(summary.cost_usd) if summary.cost_usd is not None else "–",
        )
    return table


def print_sessions(
    summaries: Sequence[SessionSummary], limit: int | None, console: Console | None = None
) -> None:
    """``codex sessions``: the table, or how to start when there is nothing to show."""
    console = console or Console()
    if not summaries:
        console.print("no sessions yet: start one with [bold]codex PROMPT[/]")
        return
    console.print(sessions_table(summaries[:limit] if limit else summaries))
    if limit and len(summaries) > limit:
        console.print(f"[dim]{len(summaries) - limit} older sessions not shown[/]")


def one_line(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _short_path(path: str, home: Path) -> str:
    home_text = str(home)
    if path == home_text or path.startswith(home_text + "/"):
        return "~" + path[len(home_text) :]
    return path


def recap_view(record: SessionRecord) -> RenderableType:
    """Where a resumed session left off: its last prompt and the last answer."""
    meta = record.meta
    head = Text.assemble(
        (f"resumed session {meta.id[:ID_CHARS]}", "bold green"),
        (f" · {record.turns} prompts · started {meta.time} in {meta.cwd}", "dim"),
    )
    parts: list[RenderableType] = [head]
    prompts = [m for m in record.history if m.get("role") == "user"]
    answers = [m for m in record.history if m.get("role") == "assistant" and m.get("content")]
    if prompts:
        last = one_line(str(prompts[-1]["content"]), 200)
        parts.append(Text.assemble(("› ", "bold"), last))
    if answers:
        parts.append(Markdown(str(answers[-1]["content"])))
    return Group(*parts)
