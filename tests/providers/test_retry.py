"""RetryingProvider and FallbackProvider over small scripted providers (real Provider classes)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from typing import Any

import pytest

from codex_py.config.settings import RetrySettings
from codex_py.errors import ConfigError, ContextLengthError, ProviderError
from codex_py.events import FallbackEvent, ListSink, RetryEvent
from codex_py.providers.fallback import FallbackProvider, parse_fallbacks
from codex_py.providers.retry import RetryingProvider, backoff_delay, note_progress
from codex_py.types import ModelRequest, ModelResponse, TextCallback

SETTINGS = RetrySettings(max_attempts=5, base_delay=0.5, max_delay=30.0, stream_idle_timeout=60.0)


def tuned(**changes: Any) -> RetrySettings:
    return replace(SETTINGS, **changes)


def failure(status: int | None, *, retry_after: float | None = None) -> ProviderError:
    retryable = status is None or status in (408, 409, 429, 500, 502, 503, 504, 529)
    return ProviderError(
        f"HTTP {status}", "hint", status=status, retryable=retryable, retry_after=retry_after
    )


@dataclass
class Partial:
    """Stream ``text``, then fail with ``error``."""

    text: str
    error: ProviderError


@dataclass
class Hang:
    """Never answer (until cancelled); send a heartbeat ``beats`` times first, ``every`` apart."""

    beats: int = 0
    every: float = 0.0
    text: bool = False


Step = str | ProviderError | Partial | Hang


class Scripted:
    """A provider that plays its steps in order: text answers, errors, partial streams, hangs
    with heartbeats (what the retry layer must survive; ``ScriptedProvider`` has no streams)."""

    async def aclose(self) -> None:
        pass

    def __init__(self, name: str, *steps: Step) -> None:
        self.name = name
        self.steps = list(steps)
        self.requests: list[ModelRequest] = []
        self.cancelled = 0

    async def complete(
        self, request: ModelRequest, on_text: TextCallback | None = None
    ) -> ModelResponse:
        self.requests.append(request)
        step = self.steps.pop(0)
        emit = on_text or (lambda _text: None)
        if isinstance(step, ProviderError):
            raise step
        if isinstance(step, Partial):
            emit(step.text)
            raise step.error
        if isinstance(step, Hang):
            return await self._hang(step, emit)
        emit(step)
        return ModelResponse(text=step, provider=self.name, model=request.model)

    async def _hang(self, step: Hang, emit: TextCallback) -> ModelResponse:
        try:
            for _ in range(step.beats):
                await asyncio.sleep(step.every)
                emit(".") if step.text else note_progress()
            if step.beats:
                return ModelResponse(text="slow but alive", provider=self.name)
            await asyncio.Event().wait()
            raise AssertionError("unreachable")
        except asyncio.CancelledError:
            self.cancelled += 1
            raise


class Waits:
    """An injected ``sleep`` that records the waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def run(coro: Coroutine[Any, Any, ModelResponse]) -> ModelResponse:
    return asyncio.run(coro)


def request(**kwargs: Any) -> ModelRequest:
    return ModelRequest(messages=[{"role": "user", "content": "hi"}], model="m1", **kwargs)


def retrying(
    inner: Scripted, settings: RetrySettings = SETTINGS, sink: ListSink | None = None
) -> tuple[RetryingProvider, Waits]:
    waits = Waits()
    return RetryingProvider(inner, settings, sink, sleep=waits, rng=random.Random(7)), waits


def retries(sink: ListSink) -> list[RetryEvent]:
    return [e for e in sink.events if isinstance(e, RetryEvent)]


def test_503_then_success() -> None:
    sink, texts = ListSink(), list[str]()
    inner = Scripted("openai", failure(503), "done")
    provider, waits = retrying(inner, sink=sink)
    response = run(provider.complete(request(), texts.append))
    assert response.text == "done"
    assert texts == ["done"]
    assert len(inner.requests) == 2
    assert len(waits.waits) == 1 and 0 <= waits.waits[0] <= SETTINGS.base_delay
    [event] = retries(sink)
    assert (event.provider, event.attempt, event.delay) == ("openai", 1, waits.waits[0])
    assert "503" in event.reason and not event.discarded_text


def test_retry_after_is_a_floor() -> None:
    sink = ListSink()
    inner = Scripted(
        "anthropic", failure(429, retry_after=3.0), failure(429, retry_after=1.5), "ok"
    )
    provider, waits = retrying(inner, sink=sink)
    assert run(provider.complete(request())).text == "ok"
    assert waits.waits[0] >= 3.0 and waits.waits[1] >= 1.5
    assert all(w <= SETTINGS.max_delay for w in waits.waits)
    assert [e.delay for e in retries(sink)] == waits.waits


def test_a_longer_retry_after_than_max_delay_gives_up_at_once() -> None:
    inner = Scripted("openai", failure(429, retry_after=3600.0), "never")
    provider, waits = retrying(inner)
    with pytest.raises(ProviderError, match=r"retries\.max_delay") as raised:
        run(provider.complete(request()))
    assert raised.value.retryable and raised.value.status == 429
    assert len(inner.requests) == 1 and waits.waits == []


def test_attempts_are_bounded_and_the_last_error_says_so() -> None:
    sink = ListSink()
    settings = tuned(max_attempts=4)
    inner = Scripted("anthropic", *[failure(529)] * 4)
    provider, waits = retrying(inner, settings, sink)
    with pytest.raises(ProviderError, match="gave up after 4 attempts") as raised:
        run(provider.complete(request()))
    assert len(inner.requests) == 4 and len(waits.waits) == 3
    assert [e.attempt for e in retries(sink)] == [1, 2, 3]
    assert raised.value.status == 529 and raised.value.retryable
    assert isinstance(raised.value.__cause__, ProviderError)


def test_waits_grow_exponentially_with_full_jitter_under_the_cap() -> None:
    settings = tuned(max_attempts=9, base_delay=1.0, max_delay=4.0)
    inner = Scripted("openai", *[failure(500)] * 8, "ok")
    provider, waits = retrying(inner, settings)
    assert run(provider.complete(request())).text == "ok"
    ceilings = [1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0]
    assert all(0 <= w <= c for w, c in zip(waits.waits, ceilings, strict=True))
    assert len(set(waits.waits)) == len(waits.waits)  # jittered, not a fixed schedule


def test_backoff_delay_is_uniform_over_the_whole_range() -> None:
    rng = random.Random(1)
    samples = [backoff_delay(3, SETTINGS, None, rng) for _ in range(2000)]
    assert all(0 <= s <= 2.0 for s in samples)  # base 0.5 * 2**2
    assert min(samples) < 0.1 and max(samples) > 1.9  # full jitter reaches both ends
    assert backoff_delay(20, SETTINGS, None, rng) <= SETTINGS.max_delay
    assert backoff_delay(1, SETTINGS, 7.0, rng) >= 7.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
def test_client_errors_are_never_retried(status: int) -> None:
    sink = ListSink()
    error = failure(status)
    inner = Scripted("openai", error, "never")
    provider, waits = retrying(inner, sink=sink)
    with pytest.raises(ProviderError) as raised:
        run(provider.complete(request()))
    assert raised.value is error
    assert len(inner.requests) == 1 and waits.waits == [] and sink.events == []


def test_context_length_errors_are_not_retried() -> None:
    error = ContextLengthError("too long", "compact", status=400)
    inner = Scripted("openai", error, "never")
    provider, _ = retrying(inner)
    with pytest.raises(ContextLengthError):
        run(provider.complete(request()))
    assert len(inner.requests) == 1


def test_partial_text_is_reported_discarded() -> None:
    sink, texts = ListSink(), list[str]()
    flagged = ProviderError("dropped", retryable=True, partial_text=True)
    inner = Scripted("openai", Partial("Hel", failure(None)), flagged, failure(502), "Hello")
    provider, _ = retrying(inner, sink=sink)
    assert run(provider.complete(request(), texts.append)).text == "Hello"
    assert [e.discarded_text for e in retries(sink)] == [True, True, False]
    assert texts == ["Hel", "Hello"]


def test_a_stalled_stream_is_cancelled_and_retried() -> None:
    sink = ListSink()
    settings = tuned(max_attempts=3, stream_idle_timeout=0.05)
    inner = Scripted("anthropic", Hang(), "after the stall")
    provider, _ = retrying(inner, settings, sink)
    assert run(provider.complete(request())).text == "after the stall"
    assert len(inner.requests) == 2 and inner.cancelled == 1
    [event] = retries(sink)
    assert "stalled" in event.reason and "0.05" in event.reason


@pytest.mark.parametrize("text", [True, False], ids=["text deltas", "note_progress"])
def test_progress_keeps_a_slow_stream_alive(text: bool) -> None:
    settings = tuned(max_attempts=1, stream_idle_timeout=0.25)
    inner = Scripted("openai", Hang(beats=40, every=0.01, text=text))
    provider, _ = retrying(inner, settings)
    assert run(provider.complete(request())).text == "slow but alive"
    assert inner.cancelled == 0


def test_stall_after_exhausted_attempts_is_a_clear_error() -> None:
    settings = tuned(max_attempts=2, stream_idle_timeout=0.02)
    inner = Scripted("openai", Hang(), Hang())
    provider, _ = retrying(inner, settings)
    with pytest.raises(ProviderError, match=r"stalled.*gave up after 2 attempts") as raised:
        run(provider.complete(request()))
    assert "stream_idle_timeout" in raised.value.hint
    assert inner.cancelled == 2


def test_the_idle_timeout_does_not_apply_to_unstreamed_calls() -> None:
    settings = tuned(max_attempts=1, stream_idle_timeout=0.01)
    inner = Scripted("openai", Hang(beats=1, every=0.05))
    provider, _ = retrying(inner, settings)
    assert run(provider.complete(request(stream=False))).text == "slow but alive"


# --- fallbacks --------------------------------------------------------------------------------


def fallback_events(sink: ListSink) -> list[FallbackEvent]:
    return [e for e in sink.events if isinstance(e, FallbackEvent)]


def test_fallbacks_are_tried_in_order_after_retries_are_exhausted() -> None:
    sink = ListSink()
    settings = tuned(max_attempts=2)
    primary = Scripted("anthropic", failure(529), failure(529))
    first = Scripted("openai", failure(503))
    second = Scripted("ollama", "rescued")
    provider = FallbackProvider(
        retrying(primary, settings, sink)[0],
        [("openai:gpt-5.1", "gpt-5.1", first), ("ollama:llama3:8b", "llama3:8b", second)],
        sink,
    )
    response = run(provider.complete(request(intent="planning")))
    assert (response.text, response.provider, response.model) == ("rescued", "ollama", "llama3:8b")
    assert len(primary.requests) == 2
    assert [r.model for r in first.requests + second.requests] == ["gpt-5.1", "llama3:8b"]
    events = fallback_events(sink)
    assert [(e.from_provider, e.to_provider, e.model) for e in events] == [
        ("anthropic:m1", "openai:gpt-5.1", "gpt-5.1"),
        ("openai:gpt-5.1", "ollama:llama3:8b", "llama3:8b"),
    ]
    assert all(e.intent == "planning" for e in events)
    assert "gave up after 2 attempts" in events[0].reason
    assert [type(e) for e in sink.events] == [RetryEvent, FallbackEvent, FallbackEvent]


@pytest.mark.parametrize(
    "error",
    [failure(401), failure(404), failure(400), ContextLengthError("too long", status=400)],
    ids=["401", "404 model", "400", "context length"],
)
def test_no_fallback_from_errors_a_fallback_cannot_cure(error: ProviderError) -> None:
    sink = ListSink()
    spare = Scripted("openai", "unused")
    provider = FallbackProvider(Scripted("anthropic", error), [("openai:x", "x", spare)], sink)
    with pytest.raises(ProviderError) as raised:
        run(provider.complete(request()))
    assert raised.value is error
    assert spare.requests == [] and sink.events == []


def test_fallbacks_per_intent() -> None:
    spare = Scripted("openai", "planned")
    chains = {"planning": [("openai:gpt-5.1", "gpt-5.1", spare)]}
    provider = FallbackProvider(Scripted("anthropic", failure(529), failure(529)), chains)
    assert run(provider.complete(request(intent="planning"))).text == "planned"
    with pytest.raises(ProviderError, match="529"):
        run(provider.complete(request(intent="tool_use")))
    assert len(spare.requests) == 1


def test_when_every_fallback_fails_the_error_names_them_all() -> None:
    provider = FallbackProvider(
        Scripted("anthropic", failure(529)),
        [
            ("openai:a", "a", Scripted("openai", failure(401))),
            ("groq:b", "b", Scripted("groq", failure(503))),
        ],
    )
    with pytest.raises(ProviderError) as raised:
        run(provider.complete(request()))
    message = raised.value.message
    assert (
        message.startswith("HTTP 529")
        and "openai:a: HTTP 401" in message
        and "groq:b: HTTP 503" in message
    )
    assert raised.value.retryable and raised.value.status == 529


def test_a_fallback_to_the_same_provider_and_model_is_skipped() -> None:
    same = Scripted("anthropic", "never")
    other = Scripted("openai", "other")
    provider = FallbackProvider(
        Scripted("anthropic", failure(503)),
        [("anthropic:m1", "m1", same), ("openai:o", "o", other)],
    )
    assert run(provider.complete(request())).text == "other"
    assert same.requests == []


def test_parse_fallbacks() -> None:
    providers = {"openai": Scripted("openai"), "ollama": Scripted("ollama")}
    parsed = parse_fallbacks({"planning": ("openai:gpt-5.1", "ollama:llama3:8b")}, providers)
    assert [(label, model, p.name) for label, model, p in parsed["planning"]] == [
        ("openai:gpt-5.1", "gpt-5.1", "openai"),
        ("ollama:llama3:8b", "llama3:8b", "ollama"),
    ]
    for bad in ("mistral:large", "openai", "openai:"):
        with pytest.raises(ConfigError, match=r"fallbacks\.tool_use"):
            parse_fallbacks({"tool_use": (bad,)}, providers)
