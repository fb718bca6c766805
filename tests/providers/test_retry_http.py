"""RetryingProvider over the real adapters and SDKs, against the local fake API, for each wire
protocol: error statuses, Retry-After, dropped, truncated, malformed and stalled streams."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Awaitable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from codex_py.config.settings import Endpoint, RetrySettings
from codex_py.errors import ProviderError
from codex_py.events import FallbackEvent, ListSink, RetryEvent
from codex_py.providers.anthropic import AnthropicProvider
from codex_py.providers.fallback import FallbackProvider
from codex_py.providers.openai import OpenAIProvider
from codex_py.providers.retry import RetryingProvider
from codex_py.testing.fake_api import FakeAPI, RecordedRequest
from codex_py.types import ModelRequest, ModelResponse

WIRES = ["responses", "chat", "anthropic"]
TEXT = "one two three four five six seven eight nine ten"
SETTINGS = RetrySettings(max_attempts=5, base_delay=0.5, max_delay=30.0, stream_idle_timeout=30.0)


Adapter = OpenAIProvider | AnthropicProvider


@pytest.fixture(scope="module")
def api() -> Iterator[FakeAPI]:
    """One server for the module; each test scripts and reads back its own model name."""
    with FakeAPI() as server:
        yield server


def fresh_model() -> str:
    return f"model-{uuid.uuid4().hex[:8]}"


def adapter(api: FakeAPI, wire: str) -> Adapter:
    if wire == "anthropic":
        endpoint = Endpoint(
            kind="anthropic", base_url=api.anthropic_base_url, api_key_env="ANTHROPIC_API_KEY"
        )
        return AnthropicProvider("anthropic", replace(endpoint, timeout=20), "test-key")
    endpoint = Endpoint(
        kind="openai",
        base_url=api.openai_base_url,
        api_key_env="OPENAI_API_KEY",
        wire_api="chat" if wire == "chat" else "responses",
        timeout=20,
    )
    return OpenAIProvider("openai", endpoint, "test-key")


class Harness:
    """One retrying adapter over the fake API, with its waits, events and streamed text."""

    def __init__(self, api: FakeAPI, wire: str, settings: RetrySettings = SETTINGS) -> None:
        self.api = api
        self.model = fresh_model()
        self.sink = ListSink()
        self.waits: list[float] = []
        self.texts: list[str] = []
        self.adapter = adapter(api, wire)
        self.provider = RetryingProvider(
            self.adapter, settings, self.sink, sleep=self._sleep, rng=random.Random(3)
        )

    async def _sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def call(self, *replies: dict[str, Any]) -> ModelResponse:
        for reply in replies:
            self.api.add(reply, model=self.model)
        request = ModelRequest(messages=[{"role": "user", "content": "hi"}], model=self.model)
        return asyncio.run(
            closing(self.provider.complete(request, self.texts.append), self.adapter)
        )

    @property
    def requests(self) -> list[RecordedRequest]:
        return [r for r in self.api.requests if r.model == self.model]

    @property
    def attempts(self) -> int:
        return len(self.requests)

    @property
    def retries(self) -> list[RetryEvent]:
        return [e for e in self.sink.events if isinstance(e, RetryEvent)]


async def closing(call: Awaitable[ModelResponse], *adapters: Adapter) -> ModelResponse:
    """Await ``call``, then close the adapters' HTTP clients (they belong to this event loop)."""
    try:
        return await call
    finally:
        for each in adapters:
            await each.aclose()


def error(status: int, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return {"status": status, "error": {"message": f"scripted {status}"}, "headers": headers or {}}


OK = {"text": TEXT}


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize(
    ("headers", "floor"), [({"retry-after": "1"}, 1.0), ({"retry-after-ms": "1500"}, 1.5)]
)
def test_429_waits_at_least_retry_after(
    api: FakeAPI, wire: str, headers: dict[str, str], floor: float
) -> None:
    harness = Harness(api, wire)
    assert harness.call(error(429, headers), OK).text == TEXT
    assert harness.attempts == 2
    assert len(harness.waits) == 1 and floor <= harness.waits[0] <= SETTINGS.max_delay


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("status", [503, 529])
def test_overloaded_then_success(api: FakeAPI, wire: str, status: int) -> None:
    harness = Harness(api, wire)
    assert harness.call(error(status), OK).text == TEXT
    assert harness.attempts == 2
    assert 0 <= harness.waits[0] <= SETTINGS.base_delay
    first, second = harness.requests
    assert first.body == second.body  # the same request again, from the start


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("status", [400, 401])
def test_client_errors_are_not_retried(api: FakeAPI, wire: str, status: int) -> None:
    harness = Harness(api, wire)
    with pytest.raises(ProviderError) as raised:
        harness.call(error(status), OK)
    assert raised.value.status == status and not raised.value.retryable
    assert harness.attempts == 1 and harness.waits == [] and harness.retries == []
    if status == 401:
        assert "API_KEY" in raised.value.hint


@pytest.mark.parametrize("wire", WIRES)
def test_attempts_are_bounded(api: FakeAPI, wire: str) -> None:
    harness = Harness(api, wire, replace(SETTINGS, max_attempts=3))
    with pytest.raises(ProviderError, match="gave up after 3 attempts"):
        harness.call(error(503), error(503), error(503), OK)
    assert harness.attempts == 3 and len(harness.waits) == 2


@pytest.mark.parametrize("wire", WIRES)
def test_a_dropped_stream_is_retried_and_its_text_discarded(api: FakeAPI, wire: str) -> None:
    harness = Harness(api, wire)
    response = harness.call({**OK, "fault": "drop", "fault_after": 6}, OK)
    assert response.text == TEXT
    assert harness.attempts == 2
    [event] = harness.retries
    assert event.discarded_text
    partial = "".join(harness.texts)[: -len(TEXT)]
    assert partial and TEXT.startswith(partial)  # some text streamed before the drop


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize("fault", ["truncate", "malformed"])
def test_a_broken_stream_is_never_accepted(api: FakeAPI, wire: str, fault: str) -> None:
    harness = Harness(api, wire)
    assert harness.call({**OK, "fault": fault}, OK).text == TEXT
    assert harness.attempts == 2
    [event] = harness.retries
    assert "broken reply" in event.reason


@pytest.mark.parametrize("wire", WIRES)
def test_a_stalled_stream_is_aborted_and_retried(api: FakeAPI, wire: str) -> None:
    harness = Harness(api, wire, replace(SETTINGS, stream_idle_timeout=0.3))
    response = harness.call({**OK, "fault": "stall", "delay": 30, "fault_after": 2}, OK)
    assert response.text == TEXT
    assert harness.attempts == 2
    [event] = harness.retries
    assert "stalled" in event.reason


def test_fallback_after_retries_are_exhausted(api: FakeAPI) -> None:
    sink = ListSink()
    settings = replace(SETTINGS, max_attempts=2)

    async def no_wait(_seconds: float) -> None:
        return None

    anthropic, openai = adapter(api, "anthropic"), adapter(api, "responses")
    primary = RetryingProvider(anthropic, settings, sink, sleep=no_wait)
    spare = RetryingProvider(openai, settings, sink, sleep=no_wait)
    main, backup = fresh_model(), fresh_model()
    provider = FallbackProvider(primary, {"planning": [(f"openai:{backup}", backup, spare)]}, sink)
    api.add(error(529), model=main)
    api.add(error(529), model=main)
    api.add(OK, model=backup)
    request = ModelRequest(
        messages=[{"role": "user", "content": "hi"}], model=main, intent="planning"
    )
    response = asyncio.run(closing(provider.complete(request), anthropic, openai))
    assert (response.text, response.provider, response.model) == (TEXT, "openai", backup)
    mine = [(r.api, r.model) for r in api.requests if r.model in (main, backup)]
    assert mine == [("anthropic", main), ("anthropic", main), ("openai", backup)]
    [event] = [e for e in sink.events if isinstance(e, FallbackEvent)]
    assert (event.from_provider, event.to_provider) == (f"anthropic:{main}", f"openai:{backup}")
    assert "529" in event.reason
