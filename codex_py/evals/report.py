"""``report.html``: one self-contained page (inline CSS and SVG, no script, nothing fetched) with
the summary table, solve rate against cost per config, cost by intent and by provider, the
per-task results and every run."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from html import escape
from typing import Any

from codex_py.evals import formatting as fmt
from codex_py.evals.svg import Point, scatter, stacked_bars

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.7rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.yes { color: #2a7d2a; } .no { color: #b22; } .note { color: #666; }
.text { display: block; text-align: left; }
figure { margin: 1.5rem 0; } figcaption { font-weight: bold; margin-bottom: 0.4rem; }
"""
SUMMARY_COLUMNS = (
    "config", "runs", "solved", "solve rate (95% CI)", "median wall", "median cost",
    "total cost", "cost per solved",
)  # fmt: skip
RUN_COLUMNS = ("task", "config", "repeat", "solved", "status", "wall", "turns", "cost", "why")


def render(summary: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> str:
    """The HTML page for ``summary`` and its ``records``."""
    configs = summary["configs"]
    order = {c["config"]: index for index, c in enumerate(configs)}
    runs = sorted(records, key=lambda r: (r["task"], order.get(r["config"], 0), r["repeat"]))
    title = f"codex eval: {summary.get('suite', '')}"
    body = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="note">{escape(_caption(summary))}</p>',
        _table(SUMMARY_COLUMNS, [_summary_row(c) for c in configs]),
        *(f'<p class="note">warning: {escape(n)}</p>' for n in fmt.unpriced_notes(configs)),
        _figure("Solve rate against cost per run (mean), with 95% intervals", _rate_chart(configs)),
        _figure("Cost by intent", _cost_chart(configs, "cost_by_intent")),
        _figure("Cost by provider", _cost_chart(configs, "cost_by_provider")),
        "<h2>Tasks</h2>",
        _task_table(summary),
        "<h2>Runs</h2>",
        _table(RUN_COLUMNS, [_run_row(r) for r in runs]),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _caption(summary: Mapping[str, Any]) -> str:
    done, planned = summary.get("runs_done", 0), summary.get("runs_planned", 0)
    text = f"{done} of {planned} runs · repeat {summary.get('repeat', 1)}"
    text += f" · started {summary.get('started_at', '?')}"
    return text + (" · interrupted: partial results" if summary.get("interrupted") else "")


def _summary_row(config: Mapping[str, Any]) -> list[str]:
    return [
        escape(config["config"]),
        str(config["runs"]),
        str(config["solved"]),
        fmt.rate_with_interval(config),
        fmt.seconds(config["median_wall_seconds"]),
        fmt.usd(config["median_cost_usd"]),
        fmt.usd(config["total_cost_usd"]),
        fmt.usd(config["cost_per_solved_usd"]),
    ]


def _rate_chart(configs: Iterable[Mapping[str, Any]]) -> str:
    points = [
        Point(c["config"], c["mean_cost_usd"], c["solve_rate"], c["ci95_low"], c["ci95_high"])
        for c in configs
        if c["runs"]
    ]
    return scatter(points, "mean cost per run", "solve rate", fmt.usd_tick)


def _cost_chart(configs: Iterable[Mapping[str, Any]], key: str) -> str:
    rows = {c["config"]: {k: v["cost_usd"] for k, v in c[key].items()} for c in configs}
    return stacked_bars(rows, fmt.usd_tick, fmt.usd, key.replace("_", " "))


def _task_table(summary: Mapping[str, Any]) -> str:
    names = [c["config"] for c in summary["configs"]]
    rows = []
    for task, by_config in summary["tasks"].items():
        cells = [escape(task)]
        for name in names:
            got = by_config[name]
            mark = "yes" if got["runs"] and got["solved"] == got["runs"] else "no"
            cells.append(f'<span class="{mark}">{got["solved"]}/{got["runs"]}</span>')
        rows.append(cells)
    return _table(["task", *names], rows)


def _run_row(record: Mapping[str, Any]) -> list[str]:
    solved = record["solved"]
    return [
        escape(record["task"]),
        escape(record["config"]),
        str(record["repeat"]),
        f'<span class="{"yes" if solved else "no"}">{"yes" if solved else "no"}</span>',
        escape(record["status"]),
        fmt.seconds(record["wall_seconds"]),
        str(record["turns"]),
        fmt.usd(record["cost_usd"]),
        f'<span class="text">{escape(_why(record))}</span>',
    ]


def _why(record: Mapping[str, Any]) -> str:
    """The run's errors; for a run without any that failed its check, the check's last line."""
    if record["errors"] or record["solved"]:
        return "; ".join(record["errors"])
    lines = [line for line in record["check_output"].splitlines() if line.strip()]
    return f"check: {lines[-1]}" if lines else f"check exited with {record['check_exit_code']}"


def _figure(caption: str, svg: str) -> str:
    return f"<figure><figcaption>{escape(caption)}</figcaption>\n{svg}\n</figure>"


def _table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "\n".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"
