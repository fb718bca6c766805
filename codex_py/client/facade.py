"""The public client: OpenAI's Chat Completions interface over any provider or ensemble.

Code written against the OpenAI SDK runs unchanged on ``openai``, ``anthropic``, any endpoint of
the config, or any ensemble (``ensemble`` means the one named ``default``, or the only one)::

    from codex_py.client.facade import create_client, create_sync_client

    client = create_client("anthropic")                 # like openai.AsyncOpenAI()
    reply = await client.chat.completions.create(
        model="claude-haiku-4-5", messages=[{"role": "user", "content": "Hi"}], max_tokens=200
    )
    print(reply.choices[0].message.content, reply.usage.total_tokens)

    with create_sync_client("quality") as client:       # like openai.OpenAI()
        for chunk in client.chat.completions.create(model="", messages=msgs, stream=True):
            print(chunk.choices[0].delta.content or "", end="")

``create()`` accepts ``model`` (omitted or empty: the provider's default model; an ensemble's
members always use their own), ``messages``, ``tools`` (OpenAI function tools),
``tool_choice`` (``auto`` or ``none``), ``max_tokens`` / ``max_completion_tokens``, ``stream``
and ``stream_options={"include_usage": True}``. ``temperature`` is accepted and not forwarded:
providers use each model's default. Anything else is a ``TypeError``, as in Python.

Responses and chunks are ``ChatObject``: the JSON dict the API would send, with attribute
access (``reply.choices[0].message.tool_calls[0].function.arguments``), ``to_dict()`` and
``model_dump()``. Errors are codex-py's (``ProviderError``, ``ConfigError``), each with a hint.
The sync client runs the async one on its own event loop: do not use it inside a running loop.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, Literal, TypeVar, overload

from codex_py import config
from codex_py.agent.wiring import Providers
from codex_py.client.chat_shapes import ChatObject, completion, request_from_chat, stream_chunks
from codex_py.config.checks import ENSEMBLE_ALIAS, alias_target, model_for
from codex_py.errors import ConfigError
from codex_py.providers import registry
from codex_py.providers.metering import Meter
from codex_py.types import ModelRequest, ModelResponse, Provider, Sink, TextCallback

__all__ = ["AsyncClient", "ChatObject", "SyncClient", "create_client", "create_sync_client"]
C = TypeVar("C")


def create_client(
    provider: str,
    *,
    config_file: Path | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    sink: Sink | None = None,
) -> AsyncClient:
    """An async client for ``provider`` (an endpoint or an ensemble) of the layered config,
    wired as a run's providers are: retried, with the config's fallbacks, every call metered.
    ``sink`` receives the usage, retry, fallback, member and vote events."""
    cwd = (cwd or Path.cwd()).resolve()
    env = os.environ if env is None else env
    settings = config.load(cwd, config_file=config_file, env=env).settings
    name = (alias_target(settings) or provider) if provider == ENSEMBLE_ALIAS else provider
    if name == ENSEMBLE_ALIAS:
        raise ConfigError(
            "ensemble: no single ensemble to use",
            "define one named default under `ensembles:`, or name it",
        )
    meter = Meter(settings.pricing, sink)
    providers = Providers(settings, env=env, cwd=cwd, meter=meter, sink=sink)
    if name not in settings.ensembles:
        registry.api_key(name, registry.endpoint(settings, name), env)
    # an ensemble's members always ask for their own models; its name stands for them
    default_model = name if name in settings.ensembles else model_for(settings, name, "")
    return AsyncClient(_Owned(providers.route(name), providers), default_model or "")


def create_sync_client(
    provider: str,
    *,
    config_file: Path | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    sink: Sink | None = None,
) -> SyncClient:
    """The blocking twin of ``create_client``."""
    return SyncClient(create_client(provider, config_file=config_file, cwd=cwd, env=env, sink=sink))


class AsyncCompletions:
    def __init__(self, provider: Provider, default_model: str) -> None:
        self._provider = provider
        self._default_model = default_model

    @overload
    async def create(
        self,
        *,
        messages: Sequence[Mapping[str, Any]],
        model: str | None = ...,
        tools: Sequence[Mapping[str, Any]] | None = ...,
        tool_choice: str | None = ...,
        temperature: float | None = ...,
        max_tokens: int | None = ...,
        max_completion_tokens: int | None = ...,
        stream: Literal[False] = ...,
        stream_options: Mapping[str, Any] | None = ...,
    ) -> ChatObject: ...

    @overload
    async def create(
        self,
        *,
        messages: Sequence[Mapping[str, Any]],
        model: str | None = ...,
        tools: Sequence[Mapping[str, Any]] | None = ...,
        tool_choice: str | None = ...,
        temperature: float | None = ...,
        max_tokens: int | None = ...,
        max_completion_tokens: int | None = ...,
        stream: Literal[True],
        stream_options: Mapping[str, Any] | None = ...,
    ) -> AsyncIterator[ChatObject]: ...

    async def create(
        self,
        *,
        messages: Sequence[Mapping[str, Any]],
        model: str | None = None,
        tools: Sequence[Mapping[str, Any]] | None = None,
        tool_choice: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        max_completion_tokens: int | None = None,
        stream: bool = False,
        stream_options: Mapping[str, Any] | None = None,
    ) -> ChatObject | AsyncIterator[ChatObject]:
        """A Chat Completion (``stream=False``) or an async iterator of its chunks."""
        del temperature  # accepted for compatibility; see the module docs
        chosen = model or self._default_model
        if not chosen:
            raise ConfigError(
                f"no model given and provider {self._provider.name!r} has no default model",
                "pass model=..., or set its default in providers.models",
            )
        request = request_from_chat(
            messages,
            model=chosen,
            tools=tools,
            tool_choice=tool_choice,
            max_tokens=max_completion_tokens or max_tokens,
            stream=stream,
        )
        if stream:
            usage = bool((stream_options or {}).get("include_usage"))
            return stream_chunks(self._provider, request, include_usage=usage)
        return completion(await self._provider.complete(request), chosen)


class _Owned:
    """The client's provider, closing everything the wiring built for it."""

    def __init__(self, provider: Provider, owner: Providers) -> None:
        self.provider = provider
        self.name = provider.name
        self.owner = owner

    async def complete(
        self, request: ModelRequest, on_text: TextCallback | None = None
    ) -> ModelResponse:
        return await self.provider.complete(request, on_text)

    async def aclose(self) -> None:
        await self.owner.aclose()


class _Chat(Generic[C]):
    """The ``chat`` namespace: ``chat.completions``."""

    def __init__(self, completions: C) -> None:
        self.completions = completions


class AsyncClient:
    """``client.chat.completions.create(...)``, awaited. Close it with ``aclose()`` (or use
    ``async with``) to release the HTTP connections."""

    def __init__(self, provider: Provider, default_model: str) -> None:
        self.provider = provider
        self.chat = _Chat(AsyncCompletions(provider, default_model))

    async def aclose(self) -> None:
        await self.provider.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class SyncCompletions:
    def __init__(self, runner: asyncio.Runner, completions: AsyncCompletions) -> None:
        self._runner = runner
        self._completions = completions

    def create(self, **arguments: Any) -> Any:
        """Like ``AsyncCompletions.create``, blocking; ``stream=True`` gives an iterator."""
        result = self._runner.run(self._completions.create(**arguments))
        return self._iterate(result) if arguments.get("stream") else result

    def _iterate(self, chunks: AsyncIterator[ChatObject]) -> Iterator[ChatObject]:
        try:
            while (chunk := self._runner.run(_next(chunks))) is not None:
                yield chunk
        finally:
            self._runner.run(_close(chunks))


class SyncClient:
    """``client.chat.completions.create(...)``, blocking. Close it with ``close()`` (or use
    ``with``)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._runner = asyncio.Runner()
        completions = client.chat.completions
        self.chat = _Chat(SyncCompletions(self._runner, completions))

    def close(self) -> None:
        self._runner.run(self._client.aclose())
        self._runner.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


async def _next(chunks: AsyncIterator[ChatObject]) -> ChatObject | None:
    try:
        return await anext(chunks)
    except StopAsyncIteration:
        return None


async def _close(chunks: AsyncIterator[ChatObject]) -> None:
    closer = getattr(chunks, "aclose", None)
    if closer is not None:
        await closer()
