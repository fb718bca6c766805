"""``RetryingProvider``: a composite provider that retries failed calls.

It retries a retryable ``ProviderError`` (408/409/429/5xx/529, connection
errors, streams cut short or malformed, stalls) with exponential backoff and full jitter,
waiting at least the ``retry_after`` the server asked for. Non-retryable errors (400, 401, 403,
404, 422, context length) are raised at once. It also aborts a stream that makes no progress for
``stream_idle_timeout`` seconds. Progress is every ``on_text`` delta, plus every
``note_progress()`` call: adapters should call it for each stream event they receive, because a
stream of tool-call arguments or reasoning sends no text.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from typing import Any, TypeVar

from codex_py.config.settings import RetrySettings
from codex_py.errors import ProviderError
from codex_py.events import NullSink, RetryEvent
from codex_py.types import ModelRequest, ModelResponse, Provider, Sink, TextCallback

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


class _Progress:
    """One attempt's progress: when it last showed life (event-loop clock), and whether any
    text reached the caller's ``on_text``."""

    def __init__(self, on_text: TextCallback | None) -> None:
        self.on_text = on_text
        self.streamed = False
        self.last = asyncio.get_running_loop().time()

    def touch(self) -> None:
        self.last = asyncio.get_running_loop().time()

    def relay(self, text: str) -> None:
        self.streamed = self.streamed or bool(text)
        self.touch()
        if self.on_text is not None:
            self.on_text(text)


_current: ContextVar[_Progress | None] = ContextVar("codex_stream_progress", default=None)


def note_progress() -> None:
    """Tell the enclosing ``RetryingProvider`` that the stream is alive (no-op outside one)."""
    progress = _current.get()
    if progress is not None:
        progress.touch()


def backoff_delay(
    attempt: int, settings: RetrySettings, retry_after: float | None, rng: random.Random
) -> float:
    """Seconds to wait after failed attempt ``attempt`` (1-based): full jitter, uniform in
    ``[0, min(max_delay, base_delay * 2**(attempt-1))]``, and never less than ``retry_after``."""
    ceiling = min(settings.max_delay, settings.base_delay * 2 ** (attempt - 1))
    return max(rng.uniform(0.0, ceiling), retry_after or 0.0)


async def _run_with_idle_timeout(
    work: Callable[[], Coroutine[Any, Any, T]], timeout: float, progress: _Progress
) -> T:
    """Run ``work()`` as a task; cancel it once ``progress`` has not been touched for
    ``timeout`` seconds, raising ``TimeoutError``."""
    loop = asyncio.get_running_loop()
    token = _current.set(progress)
    try:
        task = asyncio.ensure_future(work())  # the task copies the context holding ``progress``
    finally:
        _current.reset(token)
    try:
        while True:
            remaining = progress.last + timeout - loop.time()
            if remaining <= 0:
                raise TimeoutError
            done, _ = await asyncio.wait({task}, timeout=remaining)
            if done:
                return task.result()
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


class RetryingProvider:
    """Retries ``inner`` with backoff; see the module docstring. ``sleep`` and ``rng`` are
    injectable so tests can read the waits back and fix the jitter."""

    def __init__(
        self,
        inner: Provider,
        settings: RetrySettings,
        sink: Sink | None = None,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.settings = settings
        self.sink = sink or NullSink()
        self.sleep = sleep
        self.rng = rng or random.Random()

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def complete(
        self, request: ModelRequest, on_text: TextCallback | None = None
    ) -> ModelResponse:
        attempts = max(1, self.settings.max_attempts)
        for attempt in range(1, attempts + 1):
            progress = _Progress(on_text)
            try:
                return await self._attempt(request, progress)
            except ProviderError as error:
                delay = self._delay_before_retry(error, attempt, attempts)
                discarded = progress.streamed or error.partial_text
                self.sink.emit(RetryEvent(self.name, attempt, delay, error.message, discarded))
            await self.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _attempt(self, request: ModelRequest, progress: _Progress) -> ModelResponse:
        timeout = self.settings.stream_idle_timeout
        if not request.stream or timeout <= 0:
            return await self.inner.complete(request, progress.relay)
        try:
            return await _run_with_idle_timeout(
                lambda: self.inner.complete(request, progress.relay), timeout, progress
            )
        except TimeoutError:
            raise ProviderError(
                f"{self.name} stream stalled: nothing for {timeout:g} s",
                "raise retries.stream_idle_timeout if the model thinks for long",
                retryable=True,
            ) from None

    def _delay_before_retry(self, error: ProviderError, attempt: int, attempts: int) -> float:
        """The wait before the next attempt; re-raises when ``error`` is not worth retrying."""
        if not error.retryable:
            raise error
        if attempt >= attempts:
            raise gave_up(error, f"gave up after {attempts} attempt{'s' * (attempts > 1)}")
        if error.retry_after is not None and error.retry_after > self.settings.max_delay:
            wait = f"the server asked to wait {error.retry_after:g} s"
            raise gave_up(error, f"{wait}, more than retries.max_delay")
        return backoff_delay(attempt, self.settings, error.retry_after, self.rng)


def gave_up(error: ProviderError, why: str) -> ProviderError:
    """``error`` with ``why`` added to its message; still retryable, so a fallback may take over."""
    final = ProviderError(
        f"{error.message} ({why})",
        error.hint,
        status=error.status,
        retryable=True,
        retry_after=error.retry_after,
        partial_text=error.partial_text,
    )
    final.__cause__ = error
    return final
