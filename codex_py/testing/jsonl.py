"""Reading ``codex exec --json`` output back, for tests and benchmarks."""

from __future__ import annotations

import json
from typing import Any

JsonEvent = dict[str, Any]


def events(stdout: str) -> list[JsonEvent]:
    """Every JSON event line of ``stdout``, in order."""
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def of(log: list[JsonEvent], kind: str) -> list[JsonEvent]:
    """The events of one ``type``."""
    return [event for event in log if event["type"] == kind]
