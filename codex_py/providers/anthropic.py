"""The Anthropic adapter: the Messages API with tool use. The only module that imports
``anthropic``.

A stream counts only once ``message_stop`` arrived; a chunk that is not JSON fails the call,
since the SDK raises ``JSONDecodeError`` for it rather than skipping it. Unlike the OpenAI SDK,
this one lets transport errors met mid-stream through as ``httpx2`` exceptions, and reports an
``error`` event inside a 200 stream as a status error carrying only the error's type. See
``sdk_adapter`` for the shared rest.
"""

from __future__ import annotations

from typing import Any

import anthropic
import httpx2

from codex_py.errors import ProviderError
from codex_py.providers.base import SdkAdapter
from codex_py.providers.wire import messages as anthropic_wire
from codex_py.providers.wire.common import (
    CallTarget,
    StreamAccumulator,
    connection_error,
    http_error,
    retry_after_seconds,
    timeout_error,
)
from codex_py.types import ModelRequest, ModelResponse

_PATH = "/v1/messages"


class AnthropicProvider(SdkAdapter[anthropic.AsyncAnthropic]):
    """Answers a ``ModelRequest`` through the Anthropic Messages API."""

    def _new_client(self) -> anthropic.AsyncAnthropic:
        return anthropic.AsyncAnthropic(
            api_key=self._api_key,
            base_url=self.endpoint.base_url,
            timeout=self.endpoint.timeout,
            max_retries=0,
        )

    def _to_wire(self, request: ModelRequest, max_tokens: int) -> dict[str, Any]:
        return anthropic_wire.to_wire(request, max_tokens=max_tokens)

    async def _post(self, body: dict[str, Any], *, stream: bool) -> Any:
        if stream:
            stream_cls = anthropic.AsyncStream[object]
            return await self.client.post(
                _PATH, cast_to=object, body=body, stream=True, stream_cls=stream_cls
            )
        return await self.client.post(_PATH, cast_to=object, body=body)

    def _from_wire(self, reply: Any) -> ModelResponse:
        return anthropic_wire.from_wire(reply)

    def _accumulator(self, target: CallTarget) -> StreamAccumulator:
        return anthropic_wire.MessagesStream(target)

    def _failure(self, exc: Exception, target: CallTarget) -> ProviderError | None:
        if isinstance(exc, anthropic.APIStatusError):
            status = anthropic_wire.error_status(exc.status_code, exc.type)
            message = exc.api_message or exc.message
            wait = retry_after_seconds(exc.response.headers, message)
            return http_error(target, status, message, exc.type or "", retry_after=wait)
        if isinstance(exc, anthropic.APITimeoutError | httpx2.TimeoutException):
            return timeout_error(target, self.endpoint.timeout)
        if isinstance(exc, anthropic.APIConnectionError | httpx2.RequestError):
            return connection_error(target, str(exc.__cause__ or exc))
        return None
