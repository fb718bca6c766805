"""``notify``: run a program when a turn completes, as Codex does.

With ``notify: [program, arg, ...]`` in the config, each finished turn runs
``program arg ... '<json>'``, the JSON being Codex's ``agent-turn-complete`` payload::

    {"type": "agent-turn-complete", "thread-id": ..., "turn-id": ..., "cwd": ...,
     "input-messages": [...], "last-assistant-message": ...}

The program runs in the background, detached from the terminal; its output is discarded.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from codex_py.config.settings import Settings


def notify_command(settings: Settings) -> list[str]:
    """The configured ``notify`` argv ([] when unset)."""
    return list(settings.notify)


def turn_complete_payload(
    thread_id: str, turn_id: str, cwd: Path, prompt: str, last_message: str
) -> dict[str, Any]:
    return {
        "type": "agent-turn-complete",
        "thread-id": thread_id,
        "turn-id": turn_id,
        "cwd": str(cwd),
        "input-messages": [prompt],
        "last-assistant-message": last_message,
    }


def run_notify(command: Sequence[str], payload: dict[str, Any]) -> subprocess.Popen[bytes]:
    """Start ``command`` with the payload as its last argument; a thread reaps it."""
    process = subprocess.Popen(
        [*command, json.dumps(payload)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    threading.Thread(target=process.wait, name="notify", daemon=True).start()
    return process


def notify_turn_complete(
    settings: Settings, thread_id: str, turn_id: str, cwd: Path, prompt: str, last_message: str
) -> str | None:
    """Run the configured notifier, if any. Returns a warning when it cannot start."""
    command = notify_command(settings)
    if not command:
        return None
    payload = turn_complete_payload(thread_id, turn_id, cwd, prompt, last_message)
    try:
        run_notify(command, payload)
    except OSError as error:
        return f"notify: cannot run {command[0]!r}: {error.strerror or error}"
    return None
