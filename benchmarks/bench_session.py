"""Session log and terminal rendering benchmark.

    python benchmarks/bench_session.py [--events N] [--sessions N]

- Writing: the cost per event of ``SessionLog.emit`` (redaction, JSON, write, flush) for a
  realistic mix of events, next to a bare baseline measured in the same run: ``json.dumps`` of
  the same event and a flushed write to a file (what any JSONL logger pays).
- Reading: ``list_sessions`` over many saved sessions, the first time (every log decoded) and
  again (summaries from the index, ``codex_py.session.index``); ``load_session`` of a large one.
- Streaming: rendering an answer streamed in small deltas as Markdown, next to printing the
  same Markdown once.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown

from codex_py import config
from codex_py.config.settings import Settings
from codex_py.events import (
    Event,
    HistoryEvent,
    MessageEvent,
    RouteEvent,
    TextDelta,
    ToolResultEvent,
    UsageEvent,
)
from codex_py.session.log import SessionLog, list_sessions, load_session
from codex_py.ui.render import TerminalRenderer

ENV = {"OPENAI_API_KEY": "sk-bench-0123456789abcdefghij", "GITHUB_TOKEN": "ghp_benchmark_token_x"}


def event_mix(count: int) -> Iterator[Event]:
    """Mostly deltas, with history messages, tool results and usage in between."""
    for index in range(count):
        kind = index % 20
        if kind < 14:
            yield TextDelta("a few words of text ")
        elif kind < 17:
            yield HistoryEvent({"role": "assistant", "content": "x" * 2000})
        elif kind < 19:
            yield ToolResultEvent(f"call_{index}", 0, "line of output\n" * 600, 0.1)
        else:
            yield UsageEvent("openai", "gpt-x", 1000, 200, cost_usd=0.001)


def per_event(fn: Callable[[Event], None], events: list[Event]) -> float:
    started = time.perf_counter()
    for event in events:
        fn(event)
    return (time.perf_counter() - started) / len(events)


def bench_writing(settings: Settings, root: Path, count: int) -> None:
    events = list(event_mix(count))
    with (root / "baseline.jsonl").open("a", encoding="utf-8") as handle:

        def bare(event: Event) -> None:
            handle.write(json.dumps(event.to_dict()) + "\n")
            handle.flush()

        baseline = per_event(bare, events)
    log = SessionLog.start(root / "home", settings, root, "benchmark", env=ENV)
    logged = per_event(log.emit, events)
    log.close()
    size = log.path.stat().st_size / 1e6
    print(f"write   {count} events, {size:.1f} MB")
    print(f"        baseline json+write+flush {baseline * 1e6:8.1f} µs/event")
    ratio = logged / baseline
    print(f"        SessionLog.emit           {logged * 1e6:8.1f} µs/event  ({ratio:.2f}x)")


def bench_reading(settings: Settings, root: Path, sessions: int, count: int) -> None:
    home = root / "many"
    for index in range(sessions):
        log = SessionLog.start(home, settings, root, f"task {index}", env={})
        for event in event_mix(500):
            log.emit(event)
        log.close()
    started = time.perf_counter()
    listed = list_sessions(home)
    listing = time.perf_counter() - started
    started = time.perf_counter()
    again = list_sessions(home)
    indexed = time.perf_counter() - started
    assert len(listed) == sessions and again == listed
    big = SessionLog.start(root / "big", settings, root, "big", env={})
    for event in event_mix(count):
        big.emit(event)
    big.close()
    started = time.perf_counter()
    record = load_session(root / "big")
    loading = time.perf_counter() - started
    size = big.path.stat().st_size / 1e6
    print(f"read    list_sessions of {sessions} sessions x 500 events  {listing * 1000:8.1f} ms")
    print(f"        the same again, from the index        {indexed * 1000:8.1f} ms")
    print(
        f"        load_session of {len(record.events)} events ({size:.1f} MB)  "
        f"{loading * 1000:8.1f} ms"
    )


ANSWER = (
    "## Changes\n\nI updated `utils.py` and **tests**.\n\n"
    + "".join(f"{n}. Step number {n} with some words\n" for n in range(1, 30))
    + "\n```python\n"
    + "".join(f"value_{n} = compute({n})\n" for n in range(80))
    + "```\n\nThat is all for now, the tests pass.\n"
)


def bench_streaming(delta_size: int) -> None:
    whole = Console(file=io.StringIO(), width=100)
    started = time.perf_counter()
    whole.print(Markdown(ANSWER))
    once = time.perf_counter() - started
    renderer = TerminalRenderer(Console(file=io.StringIO(), width=100))
    pieces = [ANSWER[i : i + delta_size] for i in range(0, len(ANSWER), delta_size)]
    started = time.perf_counter()
    renderer.emit(RouteEvent("tool_use", "openai", "gpt-x", "bench"))
    for piece in pieces:
        renderer.emit(TextDelta(piece))
    renderer.emit(MessageEvent("assistant", ANSWER, "tool_use"))
    streamed = time.perf_counter() - started
    print(f"stream  {len(ANSWER)} chars in {len(pieces)} deltas of {delta_size}")
    print(f"        Markdown printed once        {once * 1000:8.1f} ms")
    print(
        f"        streamed block by block      {streamed * 1000:8.1f} ms  ({streamed / once:.2f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--sessions", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        settings = config.load(root, env={}).settings
        bench_writing(settings, root, args.events)
        bench_reading(settings, root, args.sessions, args.events)
    bench_streaming(5)


if __name__ == "__main__":
    main()
