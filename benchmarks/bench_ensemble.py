"""Ensemble wall time against its slowest member's, for 2, 3 and 5 members (issue 6).

Members are real adapters (OpenAI Responses and Anthropic Messages, alternating) talking HTTP
to the local fake API, each with a fixed artificial latency (the server's ``delay``), the
slowest ``--slowest`` seconds. For each size it prints the median wall time of one call to the
slowest member alone (the baseline, measured in the same run, through the same client) and of
one ensemble call (``majority``, every member proposing the same command), and their ratio.
Target: at most 1.1. Then the issue's case: three members each answering after 300 ms, which
must take well under the 600 ms that two calls in a row would.

Run: ``PYTHONPATH=. python benchmarks/bench_ensemble.py [--runs N] [--slowest SECONDS]``
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable
from dataclasses import replace
from typing import Any

from codex_py.config.settings import Endpoint
from codex_py.ensemble.panel import Member
from codex_py.ensemble.provider import EnsembleProvider
from codex_py.providers.anthropic import AnthropicProvider
from codex_py.providers.openai import OpenAIProvider
from codex_py.testing.fake_api import FakeAPI
from codex_py.types import ModelRequest, Provider

SIZES = (2, 3, 5)
TARGET = 1.1
SHELL = {"name": "shell", "description": "Run a command", "parameters": {"type": "object"}}
REQUEST = ModelRequest(
    messages=[{"role": "system", "content": "Be brief."}, {"role": "user", "content": "List."}],
    tools=[SHELL],
)
REPLY = {"tool_calls": [{"name": "shell", "arguments": {"command": ["ls", "-la"]}}]}


def members(fake: FakeAPI, count: int) -> list[Member]:
    openai = OpenAIProvider("openai", Endpoint(base_url=fake.openai_base_url), "k")
    anthropic = AnthropicProvider("anthropic", Endpoint(kind="anthropic", base_url=fake.url), "k")
    chosen: list[Provider] = [openai, anthropic]
    return [Member(f"p:m{i}", chosen[i % 2], f"m{i}") for i in range(count)]


def delays(count: int, slowest: float) -> list[float]:
    """Latencies spread up to ``slowest``; the last member is the slowest."""
    return [slowest * (i + 1) / count for i in range(count)]


async def timed(call: Awaitable[Any]) -> float:
    start = time.perf_counter()
    await call
    return time.perf_counter() - start


async def measure(
    fake: FakeAPI, count: int, latencies: list[float], runs: int
) -> tuple[float, float]:
    """Median seconds of the slowest member alone and of the whole ensemble."""
    team = members(fake, count)
    ensemble = EnsembleProvider("bench", team, strategy="majority", timeout=30)
    slowest = team[-1]
    alone, together = [], []
    for run in range(runs + 1):  # the first run warms the connections up and is not counted
        fake.add({**REPLY, "delay": latencies[-1]}, model=slowest.model)
        baseline = await timed(slowest.provider.complete(replace(REQUEST, model=slowest.model)))
        for member, latency in zip(team, latencies, strict=True):
            fake.add({**REPLY, "delay": latency}, model=member.model)
        whole = await timed(ensemble.complete(REQUEST))
        if run:
            alone.append(baseline)
            together.append(whole)
    await ensemble.aclose()
    return statistics.median(alone), statistics.median(together)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--slowest", type=float, default=0.3)
    options = parser.parse_args()
    print(f"{'members':>7}  {'slowest member':>14}  {'ensemble':>10}  ratio (target <= {TARGET})")
    with FakeAPI() as fake:
        for count in SIZES:
            latencies = delays(count, options.slowest)
            alone, together = asyncio.run(measure(fake, count, latencies, options.runs))
            ratio = together / alone
            verdict = "ok" if ratio <= TARGET else "OVER TARGET"
            print(
                f"{count:>7}  {alone * 1000:>11.1f} ms  {together * 1000:>7.1f} ms  "
                f"{ratio:.3f}  {verdict}"
            )
        _, three = asyncio.run(measure(fake, 3, [0.3, 0.3, 0.3], options.runs))
    print(f"three members at 300 ms each: {three * 1000:.1f} ms (two in a row would be 600 ms)")


if __name__ == "__main__":
    main()
