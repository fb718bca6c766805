"""``codex eval SUITE --config A --config B``: check the inputs, run every (config, task,
repeat), append each finished run to ``results.jsonl``, then write ``summary.json`` and
``report.html`` and print the table, also after Ctrl-C (from the runs that finished)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from codex_py.errors import UsageError
from codex_py.evals import report
from codex_py.evals.plan import load_configs, plan_runs
from codex_py.evals.run import run_one
from codex_py.evals.schedule import run_all
from codex_py.evals.suite import load_suite
from codex_py.evals.summary import summarise

RESULTS, SUMMARY, REPORT = "results.jsonl", "summary.json", "report.html"
INTERRUPTED_EXIT = 130


def eval_command(
    suite: Path,
    config_files: Sequence[Path],
    *,
    repeat: int = 1,
    jobs: int = 1,
    out: Path | None = None,
    only: Sequence[str] = (),
) -> int:
    """Run the eval; 0 once every run finished, 130 when interrupted."""
    from codex_py.ui.eval_view import EvalProgress, print_summary

    for name, value in (("--repeat", repeat), ("--jobs", jobs)):
        if value < 1:
            raise UsageError(f"{name} {value}: must be at least 1", f"pass {name} 1 or more")
    tasks = load_suite(suite, only)
    configs = load_configs(config_files)
    specs = plan_runs(configs, tasks, repeat)
    started = datetime.now(UTC)
    out = prepare_out(out or Path("eval-results") / started.strftime("%Y%m%d-%H%M%S"))
    records: list[dict[str, Any]] = []

    with (out / RESULTS).open("a", encoding="utf-8") as results, EvalProgress(len(specs)) as bar:

        def finished(record: dict[str, Any]) -> None:
            results.write(json.dumps(record) + "\n")
            results.flush()
            records.append(record)
            bar.add(record)

        interrupted = run_all(specs, jobs, finished, run_one)

    summary = summarise(
        records,
        [c.name for c in configs],
        [t.name for t in tasks],
        suite=str(suite),
        config_files={c.name: str(c.path) for c in configs},
        repeat=repeat,
        jobs=jobs,
        started_at=started.isoformat(timespec="seconds"),
        finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        runs_planned=len(specs),
        interrupted=interrupted,
    )
    (out / SUMMARY).write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    (out / REPORT).write_text(report.render(summary, records), "utf-8")
    print_summary(summary, out)
    return INTERRUPTED_EXIT if interrupted else 0


def prepare_out(out: Path) -> Path:
    """Create the output folder; refuse one that already holds results."""
    if (out / RESULTS).exists():
        raise UsageError(f"--out {out}: already holds {RESULTS}", "choose another folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"--out {out}: cannot create it: {error.strerror}", "check the path"
        ) from None
    return out
