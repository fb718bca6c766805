"""The tables slash commands print: ``/help``, ``/routing`` and ``/cost``."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text

from codex_py.pricing import UsageTotals
from codex_py.ui.views import format_cost, format_tokens


def help_table(entries: Iterable[tuple[str, str]]) -> Table:
    """One row per command: its usage and its help."""
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="cyan", no_wrap=True)
    table.add_column()
    for usage, help_text in entries:
        table.add_row(usage, help_text)
    return table


def routing_table(rows: Iterable[tuple[str, str, str, str]]) -> Table:
    """One row per intent: the provider, the model and the setting that chose them."""
    table = Table("intent", "provider", "model", "set by", box=None, pad_edge=False)
    for row in rows:
        table.add_row(*row)
    return table


def cost_table(totals: UsageTotals) -> Table:
    """Calls, tokens and cost by provider and model, then the total."""
    table = Table("provider/model", "calls", "input", "cached", "output", "cost", box=None)
    for (provider, model), entry in sorted(totals.by_provider_model.items()):
        table.add_row(
            f"{provider}/{model}",
            str(entry.calls),
            format_tokens(entry.usage.input_tokens),
            format_tokens(entry.usage.cache_read_tokens),
            format_tokens(entry.usage.output_tokens),
            format_cost(entry.cost_usd),
        )
    usage = totals.usage
    table.add_row(
        Text("total", style="bold"),
        str(totals.calls),
        format_tokens(usage.input_tokens),
        format_tokens(usage.cache_read_tokens),
        format_tokens(usage.output_tokens),
        format_cost(totals.cost_usd) if totals.calls else "–",
    )
    return table
