"""Per-call cost of the provider adapters, through the real SDKs, against the local fake API.

For each wire (Responses, Chat Completions, Anthropic Messages), streamed and not, prints the
median time of one ``complete()`` call beside a baseline measured in the same run: the same
request and reply over a raw keep-alive ``http.client`` connection, which costs the server and
the socket but no SDK and no adapter. The difference is what the SDK and our adapter add.

Run: ``PYTHONPATH=. python benchmarks/bench_providers.py [--calls N]``
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import statistics
import time
from typing import Any

from codex_py.config.settings import Endpoint
from codex_py.providers.anthropic import AnthropicProvider
from codex_py.providers.openai import OpenAIProvider
from codex_py.testing.fake_api import FakeAPI
from codex_py.types import ModelRequest

REPLY = {
    "text": " ".join(f"word{n}" for n in range(60)),
    "tool_calls": [{"name": "shell", "arguments": {"command": ["ls", "-la"]}}],
}
SHELL = {"name": "shell", "description": "Run a command", "parameters": {"type": "object"}}
MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "List."}]
PATHS = {"responses": "/v1/responses", "chat": "/v1/chat/completions", "messages": "/v1/messages"}


def adapter(fake: FakeAPI, wire: str) -> OpenAIProvider | AnthropicProvider:
    if wire == "messages":
        return AnthropicProvider("anthropic", Endpoint(kind="anthropic", base_url=fake.url), "k")
    endpoint = Endpoint(
        base_url=fake.openai_base_url, wire_api="chat" if wire == "chat" else "responses"
    )
    return OpenAIProvider("openai", endpoint, "k")


def baseline(fake: FakeAPI, wire: str, stream: bool, calls: int) -> float:
    """Median seconds of a raw HTTP round trip for the same request and reply."""
    body = json.dumps({"model": "m", "stream": stream, "messages": MESSAGES, "tools": [SHELL]})
    connection = http.client.HTTPConnection(fake.url.removeprefix("http://"))
    times = []
    for _ in range(calls):
        fake.add(REPLY)
        start = time.perf_counter()
        connection.request("POST", PATHS[wire], body, {"content-type": "application/json"})
        connection.getresponse().read()
        times.append(time.perf_counter() - start)
    connection.close()
    return statistics.median(times)


async def through_adapter(fake: FakeAPI, wire: str, stream: bool, calls: int) -> float:
    """Median seconds of one ``complete()`` call, the client reused as in a real run."""
    provider = adapter(fake, wire)
    request = ModelRequest(messages=MESSAGES, tools=[SHELL], model="m", stream=stream)
    deltas: list[str] = []
    times = []
    for _ in range(calls):
        fake.add(REPLY)
        start = time.perf_counter()
        await provider.complete(request, deltas.append)
        times.append(time.perf_counter() - start)
    await provider.aclose()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    calls = parser.parse_args().calls
    rows: list[tuple[Any, ...]] = []
    with FakeAPI() as fake:
        for wire in PATHS:
            for stream in (True, False):
                asyncio.run(through_adapter(fake, wire, stream, 5))  # warm up
                raw = baseline(fake, wire, stream, calls)
                ours = asyncio.run(through_adapter(fake, wire, stream, calls))
                rows.append((wire, "stream" if stream else "plain", raw, ours))
    print(f"{'wire':<10} {'mode':<7} {'raw HTTP':>10} {'adapter':>10} {'added':>10}")
    for wire, mode, raw, ours in rows:
        print(
            f"{wire:<10} {mode:<7} {raw * 1000:8.2f} ms {ours * 1000:8.2f} ms"
            f" {(ours - raw) * 1000:8.2f} ms"
        )


if __name__ == "__main__":
    main()
