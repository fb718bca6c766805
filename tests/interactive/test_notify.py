"""`notify`: a real program gets Codex's agent-turn-complete JSON as its last argument."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from codex_py import config
from codex_py.config.settings import Settings
from codex_py.interactive.notify import notify_command, notify_turn_complete

WRITE_ARGS = "import json, sys; open(sys.argv[1], 'w').write(json.dumps(sys.argv[2:]))"


def settings_with(notify: list[str], tmp_path: Path) -> Settings:
    """Real settings, with ``notify`` set the way a config file would set it."""
    override = f"notify={json.dumps(notify)}"
    return config.load(tmp_path, env={"CODEX_HOME": str(tmp_path)}, overrides=[override]).settings


def wait_for(path: Path) -> str:
    deadline = time.monotonic() + 10
    while not path.exists() or not path.read_text():
        assert time.monotonic() < deadline, "the notifier never ran"
        time.sleep(0.01)
    return path.read_text()


def test_the_notifier_gets_the_turn_as_json(tmp_path: Path) -> None:
    out = tmp_path / "args.json"
    settings = settings_with([sys.executable, "-c", WRITE_ARGS, str(out)], tmp_path)

    warning = notify_turn_complete(settings, "thread-1", "turn-1", tmp_path, "fix it", "Fixed.")

    assert warning is None
    (payload,) = json.loads(wait_for(out))
    assert json.loads(payload) == {
        "type": "agent-turn-complete",
        "thread-id": "thread-1",
        "turn-id": "turn-1",
        "cwd": str(tmp_path),
        "input-messages": ["fix it"],
        "last-assistant-message": "Fixed.",
    }


def test_no_notifier_configured_does_nothing_and_a_missing_one_warns(tmp_path: Path) -> None:
    assert notify_command(settings_with([], tmp_path)) == []
    assert notify_command(settings_with(["notify-send", "codex"], tmp_path)) == [
        "notify-send",
        "codex",
    ]
    assert notify_turn_complete(settings_with([], tmp_path), "t", "u", tmp_path, "p", "a") is None
    missing = settings_with([str(tmp_path / "no-such-program")], tmp_path)
    warning = notify_turn_complete(missing, "t", "u", tmp_path, "p", "a")
    assert warning is not None and "cannot run" in warning and "no-such-program" in warning
