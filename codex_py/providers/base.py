"""``SdkAdapter``: what the OpenAI and Anthropic adapters share around their SDK client.

An adapter builds its SDK client on first use (``max_retries=0``: retrying is the caller's
decision, made from ``ProviderError.retryable``), translates the request with its pure wire
module, posts it, folds a stream or reads a reply, and maps every failure to one
``ProviderError``. Requests go through the client's generic ``post()`` with ``cast_to=object``:
the SDK still sends them (auth, headers, timeouts), decodes the SSE and raises its typed errors,
but hands back plain dicts. Its typed ``create()`` methods would rebuild every stream event as a
pydantic model and walk the whole history through a parameter transform, which measured at
about 0.2 ms per Responses event, several times our own translation's cost
(``benchmarks/bench_providers.py``).

A client belongs to the event loop it first ran on; call ``aclose()`` before using the adapter
from another loop.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any, Generic, Protocol, TypeVar

from codex_py.config.settings import Endpoint
from codex_py.errors import ProviderError
from codex_py.providers.retry import note_progress
from codex_py.providers.wire.common import CallTarget, StreamAccumulator, bad_stream_error
from codex_py.types import ModelRequest, ModelResponse, TextCallback


class _Client(Protocol):
    base_url: Any

    async def close(self) -> None: ...


ClientT = TypeVar("ClientT", bound=_Client)


class SdkAdapter(ABC, Generic[ClientT]):
    """The shared half of an SDK adapter; subclasses supply the SDK-specific steps."""

    def __init__(self, name: str, endpoint: Endpoint, api_key: str) -> None:
        self.name = name
        self.endpoint = endpoint
        self._api_key = api_key or "unset"  # keyless local servers still want a value
        self._client: ClientT | None = None

    @property
    def client(self) -> ClientT:
        """The SDK client, made on first use."""
        if self._client is None:
            self._client = self._new_client()
        return self._client

    async def aclose(self) -> None:
        """Close the HTTP connections (again: a no-op); the next call opens new ones."""
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def complete(
        self, request: ModelRequest, on_text: TextCallback | None = None
    ) -> ModelResponse:
        if not request.model:
            raise ProviderError(
                f"no model chosen for provider {self.name}",
                f"set providers.models.{self.name}.default in config",
            )
        base_url = str(self.client.base_url)
        target = CallTarget(self.name, request.model, base_url, self.endpoint.api_key_env)
        body = self._to_wire(request, request.max_output_tokens or self.endpoint.max_output_tokens)
        try:
            if request.stream:
                stream = await self._post(body, stream=True)
                response = await _fold(stream, self._accumulator(target), on_text)
            else:
                response = self._from_wire(await self._post(body, stream=False))
        except json.JSONDecodeError as exc:
            raise bad_stream_error(target, f"the reply is not valid JSON ({exc})") from exc
        except Exception as exc:  # ProviderErrors from the accumulators map to None
            error = self._failure(exc, target)
            if error is None:
                raise
            raise error from exc
        response.provider = self.name
        response.model = request.model
        return response

    @abstractmethod
    def _new_client(self) -> ClientT: ...

    @abstractmethod
    def _to_wire(self, request: ModelRequest, max_tokens: int) -> dict[str, Any]: ...

    @abstractmethod
    async def _post(self, body: dict[str, Any], *, stream: bool) -> Any:
        """The reply as a dict, or an SDK stream (an async context manager) of event dicts."""

    @abstractmethod
    def _from_wire(self, reply: Any) -> ModelResponse: ...

    @abstractmethod
    def _accumulator(self, target: CallTarget) -> StreamAccumulator: ...

    @abstractmethod
    def _failure(self, exc: Exception, target: CallTarget) -> ProviderError | None:
        """The ``ProviderError`` for an SDK or transport exception; None for any other."""


async def _fold(
    stream: Any, accumulator: StreamAccumulator, on_text: TextCallback | None
) -> ModelResponse:
    """Feed a stream's events to ``accumulator``, passing text deltas to ``on_text``. The stream
    is closed however this ends (a cancelled call included); every event counts as progress for
    the retry layer's idle timeout."""
    async with stream:
        async for event in stream:
            note_progress()
            text = accumulator.feed(event)
            if text and on_text is not None:
                on_text(text)
    return accumulator.finish()
