"""``codex eval`` in the terminal: a progress bar while the runs go (on stderr), and the table of
results per config at the end (on stdout)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from codex_py.evals import formatting as fmt


class EvalProgress:
    """Runs done out of planned, how many solved, and the money spent so far."""

    def __init__(self, total: int, console: Console | None = None) -> None:
        self.solved = 0
        self.spent = 0.0
        self.progress = Progress(
            TextColumn("[bold]eval[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("runs · [green]{task.fields[solved]} solved[/] · {task.fields[spent]}"),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
        )
        self.task = self.progress.add_task("runs", total=total, solved=0, spent=fmt.usd(0.0))

    def __enter__(self) -> EvalProgress:
        self.progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.progress.stop()

    def add(self, record: Mapping[str, Any]) -> None:
        """Count one finished run, and print a line for it above the bar."""
        self.solved += bool(record["solved"])
        self.spent += float(record["cost_usd"])
        line = "[green]✓ solved[/]" if record["solved"] else "[red]✗ not solved[/]"
        line += f" {escape(record['run_id'])}"
        if record["status"] != "completed":
            line += f" [yellow]{escape(record['status'])}[/]"
        line += f" [dim]{fmt.seconds(record['wall_seconds'])} {fmt.usd(record['cost_usd'])}[/]"
        self.progress.console.print(line, highlight=False)
        self.progress.update(self.task, advance=1, solved=self.solved, spent=fmt.usd(self.spent))


COLUMNS = (
    "config", "solved", "solve rate\n(95% CI)", "median\nwall", "median\ncost", "total\ncost",
    "cost per\nsolved", "errors",
)  # fmt: skip


def summary_table(summary: Mapping[str, Any]) -> Table:
    """One row per config: solve rate with its 95 % interval, time and cost figures."""
    table = Table(box=None, header_style="bold", padding=(0, 1), pad_edge=False)
    for index, name in enumerate(COLUMNS):
        table.add_column(name, justify="left" if index == 0 else "right", no_wrap=True)
    for config in summary["configs"]:
        table.add_row(
            f"[cyan]{escape(config['config'])}[/]",
            f"{config['solved']}/{config['runs']}",
            fmt.rate_with_interval(config),
            fmt.seconds(config["median_wall_seconds"]),
            fmt.usd(config["median_cost_usd"]),
            fmt.usd(config["total_cost_usd"]),
            fmt.usd(config["cost_per_solved_usd"]),
            str(config["runs_with_errors"]),
        )
    return table


def print_summary(summary: Mapping[str, Any], out: Path, console: Console | None = None) -> None:
    """The table, and where the files are."""
    console = console or Console(highlight=False)
    if summary.get("interrupted"):
        console.print(
            f"[yellow]interrupted:[/] {summary['runs_done']} of {summary['runs_planned']} runs"
            " finished; the results below are from those"
        )
    console.print(summary_table(summary))
    for note in fmt.unpriced_notes(summary["configs"]):
        console.print(f"[yellow]warning:[/] {escape(note)}")
    console.print(f"[dim]results: {escape(str(out))}/results.jsonl · summary.json · report.html[/]")
