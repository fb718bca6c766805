"""The real ``codex`` command in a pseudo-terminal, driven by pexpect, against the local fake
API (OpenAI and Anthropic wire protocols over HTTP): streamed answers, approvals, Ctrl-C,
slash commands, leaving."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest

from codex_py.session.log import load_session
from codex_py.testing.fake_api import FakeAPI

REPO = Path(__file__).resolve().parents[2]
ANSI = r"(?:\x1b\[[0-9;?]*[A-Za-z]|\r|\n)*"
TIMEOUT = 20
CODEX = "from codex_py.cli import main; main()"
RESUME_LAST = (
    "import sys\n"
    "from codex_py.cli.run import RunOptions\n"
    "from codex_py.cli.sessions import resume_command\n"
    "sys.exit(resume_command(RunOptions(None, {}, None, [], False, None, True), None))"
)


def loose(text: str) -> str:
    """A regex for ``text`` as the terminal shows it: styles may start or end anywhere."""
    return ANSI.join(re.escape(char) for char in text)


class Terminal:
    """``codex ARGS`` running in a pty."""

    def __init__(self, api: FakeAPI, tmp_path: Path, *args: str, code: str = CODEX) -> None:
        self.home = tmp_path / "home"
        self.work = tmp_path / "work"
        self.home.mkdir(exist_ok=True)
        self.work.mkdir(exist_ok=True)
        subprocess.run(["git", "init", "-q", str(self.work)], check=True)  # codex wants a repo
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(self.home),
            "CODEX_HOME": str(self.home),
            "PYTHONPATH": str(REPO),
            "TERM": "xterm-256color",
            "PROMPT_TOOLKIT_NO_CPR": "1",
            "OPENAI_API_KEY": "sk-test-pty-000000000000000000",
            "ANTHROPIC_API_KEY": "sk-ant-test-pty-00000000000000",
            "OPENAI_BASE_URL": api.openai_base_url,
            "ANTHROPIC_BASE_URL": api.anthropic_base_url,
        }
        self.child = pexpect.spawn(
            sys.executable,
            ["-c", code, *args],
            env=env,
            cwd=str(self.work),
            dimensions=(40, 120),
            encoding="utf-8",
            timeout=TIMEOUT,
        )

    def expect(self, text: str) -> None:
        self.child.expect(loose(text))

    def prompt(self) -> None:
        """Wait for the input prompt."""
        self.expect("›")

    def type(self, line: str) -> None:
        self.child.send(line + "\r")  # Enter; "\n" would be Ctrl-J, a new line in the prompt

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        assert self.child.exitstatus is not None
        return int(self.child.exitstatus)


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    started: list[Terminal] = []
    yield started
    for terminal in started:
        if terminal.child.isalive():
            terminal.child.terminate(force=True)


@pytest.fixture
def start(fake_api: FakeAPI, tmp_path: Path, terminals: list[Terminal]) -> Any:
    def start_terminal(*args: str, code: str = CODEX) -> Terminal:
        terminal = Terminal(fake_api, tmp_path, *args, code=code)
        terminals.append(terminal)
        return terminal

    return start_terminal


def shell(*argv: str) -> dict[str, Any]:
    return {"tool_calls": [{"name": "shell", "arguments": {"command": list(argv)}}]}


def test_a_prompt_streams_its_answer_and_the_session_goes_on(fake_api: FakeAPI, start: Any) -> None:
    fake_api.add({"text": "1. Say hello"}, api="anthropic")
    fake_api.add({"text": "# Hello\n\nThis is **the answer**.\n\n- one\n- two"}, api="openai")
    for answer in ("A second answer.", "A third answer."):
        fake_api.add({"text": "1. Answer again"}, api="anthropic")
        fake_api.add({"text": answer}, api="openai")
    term = start("say hello")

    term.expect("Plan")
    term.expect("☐ Say hello")
    term.expect("This is the answer.")
    term.expect("• two")
    term.prompt()
    term.child.send("first line\\\r")  # a backslash before Enter continues the prompt
    term.child.send("second line\x1b\r")  # so does Esc Enter
    term.child.send("\x1b[200~pasted\ntext\x1b[201~")  # a paste keeps its newlines
    term.type("")
    term.expect("A second answer.")
    term.prompt()
    term.child.sendcontrol("r")  # search the history
    term.child.send("second")
    term.expect("second line")
    term.type("")  # Enter takes the match
    term.type("")  # and Enter sends it
    term.expect("A third answer.")
    term.prompt()
    term.type("/quit")

    assert term.finish() == 0
    prompts = [m["content"] for m in load_session(term.home).history if m["role"] == "user"]
    multi_line = "first line\nsecond line\npasted\ntext"
    assert prompts == ["say hello", multi_line, multi_line]
    assert "+second line" in (term.home / "history").read_text()
    assert json.dumps(fake_api.requests[3].body).count("This is **the answer**.") == 1


def test_commands_are_approved_or_refused_with_a_message(fake_api: FakeAPI, start: Any) -> None:
    fake_api.add({"text": "1. Make two files"}, api="anthropic")
    fake_api.add(shell("touch", "approved.txt"), api="openai")
    fake_api.add(shell("touch", "refused.txt"), api="openai")
    fake_api.add({"text": "Made one file."}, api="openai")
    term = start("make two files")

    term.expect("approval needed")
    term.expect("$ touch approved.txt")
    term.expect("[y] yes")
    term.child.send("y")
    term.expect("✓ touch approved.txt · exit 0")
    term.expect("$ touch refused.txt")
    term.expect("[n] no")
    term.child.send("n")
    term.expect("tell the model why")
    term.type("not that one")
    term.expect("✗ touch refused.txt · refused")
    term.expect("Made one file.")
    term.prompt()
    term.child.sendcontrol("d")

    assert term.finish() == 0
    assert (term.work / "approved.txt").exists() and not (term.work / "refused.txt").exists()
    assert "not that one" in json.dumps(fake_api.requests[3].body)


def test_ctrl_c_stops_a_command_or_a_model_call_and_the_session_goes_on(
    fake_api: FakeAPI, start: Any, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pid"
    fake_api.add({"text": "1. Wait"}, api="anthropic")
    fake_api.add(shell("bash", "-c", f"echo $$ > {pid_file}; exec sleep 60"), api="openai")
    fake_api.add({"text": "1. Think", "delay": 30}, api="anthropic")  # a model call that hangs
    fake_api.add({"text": "1. Answer"}, api="anthropic")
    fake_api.add({"text": "Still here."}, api="openai")
    term = start("-a", "full-auto", "-c", "sandbox.mode=none", "wait a minute")

    deadline = time.monotonic() + TIMEOUT
    while not pid_file.exists() or not pid_file.read_text().strip():
        assert time.monotonic() < deadline, term.child.before
        time.sleep(0.02)
    term.expect("bash -c")  # the running command, under its spinner
    term.child.sendintr()
    term.expect("cancelled after 2 model calls")
    term.prompt()
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # the command's process group was killed and reaped

    term.type("think hard")
    term.expect("planning…")
    term.child.sendintr()
    term.expect("cancelled after 0 model calls")
    term.prompt()
    term.type("are you there?")
    term.expect("Still here.")
    term.prompt()
    term.type("/quit")
    assert term.finish() == 0
    aborted = json.dumps(fake_api.requests[3].body)
    assert "aborted: the user stopped the run" in aborted
    assert "think hard" in aborted and "are you there?" in aborted


def test_slash_commands_and_a_double_ctrl_c_to_leave(fake_api: FakeAPI, start: Any) -> None:
    fake_api.add({"text": "1. Nothing"}, api="anthropic")
    fake_api.add(
        {"text": "Nothing to do.", "usage": {"input_tokens": 1200, "output_tokens": 34}},
        api="openai",
    )
    term = start("look around")
    term.expect("Nothing to do.")
    term.prompt()

    term.type("/help")
    term.expect("/undo")
    term.type("/provider openai")
    term.expect("provider: openai for every call")
    term.type("/cost")
    term.expect("openai/")
    term.expect("1.2k")
    term.type("/diff")
    term.expect("no changes in this session")
    term.type("/approval auto-edit")
    term.expect("approval mode: auto-edit")
    term.type("/plan")
    term.expect("the next call will plan")
    term.type("/sessions")
    term.expect("look around")
    term.prompt()
    term.child.send("\x03\x03")  # both at once: "within a second" even on a loaded machine
    term.expect("Ctrl-C again to quit")

    assert term.finish() == 130


def test_a_session_resumes_interactively_with_its_history(fake_api: FakeAPI, start: Any) -> None:
    fake_api.add({"text": "1. Remember"}, api="anthropic")
    fake_api.add({"text": "The secret word is *tulip*."}, api="openai")
    first = start("remember a word")
    first.expect("The secret word is tulip.")
    first.prompt()
    first.type("/quit")
    assert first.finish() == 0

    fake_api.add({"text": "1. Recall"}, api="anthropic")
    fake_api.add({"text": "It was tulip."}, api="openai")
    again = start(code=RESUME_LAST)  # what `codex resume --last` runs
    again.expect("resumed session")
    again.expect("› remember a word")
    again.expect("The secret word is tulip.")
    again.prompt()
    again.type("what was the word?")
    again.expect("It was tulip.")
    again.prompt()
    again.type("/quit")
    assert again.finish() == 0

    resumed = json.dumps(fake_api.requests[2].body)
    assert resumed.index("remember a word") < resumed.index("what was the word?")
    assert "The secret word is *tulip*." in resumed
    assert load_session(again.home).turns == 2
