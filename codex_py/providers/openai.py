"""The OpenAI adapter: the Responses API, or Chat Completions (``wire_api: chat``) for compatible
servers such as Ollama, vLLM, LM Studio and OpenRouter. The only module that imports ``openai``.

A stream counts only once its terminal event arrived (``response.completed``, or a
``finish_reason``); a chunk that is not JSON fails the call, since the SDK raises
``JSONDecodeError`` for it rather than skipping it. See ``sdk_adapter`` for the shared rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import openai

from codex_py.errors import ProviderError
from codex_py.providers.base import SdkAdapter
from codex_py.providers.wire import openai as openai_wire
from codex_py.providers.wire.chat import ChatStream
from codex_py.providers.wire.common import (
    CallTarget,
    StreamAccumulator,
    connection_error,
    http_error,
    retry_after_seconds,
    timeout_error,
)
from codex_py.providers.wire.responses import ResponsesStream, stream_error
from codex_py.types import ModelRequest, ModelResponse


class OpenAIProvider(SdkAdapter[openai.AsyncOpenAI]):
    """Answers a ``ModelRequest`` through an OpenAI(-compatible) endpoint."""

    def _new_client(self) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(
            api_key=self._api_key,
            base_url=self.endpoint.base_url,
            timeout=self.endpoint.timeout,
            max_retries=0,
        )

    @property
    def _wire_api(self) -> openai_wire.WireApi:
        """The endpoint's wire; the Responses API when the config left it unset."""
        return self.endpoint.wire_api or "responses"

    def _to_wire(self, request: ModelRequest, max_tokens: int) -> dict[str, Any]:
        wire_api = self._wire_api
        return openai_wire.to_wire(request, wire_api=wire_api, max_output_tokens=max_tokens)

    async def _post(self, body: dict[str, Any], *, stream: bool) -> Any:
        path = "/chat/completions" if self._wire_api == "chat" else "/responses"
        if stream:
            stream_cls = openai.AsyncStream[object]
            return await self.client.post(
                path, cast_to=object, body=body, stream=True, stream_cls=stream_cls
            )
        return await self.client.post(path, cast_to=object, body=body)

    def _from_wire(self, reply: Any) -> ModelResponse:
        return openai_wire.from_wire(reply, wire_api=self._wire_api)

    def _accumulator(self, target: CallTarget) -> StreamAccumulator:
        if self._wire_api == "chat":
            return ChatStream(target)
        return ResponsesStream(target)

    def _failure(self, exc: Exception, target: CallTarget) -> ProviderError | None:
        if isinstance(exc, openai.APIStatusError):
            error = _error_object(exc.body, exc.message)
            code = str(error.get("code") or error.get("type") or "")
            message = str(error["message"])
            wait = retry_after_seconds(exc.response.headers, message)
            return http_error(target, exc.status_code, message, code, retry_after=wait)
        if isinstance(exc, openai.APITimeoutError):
            return timeout_error(target, self.endpoint.timeout)
        if isinstance(exc, openai.APIConnectionError):
            return connection_error(target, str(exc.__cause__ or exc))
        if isinstance(exc, openai.APIError):  # an error object sent inside a stream
            return stream_error(target, _error_object(exc.body, exc.message))
        return None


def _error_object(body: object, fallback: str) -> Mapping[str, Any]:
    """The ``{"message", "type", "code"}`` object of an error body, however it was wrapped."""
    if isinstance(body, Mapping):
        inner = body.get("error", body)
        if isinstance(inner, Mapping):
            return {**inner, "message": inner.get("message") or fallback}
    return {"message": str(body) if body else fallback}
