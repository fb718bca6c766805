"""Running eval commands in their own process group: output, stdin, timeouts and stops, with real
processes (a background grandchild must not survive)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from codex_py.evals.process import run_in_group


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1]
    return status != "Z"


def wait_until_gone(pid: int) -> bool:
    for _ in range(100):
        if not alive(pid):
            return True
        time.sleep(0.02)
    return False


def test_output_stdin_and_exit_code(tmp_path: Path) -> None:
    done = run_in_group(
        ["sh", "-c", "cat; echo oops >&2; exit 3"],
        cwd=tmp_path,
        env=os.environ,
        timeout=10,
        stop=threading.Event(),
        stdin_text="the prompt",
    )
    assert (done.exit_code, done.stdout, done.stderr) == (3, "the prompt", "oops\n")
    assert not done.timed_out and not done.stopped


def test_timeout_stops_the_whole_group(tmp_path: Path) -> None:
    script = "sleep 30 & echo $! > bg.pid; echo started; wait"
    done = run_in_group(
        ["sh", "-c", script], cwd=tmp_path, env=os.environ, timeout=0.5, stop=threading.Event()
    )
    assert done.timed_out and not done.stopped
    assert done.exit_code == 128 + 2  # SIGINT ended the shell
    assert done.stdout == "started\n"
    assert wait_until_gone(int((tmp_path / "bg.pid").read_text()))


def test_stop_event_interrupts_the_command(tmp_path: Path) -> None:
    stop = threading.Event()
    timer = threading.Timer(0.3, stop.set)
    timer.start()
    done = run_in_group(["sleep", "30"], cwd=tmp_path, env=os.environ, timeout=60, stop=stop)
    timer.join()
    assert done.stopped and not done.timed_out
    assert done.exit_code == 130


def test_a_program_that_cannot_start(tmp_path: Path) -> None:
    done = run_in_group(
        ["no-such-program-here"], cwd=tmp_path, env=os.environ, timeout=5, stop=threading.Event()
    )
    assert done.exit_code == 127 and "cannot run no-such-program-here" in done.stderr


def test_a_background_job_holding_the_output_is_killed_when_the_command_ends(
    tmp_path: Path,
) -> None:
    script = "sleep 300 & echo $! > bg.pid; echo done"
    done = run_in_group(
        ["sh", "-c", script], cwd=tmp_path, env=os.environ, timeout=20, stop=threading.Event()
    )
    assert (done.exit_code, done.stdout, done.timed_out, done.stopped) == (
        0,
        "done\n",
        False,
        False,
    )
    assert wait_until_gone(int((tmp_path / "bg.pid").read_text()))


def test_merged_output_keeps_the_order_of_stdout_and_stderr(tmp_path: Path) -> None:
    done = run_in_group(
        ["sh", "-c", "echo one; echo two >&2; echo three"],
        cwd=tmp_path,
        env=os.environ,
        timeout=10,
        stop=threading.Event(),
        merge_output=True,
    )
    assert (done.stdout, done.stderr) == ("one\ntwo\nthree\n", "")
