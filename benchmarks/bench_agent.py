"""The agent's own overhead per turn, over 50 tool turns running `true`, excluding tool time.

    python benchmarks/bench_agent.py [--turns 50] [--rounds 3]

The fake API runs in its own process (so it does not share our interpreter), answering
instantly. Each round first times a baseline, the same number of raw streamed HTTP calls to the
same server with `http.client` (what the network and the server cost, with no SDK and no agent),
then a real `Agent` built by `build_agent` doing a planning call, `--turns` tool calls of
`["true"]` and a final answer. Per turn: (agent wall time - time inside the tools) / calls.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from codex_py import config
from codex_py.agent.wiring import build_agent
from codex_py.events import ListSink, ToolResultEvent

ROOT = Path(__file__).resolve().parents[1]


def script(turns: int, rounds: int) -> list[dict[str, object]]:
    """For each round: replies for the baseline, then the same again for the agent."""
    one = [{"api": "anthropic", "text": "1. Run true\n2. Report"}]
    one += [
        {"api": "openai", "tool_calls": [{"name": "shell", "arguments": {"command": ["true"]}}]}
    ] * turns
    one += [{"api": "openai", "text": "Done."}]
    return one * 2 * rounds


def start_server(
    replies: list[dict[str, object]], workdir: Path
) -> tuple[subprocess.Popen[str], int]:
    path = workdir / "replies.yaml"
    path.write_text(yaml.safe_dump(replies))
    server = subprocess.Popen(
        [sys.executable, "-m", "codex_py.testing.fake_api", "--port", "0", "--script", str(path)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert server.stdout is not None
    first_line = server.stdout.readline()  # "FakeAPI listening on http://127.0.0.1:PORT"
    if "listening on" not in first_line:
        server.kill()
        raise SystemExit(f"the fake API did not start: {first_line!r}")
    return server, int(first_line.rsplit(":", 1)[1])


def baseline(port: int, turns: int) -> float:
    """Seconds for the same sequence of calls as raw streamed HTTP requests."""
    connection = http.client.HTTPConnection("127.0.0.1", port)
    calls = [("/v1/messages", {"model": "m", "max_tokens": 10})]
    calls += [("/v1/responses", {"model": "m"})] * (turns + 1)
    start = time.perf_counter()
    for path, body in calls:
        payload = json.dumps({**body, "stream": True, "messages": [], "input": []})
        connection.request("POST", path, payload, {"content-type": "application/json"})
        connection.getresponse().read()
    took = time.perf_counter() - start
    connection.close()
    return took


def agent_run(port: int, turns: int, repo: Path) -> tuple[float, float, int]:
    """(wall seconds, seconds inside tools, model calls) of one agent run."""
    env = {
        "CODEX_HOME": str(repo / ".home"),
        "OPENAI_API_KEY": "bench",
        "ANTHROPIC_API_KEY": "bench",
        "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1",
        "ANTHROPIC_BASE_URL": f"http://127.0.0.1:{port}",
    }
    loaded = config.load(repo, env=env, overrides=[f"limits.max_turns={turns + 5}"])
    sink = ListSink()
    agent = build_agent(loaded.settings, repo, sink=sink, env=env)
    start = time.perf_counter()
    result = asyncio.run(agent.run("run true many times"))
    wall = time.perf_counter() - start
    assert result.status == "completed", result
    tools = sum(e.duration_seconds for e in sink.events if isinstance(e, ToolResultEvent))
    return wall, tools, result.turns


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        repo = work / "repo"
        repo.mkdir()
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        server, port = start_server(script(args.turns, args.rounds), work)
        try:
            raw, ours, calls = [], [], 0
            for _ in range(args.rounds):
                raw.append(baseline(port, args.turns))
                wall, tools, calls = agent_run(port, args.turns, repo)
                ours.append(wall - tools)
        finally:
            server.terminate()
            server.wait()
    raw_turn = statistics.median(raw) / calls
    our_turn = statistics.median(ours) / calls
    print(f"model calls per run           {calls} ({args.turns} tool turns running `true`)")
    print(f"raw HTTP per call (baseline)  {raw_turn * 1000:6.2f} ms")
    print(f"agent per turn, tools excluded {our_turn * 1000:6.2f} ms")
    print(
        f"agent's own overhead per turn {(our_turn - raw_turn) * 1000:6.2f} ms  (target: <= 5 ms)"
    )


if __name__ == "__main__":
    main()
