"""The optional Ember adapter: a clear error without Ember, and with a small ``ember`` package
written into tmp_path, a real import of it in a subprocess."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from codex_py import config
from codex_py.agent.wiring import Providers
from codex_py.ensemble.build import build_ensemble
from codex_py.errors import ConfigError
from codex_py.providers.ember import INSTALL_HINT, EmberProvider

REPO = Path(__file__).resolve().parents[2]
ENSEMBLE = "ensembles:\n  mixed:\n    models: [ember:gpt-4o, ember:claude-3]\n    strategy: judge\n"

FAKE_EMBER = """
import threading


class Response:
    def __init__(self, text, usage):
        self.text = text
        self.usage = usage


def models(model, prompt, **params):
    if model == "broken":
        raise RuntimeError("no API key for broken")
    if model == "odd":
        return 42
    seen = {"model": model, "prompt": prompt, "params": params,
            "thread": threading.current_thread().name}
    return Response(json.dumps(seen), {"prompt_tokens": 7, "completion_tokens": 2, "cost": 0.0})
"""

SCRIPT = """
import asyncio, json, sys
from pathlib import Path
from codex_py import config
from codex_py.errors import ProviderError
from codex_py.events import ListSink
from codex_py.providers.ember import EmberProvider
from codex_py.agent.wiring import Providers
from codex_py.ensemble.build import build_ensemble
from codex_py.types import ModelRequest

messages = [
    {"role": "system", "content": "be safe"},
    {"role": "user", "content": "list files"},
    {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "shell", "arguments": "{}"}}]},
    {"role": "tool", "tool_call_id": "c1", "content": "a.txt"},
]

async def main():
    out = {}
    provider = EmberProvider()
    one = await provider.complete(ModelRequest(messages, model="gpt-4o", max_output_tokens=50))
    out["one"] = {"seen": json.loads(one.text), "input": one.usage.input_tokens,
                  "output": one.usage.output_tokens}
    for model in ("broken", "odd"):
        try:
            await provider.complete(ModelRequest(messages, model=model))
        except ProviderError as error:
            out[model] = error.message
    cwd = Path(sys.argv[1])
    home = {"CODEX_HOME": str(cwd)}
    settings = config.load(cwd, config_file=cwd / "mixed.yaml", env=home).settings
    sink = ListSink()
    endpoints = Providers(settings, env={}, cwd=cwd).endpoint
    team = build_ensemble(settings, "mixed", endpoints, sink=sink)
    judged = await team.complete(ModelRequest(messages))
    out["team"] = {"model": json.loads(judged.text)["model"], "provider": judged.provider,
                   "events": [e.to_dict() for e in sink.events]}
    print(json.dumps(out))

asyncio.run(main())
"""


@pytest.mark.skipif(importlib.util.find_spec("ember") is not None, reason="Ember is installed")
def test_without_ember_the_error_says_how_to_install_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        EmberProvider()
    assert "ember:<model> members need Ember" in caught.value.message
    assert caught.value.hint == INSTALL_HINT
    assert "pyember/ember" in INSTALL_HINT and "placeholder" in INSTALL_HINT


@pytest.mark.skipif(importlib.util.find_spec("ember") is not None, reason="Ember is installed")
def test_an_ensemble_with_ember_members_fails_to_build_with_that_error(tmp_path: Path) -> None:
    (tmp_path / "mixed.yaml").write_text(ENSEMBLE)
    env = {"CODEX_HOME": str(tmp_path)}
    settings = config.load(tmp_path, config_file=tmp_path / "mixed.yaml", env=env).settings
    with pytest.raises(ConfigError, match="need Ember"):
        build_ensemble(settings, "mixed", Providers(settings, env=env, cwd=tmp_path).endpoint)


@pytest.fixture(scope="module")
def with_fake_ember(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What the script printed, run once in a subprocess that imports the fake Ember."""
    tmp_path = tmp_path_factory.mktemp("ember")
    package = tmp_path / "site" / "ember"
    (package / "api").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "api" / "__init__.py").write_text("import json\n" + FAKE_EMBER)
    (tmp_path / "mixed.yaml").write_text(ENSEMBLE)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path / "site"), str(REPO)])}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_ember_members_are_called_through_ember_in_a_thread(
    with_fake_ember: dict[str, Any],
) -> None:
    result = with_fake_ember
    one = result["one"]
    assert one["seen"]["model"] == "gpt-4o"
    assert one["seen"]["params"] == {"max_tokens": 50}
    assert one["seen"]["thread"] != "MainThread"
    prompt = one["seen"]["prompt"]
    assert prompt.startswith("System: be safe\n\nUser: list files")
    assert "[tool call c1: shell {}]" in prompt and "a.txt" in prompt
    assert (one["input"], one["output"]) == (7, 2)
    assert result["broken"] == "ember model 'broken' failed: no API key for broken"
    assert result["odd"] == "ember model 'odd' returned int, not text"


def test_an_ensemble_of_ember_members_decides(with_fake_ember: dict[str, Any]) -> None:
    team = with_fake_ember["team"]
    assert team["provider"] == "mixed"
    assert team["model"] == "gpt-4o"  # no judge configured: the first member judges
    members = [(e["member"], e["role"], e["ok"]) for e in team["events"] if e["type"] != "vote"]
    assert members == [
        ("ember:gpt-4o", "member", True),
        ("ember:claude-3", "member", True),
        ("ember:gpt-4o", "judge", True),
    ]
    assert team["events"][-1]["type"] == "vote"
