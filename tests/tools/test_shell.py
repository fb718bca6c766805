"""The shell tool, on real processes in tmp_path."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from codex_py.config.settings import EnvironmentPolicy, ShellSettings
from codex_py.errors import ToolError
from codex_py.tools.shell import ShellArgs, run_shell
from codex_py.tools.shell_tool import SHELL_TOOL, parse_shell_args
from codex_py.types import ToolResult

SETTINGS = ShellSettings(default_timeout_ms=10_000, max_timeout_ms=600_000, max_output_bytes=10_240)
ENV_POLICY = EnvironmentPolicy(inherit="all", ignore_default_excludes=False, exclude=(), set={})


def run(
    command: list[str],
    cwd: Path,
    *,
    timeout_ms: int = 10_000,
    on_output: Callable[[str], None] | None = None,
    env_policy: EnvironmentPolicy = ENV_POLICY,
) -> ToolResult:
    args = ShellArgs(command=command, workdir=cwd, timeout_ms=timeout_ms)
    return asyncio.run(
        run_shell(
            args, settings=SETTINGS, env_policy=env_policy, workspace=cwd, on_output=on_output
        )
    )


def unique_sleep() -> str:
    """A sleep duration no other process on the machine uses, to find our processes by."""
    return f"{300 + uuid.uuid4().int % 10**6 / 10**7:.7f}"


def running_with(token: str) -> list[int]:
    """Pids of live (non-zombie) processes whose command line contains ``token``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()  # empty for zombies
        except OSError:
            continue
        if token.encode() in cmdline:
            pids.append(int(entry.name))
    return pids


# --- arguments -------------------------------------------------------------------------------


def test_schema_is_codex_shaped() -> None:
    assert SHELL_TOOL["name"] == "shell"
    parameters = SHELL_TOOL["parameters"]
    assert parameters["required"] == ["command"]
    assert parameters["properties"]["command"]["items"] == {"type": "string"}
    assert set(parameters["properties"]) == {"command", "workdir", "timeout"}


def test_parse_defaults_and_resolution(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    args = parse_shell_args({"command": ["ls"], "workdir": "sub"}, tmp_path, SETTINGS)
    assert args == ShellArgs(["ls"], (tmp_path / "sub").resolve(), 10_000)
    absolute = parse_shell_args({"command": ["ls"], "workdir": str(tmp_path)}, Path("/"), SETTINGS)
    assert absolute.workdir == tmp_path.resolve()


def test_parse_clamps_the_timeout(tmp_path: Path) -> None:
    args = parse_shell_args({"command": ["ls"], "timeout": 10**9}, tmp_path, SETTINGS)
    assert args.timeout_ms == 600_000
    assert parse_shell_args({"command": ["ls"], "timeout": 2.5}, tmp_path, SETTINGS).timeout_ms == 3
    endless = parse_shell_args({"command": ["ls"], "timeout": float("inf")}, tmp_path, SETTINGS)
    assert endless.timeout_ms == 600_000


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({}, "array of strings"),
        ({"command": "ls -la"}, "array of strings"),
        ({"command": ["ls", 3]}, "array of strings"),
        ({"command": []}, "empty"),
        ({"command": [""]}, "empty"),
        ({"command": ["ls", "a\0b"]}, "NUL"),
        ({"command": ["ls"], "timeout": 0}, "positive"),
        ({"command": ["ls"], "timeout": -5}, "positive"),
        ({"command": ["ls"], "timeout": "10s"}, "milliseconds"),
        ({"command": ["ls"], "timeout": True}, "milliseconds"),
        ({"command": ["ls"], "workdir": 7}, "string"),
        ({"command": ["ls"], "workdir": "missing"}, "does not exist"),
        ({"command": ["ls"], "cwd": "."}, "unknown shell argument"),
    ],
)
def test_parse_rejects_bad_arguments(
    tmp_path: Path, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ToolError, match=message):
        parse_shell_args(arguments, tmp_path, SETTINGS)


# --- running ---------------------------------------------------------------------------------


def test_stdout_and_stderr_are_kept_in_order(tmp_path: Path) -> None:
    result = run(["sh", "-c", "echo one; echo two >&2; echo three; exit 3"], tmp_path)
    assert result.output == "one\ntwo\nthree\n"
    assert result.exit_code == 3
    assert result.metadata["timed_out"] is False
    assert result.metadata["sandboxed"] is False
    assert (result.metadata["total_bytes"], result.metadata["total_lines"]) == (14, 3)


def test_argv_runs_without_a_shell(tmp_path: Path) -> None:
    result = run(["echo", "$(whoami)", "*", "a;b"], tmp_path)
    assert result.output == "$(whoami) * a;b\n"


def test_runs_in_the_workdir(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    result = run(["pwd"], tmp_path / "sub")
    assert result.output.strip() == str(tmp_path / "sub")


def test_stdin_is_closed(tmp_path: Path) -> None:
    result = run(["cat"], tmp_path)
    assert (result.exit_code, result.output) == (0, "")


def test_missing_program_is_127(tmp_path: Path) -> None:
    result = run(["definitely-not-a-program-xyz"], tmp_path)
    assert result.exit_code == 127
    assert "command not found" in result.output


def test_program_without_execute_permission_is_126(tmp_path: Path) -> None:
    script = tmp_path / "script.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    script.chmod(0o644)
    result = run(["./script.sh"], tmp_path)
    assert result.exit_code == 126
    assert "permission denied" in result.output


def test_killed_by_a_signal_is_128_plus_the_signal(tmp_path: Path) -> None:
    assert run(["sh", "-c", "kill -KILL $$"], tmp_path).exit_code == 137


def test_secrets_do_not_reach_the_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-leak")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp-leak")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "aws-leak")
    monkeypatch.setenv("MY_DB_PASSWORD", "pw-leak")
    monkeypatch.setenv("HARMLESS_SETTING", "visible")
    policy = EnvironmentPolicy(
        inherit="all", ignore_default_excludes=False, exclude=(), set={"X": "1"}
    )
    result = run(["env"], tmp_path, env_policy=policy)
    assert "leak" not in result.output
    assert "HARMLESS_SETTING=visible" in result.output
    assert "X=1" in result.output.splitlines()


def test_output_streams_while_the_command_runs(tmp_path: Path) -> None:
    # The command waits for a file that only the callback creates, so it can only finish if the
    # first line reached the callback while it was still running.
    script = "echo first; while [ ! -e go ]; do sleep 0.01; done; echo second"
    chunks: list[str] = []

    def on_output(text: str) -> None:
        chunks.append(text)
        (tmp_path / "go").touch()

    result = run(["sh", "-c", script], tmp_path, timeout_ms=20_000, on_output=on_output)
    assert (result.exit_code, result.metadata["timed_out"]) == (0, False)
    assert "".join(chunks) == "first\nsecond\n"


def test_huge_output_keeps_head_and_tail_within_the_cap(tmp_path: Path) -> None:
    result = run(["seq", "1", "2000000"], tmp_path)
    expected_bytes = sum(len(f"{n}\n") for n in range(1, 2_000_001))
    assert result.exit_code == 0
    assert result.output.startswith("1\n2\n3\n")
    assert result.output.endswith("1999999\n2000000\n")
    assert len(result.output.encode()) <= SETTINGS.max_output_bytes
    assert f"printed {expected_bytes} bytes in 2000000 lines" in result.output
    assert result.metadata["truncated"] is True
    assert result.metadata["total_lines"] == 2_000_000
    assert result.metadata["total_bytes"] == expected_bytes


def test_huge_output_does_not_grow_memory(tmp_path: Path) -> None:
    status = Path("/proc/self/status")
    try:
        Path("/proc/self/clear_refs").write_text("5")  # resets the peak RSS (VmHWM)
    except OSError:
        pytest.skip("cannot reset the peak RSS on this system")

    def peak_kib() -> int:
        line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM"))
        return int(line.split()[1])

    before = peak_kib()
    result = run(["head", "-c", "300000000", "/dev/zero"], tmp_path)
    assert result.metadata["total_bytes"] == 300_000_000
    assert peak_kib() - before < 32 * 1024  # printing 300 MB grows the peak by less than 32 MB


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    duration = unique_sleep()
    result = run(["sh", "-c", f"sleep {duration} & sleep {duration}"], tmp_path, timeout_ms=300)
    assert result.exit_code == 124
    assert result.metadata["timed_out"] is True
    assert "timed out after 300 ms" in result.output
    assert running_with(duration) == []


def test_timeout_kills_processes_that_ignore_sigterm(tmp_path: Path) -> None:
    duration = unique_sleep()
    script = f"trap '' TERM; echo ready; sleep {duration} & sleep {duration}"
    result = run(["sh", "-c", script], tmp_path, timeout_ms=1_000)
    assert result.exit_code == 124
    assert result.output.startswith("ready\n")
    assert running_with(duration) == []


def test_background_processes_holding_the_output_are_stopped(tmp_path: Path) -> None:
    duration = unique_sleep()
    result = run(["sh", "-c", f"sleep {duration} & echo started"], tmp_path, timeout_ms=60_000)
    assert (result.exit_code, result.metadata["timed_out"]) == (0, False)
    assert result.output.startswith("started\n")
    assert result.metadata["stopped_background"] is True
    assert running_with(duration) == []


def test_cancellation_kills_the_process_group(tmp_path: Path) -> None:
    duration = unique_sleep()
    script = f"sleep {duration} & sleep {duration} & echo started; wait"
    args = ShellArgs(["sh", "-c", script], tmp_path, 60_000)

    async def cancel_once_started() -> None:
        started = asyncio.Event()
        task = asyncio.create_task(
            run_shell(
                args,
                settings=SETTINGS,
                env_policy=ENV_POLICY,
                workspace=tmp_path,
                on_output=lambda text: started.set(),
            )
        )
        await started.wait()
        while len(running_with(duration)) < 2:  # both sleeps have exec'd
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_once_started())
    assert running_with(duration) == []


def test_a_failing_output_callback_stops_the_command(tmp_path: Path) -> None:
    duration = unique_sleep()

    def broken(text: str) -> None:
        raise RuntimeError("ui failed")

    with pytest.raises(RuntimeError, match="ui failed"):
        run(["sh", "-c", f"echo hi; sleep {duration}"], tmp_path, on_output=broken)
    assert running_with(duration) == []
