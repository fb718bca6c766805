"""`codex eval` end to end: the real command as a subprocess, running the real `codex exec` on
copies of the sample suite with the two scripted sample configs, offline.

Every scripted reply of a config reports the same usage, so costs add up by hand:

- A's planner (scripted-planner, $3 in / $15 out per million): 2000 in, 300 out = $0.0105
- A's tool model (scripted-coder, $1.25 / $10): 4000 in, 200 out = $0.007
- B's one model (scripted-mini, $0.25 / $2): 3000 in, 150 out = $0.00105, and in fix-from-log,
  once the whole log is in its context, 40000 in, 150 out = $0.0103
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "evals" / "sample"
CONFIG_A = ROOT / "evals" / "configs" / "scripted-a.yaml"
CONFIG_B = ROOT / "evals" / "configs" / "scripted-b.yaml"
PLAN_A, TOOL_A, CALL_B, LONG_B = 0.0105, 0.007, 0.00105, 0.0103

# task: (A solves it, A's tool-model calls, B solves it, B's calls), read off the scripts.
EXPECTED = {
    "add-cli-option": (True, 4, True, 3),
    "add-function": (True, 4, False, 4),
    "fix-failing-test": (True, 5, True, 4),
    "fix-from-log": (True, 5, False, 8),
    "off-by-one": (True, 4, True, 4),
    "rename-symbol": (True, 4, False, 5),
    "shell-exit-status": (False, 4, True, 5),
    "shell-quoting": (True, 4, False, 4),
}

Codex = Callable[..., subprocess.CompletedProcess[str]]


def environment(tmp_path: Path) -> dict[str, str]:
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CODEX_HOME": str(tmp_path / "home"),
        "TMPDIR": str(tmp_path / "tmp"),  # every run's copy of the repository goes here
        "CODEX_PROVIDER": "openai",  # would override the configs under test: eval drops it
    }


@pytest.fixture
def codex_eval(tmp_path: Path) -> Codex:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "codex_py.cli", *args],
            cwd=tmp_path,
            env=environment(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def read_results(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]


def expected_cost(config: str, task: str) -> float:
    _, tool_calls, _, calls = EXPECTED[task]
    if config == "scripted-a":
        return PLAN_A + tool_calls * TOOL_A
    return 2 * CALL_B + 6 * LONG_B if task == "fix-from-log" else calls * CALL_B


def test_sample_suite_with_two_configs(tmp_path: Path, codex_eval: Codex) -> None:
    out = tmp_path / "out"
    args = ["--config", str(CONFIG_A), "--config", str(CONFIG_B), "--jobs", "2"]
    done = codex_eval("eval", str(SAMPLE), *args, "--out", str(out))
    assert done.returncode == 0, done.stderr

    records = read_results(out)
    assert sorted((r["config"], r["task"]) for r in records) == sorted(
        (c, t) for c in ("scripted-a", "scripted-b") for t in EXPECTED
    )
    for record in records:
        a_solves, _, b_solves, _ = EXPECTED[record["task"]]
        solves = a_solves if record["config"] == "scripted-a" else b_solves
        assert record["solved"] is solves, record["run_id"]
        assert (record["check_exit_code"] == 0) is solves
        assert record["repeat"] == 1 and record["wall_seconds"] > 0
        assert record["cost_usd"] == pytest.approx(expected_cost(record["config"], record["task"]))
        limited = record["run_id"] == "scripted-b/fix-from-log/1"
        assert record["status"] == ("limit" if limited else "completed")
        assert record["exit_code"] == (1 if limited else 0)
        assert record["errors"] == (
            ["cost limit reached: $0.0639 spent of $0.06 (raise --max-cost or limits.max_cost"
             " to continue)"] if limited else []
        )  # fmt: skip

    a_fix = next(r for r in records if r["run_id"] == "scripted-a/fix-failing-test/1")
    assert [(r["intent"], r["provider"], r["model"]) for r in a_fix["routes"]] == [
        ("planning", "planner", "scripted-planner")
    ] + [("tool_use", "fake", "scripted-coder")] * 5
    assert a_fix["turns"] == 6
    assert a_fix["tokens"]["input_tokens"] == 2000 + 5 * 4000
    assert a_fix["cost_by_provider"]["planner"]["cost_usd"] == pytest.approx(PLAN_A)
    assert a_fix["cost_by_intent"]["tool_use"]["calls"] == 5
    b_log = next(r for r in records if r["run_id"] == "scripted-b/fix-from-log/1")
    assert {r["provider"] for r in b_log["routes"]} == {"fake"}
    assert b_log["cost_by_intent"]["tool_use"]["calls"] == 7
    assert "KeyError: 'qty'" in b_log["check_output"]

    summary = json.loads((out / "summary.json").read_text())
    assert (summary["runs_planned"], summary["runs_done"], summary["interrupted"]) == (
        16,
        16,
        False,
    )
    a, b = summary["configs"]
    assert a == {
        **a,
        "config": "scripted-a",
        "runs": 8,
        "solved": 7,
        "solve_rate": 0.875,
        "median_cost_usd": pytest.approx(0.0385),  # six runs of 0.0385, two of 0.0455
        "mean_cost_usd": pytest.approx(0.04025),
        "total_cost_usd": pytest.approx(0.322),  # 8 plans at 0.0105 + 34 tool calls at 0.007
        "cost_per_solved_usd": pytest.approx(0.046),
        "statuses": {"completed": 8},
        "runs_with_errors": 0,
        "unpriced_calls": 0,
    }
    assert (a["ci95_low"], a["ci95_high"]) == pytest.approx((0.5291, 0.9776), abs=5e-5)
    assert a["cost_by_intent"]["planning"] == {
        "cost_usd": pytest.approx(0.084), "calls": 8, "input_tokens": 16000, "output_tokens": 2400
    }  # fmt: skip
    assert a["cost_by_intent"]["tool_use"]["cost_usd"] == pytest.approx(0.238)
    assert a["cost_by_provider"]["planner"]["cost_usd"] == pytest.approx(0.084)
    assert a["cost_by_provider"]["fake"]["calls"] == 34
    walls = sorted(r["wall_seconds"] for r in records if r["config"] == "scripted-a")
    assert a["median_wall_seconds"] == pytest.approx((walls[3] + walls[4]) / 2)
    assert b == {
        **b,
        "solved": 4,
        "median_cost_usd": pytest.approx(0.0042),  # 0.00315, 4 x 0.0042, 2 x 0.00525, 0.0639
        "total_cost_usd": pytest.approx(0.09435),
        "cost_per_solved_usd": pytest.approx(0.0235875),
        "statuses": {"completed": 7, "limit": 1},
        "runs_with_errors": 1,
        "cost_by_provider": {"fake": {**b["cost_by_provider"]["fake"], "calls": 37}},
    }
    assert (b["ci95_low"], b["ci95_high"]) == pytest.approx((0.2152, 0.7848), abs=5e-5)
    assert b["cost_by_intent"]["planning"]["cost_usd"] == pytest.approx(0.0084)
    assert summary["tasks"]["shell-exit-status"] == {
        "scripted-a": {"runs": 1, "solved": 0},
        "scripted-b": {"runs": 1, "solved": 1},
    }

    html = (out / "report.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 3
    for text in ("87.5% (53–98)", "50.0% (22–78)", "$0.322", "$0.0236", "Cost by intent",
                 "Cost by provider", ">planner<", ">tool_use<", "cost limit reached"):  # fmt: skip
        assert text in html
    for external in ("<script", "<link", "src=", "http://", "https://", "url("):
        assert external not in html
    assert "scripted-a" in done.stdout and "87.5% (53–98)" in done.stdout
    assert "7/8" in done.stdout and "$0.0460" in done.stdout
    assert os.listdir(tmp_path / "tmp") == []  # every run's copy was removed


def test_repeat_and_task_filter(tmp_path: Path, codex_eval: Codex) -> None:
    out = tmp_path / "out"
    tasks = ["--task", "fix-failing-test", "--task", "shell-quoting"]
    configs = ["--config", str(CONFIG_A), "--config", str(CONFIG_B)]
    done = codex_eval("eval", str(SAMPLE), *configs, *tasks, "--repeat", "2", "--jobs", "2",
                 "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    records = read_results(out)
    assert sorted(r["run_id"] for r in records) == sorted(
        f"{c}/{t}/{n}"
        for c in ("scripted-a", "scripted-b")
        for t in ("fix-failing-test", "shell-quoting")
        for n in (1, 2)
    )
    a, b = json.loads((out / "summary.json").read_text())["configs"]
    assert (a["runs"], a["solved"], b["runs"], b["solved"]) == (4, 4, 4, 2)
    assert (a["ci95_low"], a["ci95_high"]) == pytest.approx((0.5101, 1.0), abs=5e-5)
    assert (b["ci95_low"], b["ci95_high"]) == pytest.approx((0.1500, 0.8500), abs=5e-5)
    assert a["total_cost_usd"] == pytest.approx(2 * (0.0455 + 0.0385))


def write_task(suite: Path, name: str, script: str, extra: str = "") -> None:
    (suite / name / "repo").mkdir(parents=True)
    (suite / name / "scripts").mkdir()
    (suite / name / "task.yaml").write_text(f'prompt: "say hi"\ncheck: "true"\n{extra}')
    (suite / name / "scripts" / "solo.yaml").write_text(script)


def solo_suite(tmp_path: Path) -> tuple[Path, Path]:
    suite = tmp_path / "suite"
    write_task(suite, "a-quick", '- text: "plan"\n- text: "hi"\n')
    write_task(suite, "b-slow", '- text: "plan"\n  delay: 60\n')
    config = tmp_path / "solo.yaml"
    config.write_text(
        "providers:\n  default: fake\n"
        "  routing: {planning: fake, tool_use: fake, code_gen: fake, synthesis: fake}\n"
        "pricing: {scripted: {input: 1.0, output: 1.0}}\n"
    )
    return suite, config


def processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and text in (entry / "cmdline").read_text():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def wait_for(condition: Callable[[], bool], seconds: float = 60) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.05)


def test_interrupting_keeps_the_finished_runs(tmp_path: Path) -> None:
    suite, config = solo_suite(tmp_path)
    out = tmp_path / "out"
    slow_script = str(suite / "b-slow" / "scripts" / "solo.yaml")
    eval_process = subprocess.Popen(
        [sys.executable, "-m", "codex_py.cli", "eval", str(suite), "--config", str(config),
         "--jobs", "1", "--out", str(out)],
        cwd=tmp_path, env=environment(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip

    def quick_done_slow_going() -> bool:
        results = out / "results.jsonl"
        finished = results.read_text().count("\n") if results.exists() else 0
        return finished == 1 and bool(processes_mentioning(slow_script))

    try:
        wait_for(lambda: quick_done_slow_going() or eval_process.poll() is not None)
        assert eval_process.poll() is None, eval_process.communicate()
        eval_process.send_signal(signal.SIGINT)
        stdout, stderr = eval_process.communicate(timeout=60)
    finally:
        eval_process.kill()
    assert eval_process.returncode == 130, stderr
    assert "Traceback" not in stderr
    (record,) = read_results(out)
    assert (record["task"], record["solved"], record["status"]) == ("a-quick", True, "completed")
    assert record["cost_usd"] == pytest.approx(2 * 15 / 1e6)  # two replies of 10 in, 5 out
    summary = json.loads((out / "summary.json").read_text())
    assert (summary["interrupted"], summary["runs_done"], summary["runs_planned"]) == (True, 1, 2)
    assert summary["configs"][0]["runs"] == 1 and summary["configs"][0]["solved"] == 1
    assert "interrupted: partial results" in (out / "report.html").read_text()
    assert "interrupted: 1 of 2 runs finished" in stdout
    assert processes_mentioning(slow_script) == []
    assert os.listdir(tmp_path / "tmp") == []


def test_a_run_over_its_time_limit_is_stopped_and_recorded(
    tmp_path: Path, codex_eval: Codex
) -> None:
    suite, config = solo_suite(tmp_path)
    (suite / "b-slow" / "task.yaml").write_text('prompt: "hi"\ncheck: "false"\ntimeout: 0.5\n')
    done = codex_eval("eval", str(suite), "--config", str(config), "--task", "b-slow",
                 "--out", str(tmp_path / "out"))  # fmt: skip
    assert done.returncode == 0, done.stderr
    (record,) = read_results(tmp_path / "out")
    assert (record["status"], record["solved"], record["exit_code"]) == ("timeout", False, 130)
    assert record["errors"][0].startswith("timed out after 0.")
    assert processes_mentioning(str(suite / "b-slow" / "scripts")) == []


BAD_INPUT = [
    (["nowhere"], "suite nowhere: no such folder"),
    (["suite", "--config", "missing.yaml"], "--config missing.yaml: no such file"),
    (["suite"], "no config to evaluate"),
    (["suite", "--config", "solo.yaml", "--jobs", "0"], "--jobs 0: must be at least 1"),
    (["bad-suite", "--config", "solo.yaml"], "bad-suite/t: no task.yaml"),
    (["typo-suite", "--config", "solo.yaml"], "typo-suite/t/task.yaml: unknown key 'promt'"),
]


@pytest.mark.parametrize(("args", "message"), BAD_INPUT)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, codex_eval: Codex, args: list[str], message: str
) -> None:
    solo_suite(tmp_path)
    (tmp_path / "bad-suite" / "t").mkdir(parents=True)
    (tmp_path / "typo-suite" / "t" / "repo").mkdir(parents=True)
    (tmp_path / "typo-suite" / "t" / "task.yaml").write_text("promt: x\ncheck: 'true'\n")
    done = codex_eval("eval", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert not (tmp_path / "eval-results").exists()
