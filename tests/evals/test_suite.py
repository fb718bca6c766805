"""Loading suites and configs for ``codex eval``: the sample suite, and every kind of bad input
(each a ``ConfigError`` or ``UsageError`` naming the file and the key)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from codex_py.errors import CodexError, ConfigError, UsageError
from codex_py.evals.plan import load_configs, plan_runs
from codex_py.evals.suite import flatten_overrides, load_suite

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "evals" / "sample"
CONFIG_A = ROOT / "evals" / "configs" / "scripted-a.yaml"
CONFIG_B = ROOT / "evals" / "configs" / "scripted-b.yaml"
SAMPLE_TASKS = [
    "add-cli-option",
    "add-function",
    "fix-failing-test",
    "fix-from-log",
    "off-by-one",
    "rename-symbol",
    "shell-exit-status",
    "shell-quoting",
]
GOOD = 'prompt: "fix it"\ncheck: "true"\n'


def write_task(suite: Path, name: str, text: str | None = GOOD, *, repo: bool = True) -> Path:
    folder = suite / name
    folder.mkdir(parents=True)
    if text is not None:
        (folder / "task.yaml").write_text(text)
    if repo:
        (folder / "repo").mkdir()
    return folder


def test_the_sample_suite_loads_with_its_limits() -> None:
    tasks = load_suite(SAMPLE)
    assert [t.name for t in tasks] == SAMPLE_TASKS
    log = next(t for t in tasks if t.name == "fix-from-log")
    assert log.max_cost == 0.06 and log.timeout == 120.0 and log.check_timeout == 120.0
    assert log.check == ("sh", "-c", 'test "$(python3 nightly.py)" = "stock value: 29.00"')
    assert log.repo == SAMPLE / "fix-from-log" / "repo"
    assert log.prompt.startswith("Last night's job") and not log.prompt.endswith("\n")


def test_every_sample_task_has_scripts_for_both_sample_configs() -> None:
    configs = load_configs([CONFIG_A, CONFIG_B], env={})
    assert [(c.name, c.fake_endpoints) for c in configs] == [
        ("scripted-a", ("planner", "fake")),
        ("scripted-b", ("fake",)),
    ]
    runs = plan_runs(configs, load_suite(SAMPLE), repeat=2)
    assert len(runs) == 2 * 8 * 2
    assert [r.run_id for r in runs[:3]] == [
        "scripted-a/add-cli-option/1",
        "scripted-b/add-cli-option/1",
        "scripted-a/add-function/1",
    ]
    task = SAMPLE / "add-cli-option" / "scripts"
    assert runs[0].overrides() == [
        f"providers.endpoints.planner.script={task / 'scripted-a.planner.yaml'}",
        f"providers.endpoints.fake.script={task / 'scripted-a.yaml'}",
    ]


@pytest.mark.parametrize("name", SAMPLE_TASKS)
def test_every_sample_check_fails_on_the_untouched_repository(tmp_path: Path, name: str) -> None:
    (task,) = load_suite(SAMPLE, [name])
    shutil.copytree(task.repo, tmp_path / "repo")
    env = {**os.environ, "EVAL_TASK_DIR": str(task.folder)}
    done = subprocess.run(task.check, cwd=tmp_path / "repo", env=env, capture_output=True)
    assert done.returncode != 0


def test_task_filter_keeps_the_named_tasks_and_rejects_unknown_ones() -> None:
    assert [t.name for t in load_suite(SAMPLE, ["off-by-one", "add-function"])] == [
        "add-function",
        "off-by-one",
    ]
    with pytest.raises(UsageError) as caught:
        load_suite(SAMPLE, ["nope"])
    assert "--task nope: no such task" in caught.value.message
    assert "fix-from-log" in caught.value.hint


def test_optional_keys_and_overrides(tmp_path: Path) -> None:
    text = (
        "prompt: fix it\ncheck: [python3, check.py]\nrepo: src\ntimeout: 5\n"
        "overrides: {sandbox: none, limits: {max_turns: 9}, rules: []}\n"
    )
    write_task(tmp_path, "t", text, repo=False)
    (tmp_path / "t" / "src").mkdir()
    (task,) = load_suite(tmp_path)
    assert task.check == ("python3", "check.py") and task.timeout == 5.0
    assert task.repo == tmp_path / "t" / "src" and task.max_cost == 1.0
    assert task.overrides == ('sandbox="none"', "limits.max_turns=9", "rules=[]")


def test_flatten_overrides_writes_values_as_json() -> None:
    assert flatten_overrides({"a": {"b": {"c": True}}, "d": "x y"}) == ["a.b.c=true", 'd="x y"']


BAD_TASKS = [
    ("promt: x\ncheck: 'true'\n", "task.yaml: unknown key 'promt'"),
    ("check: 'true'\n", "task.yaml: missing key 'prompt'"),
    ("prompt: x\n", "task.yaml: missing key 'check'"),
    ('prompt: ""\ncheck: "true"\n', "task.yaml: prompt must be a non-empty string"),
    ("prompt: x\ncheck: []\n", "task.yaml: check must be a command line or a non-empty list"),
    ("prompt: x\ncheck: [ls, 3]\n", "task.yaml: check must be a command line"),
    (GOOD + "timeout: -1\n", "task.yaml: timeout must be a number > 0, not -1"),
    (GOOD + "max_cost: cheap\n", "task.yaml: max_cost must be a number > 0, not 'cheap'"),
    (GOOD + "check_timeout: true\n", "task.yaml: check_timeout must be a number > 0"),
    (GOOD + "overrides: [a]\n", "task.yaml: overrides must be a mapping"),
    (GOOD + "repo: elsewhere\n", "task.yaml: repo: "),
    ("prompt: [\n", "task.yaml:2: YAML syntax error"),
    ("- prompt\n", "task.yaml: must be a YAML mapping"),
]


@pytest.mark.parametrize(("text", "message"), BAD_TASKS)
def test_bad_task_files_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    write_task(tmp_path, "broken", text)
    with pytest.raises(ConfigError) as caught:
        load_suite(tmp_path)
    assert message in caught.value.message
    assert str(tmp_path / "broken") in caught.value.message
    assert "\n" not in caught.value.message


def test_a_task_folder_without_its_yaml(tmp_path: Path) -> None:
    write_task(tmp_path, "good")
    write_task(tmp_path, "stray", None)
    with pytest.raises(ConfigError, match=r"stray: no task\.yaml \(every folder"):
        load_suite(tmp_path)


def test_missing_and_empty_suites(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such folder"):
        load_suite(tmp_path / "nope")
    (tmp_path / ".hidden").mkdir()
    with pytest.raises(UsageError, match="no task folders"):
        load_suite(tmp_path)


def test_bad_configs(tmp_path: Path) -> None:
    cases: list[tuple[list[Path], type[CodexError], str]] = [
        ([tmp_path / "nope.yaml"], ConfigError, "nope.yaml: no such file"),
        ([], UsageError, "no config to evaluate"),
        ([CONFIG_A, tmp_path / "x" / "scripted-a.yaml"], UsageError, "two configs are named"),
    ]
    (tmp_path / "x").mkdir()
    shutil.copy(CONFIG_A, tmp_path / "x" / "scripted-a.yaml")
    (tmp_path / "typo.yaml").write_text("limits:\n  max_turnz: 3\n")
    cases.append(([tmp_path / "typo.yaml"], ConfigError, "typo.yaml:2: limits.max_turnz"))
    (tmp_path / "real.yaml").write_text("providers: {routing: {planning: anthropic}}\n")
    cases.append(([tmp_path / "real.yaml"], ConfigError, "ANTHROPIC_API_KEY is not set"))
    for paths, kind, message in cases:
        with pytest.raises(kind) as caught:
            load_configs(paths, env={})
        assert message in caught.value.message, caught.value.message


def test_a_missing_script_names_the_file_it_expects(tmp_path: Path) -> None:
    write_task(tmp_path, "t")
    (tmp_path / "t" / "scripts").mkdir()
    (tmp_path / "t" / "scripts" / "scripted-a.yaml").write_text("- text: hi\n")
    configs = load_configs([CONFIG_A], env={})
    with pytest.raises(ConfigError) as caught:
        plan_runs(configs, load_suite(tmp_path), repeat=1)
    expected = tmp_path / "t" / "scripts" / "scripted-a.planner.yaml"
    assert caught.value.message.startswith(f"{expected}: no such script")
    assert "'planner'" in caught.value.message
