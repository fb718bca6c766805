"""``FallbackProvider``: a composite that moves a call to the next ``provider:model`` when the
primary has failed with a retryable error (retries exhausted, or overloaded).

A non-retryable error is never fallen back from, 404 model-not-found and 401 included: those are
configuration mistakes that would recur on every call, and the run should stop with their one
clear line instead of quietly running, and paying, on another model. Wire it over retrying
endpoints: ``FallbackProvider(endpoint, {intent: [(label, model, other_endpoint)]})``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from codex_py.config.settings import ModelRef
from codex_py.errors import ConfigError, ContextLengthError, ProviderError
from codex_py.events import FallbackEvent, NullSink
from codex_py.providers.retry import gave_up
from codex_py.types import ModelRequest, ModelResponse, Provider, Sink, TextCallback, close_all

Fallback = tuple[str, str, Provider]
"""A fallback: its ``provider:model`` label, the model to ask for, and the provider."""


class FallbackProvider:
    """Answers with ``primary``; when it fails with a retryable error, tries each fallback in
    order with the request's model replaced, moving on after any ``ProviderError`` except a
    context-length one. ``fallbacks`` is one list for every call, or a mapping from intent to
    list (``request.intent`` picks it; no entry, no fallback). Every switch is a
    ``FallbackEvent``; the answer then starts afresh, so a UI drops any partial text it showed."""

    def __init__(
        self,
        primary: Provider,
        fallbacks: Sequence[Fallback] | Mapping[str, Sequence[Fallback]],
        sink: Sink | None = None,
    ) -> None:
        self.primary = primary
        self.name = primary.name
        self.fallbacks = fallbacks
        self.sink = sink or NullSink()

    async def aclose(self) -> None:
        chains = (
            self.fallbacks.values() if isinstance(self.fallbacks, Mapping) else [self.fallbacks]
        )
        await close_all([self.primary, *(f[2] for chain in chains for f in chain)])

    def chain(self, request: ModelRequest) -> list[Fallback]:
        """The fallbacks for ``request``, leaving out the primary's own provider and model."""
        if isinstance(self.fallbacks, Mapping):
            chain = self.fallbacks.get(request.intent or "", ())
        else:
            chain = self.fallbacks
        return [f for f in chain if (f[2].name, f[1]) != (self.name, request.model)]

    async def complete(
        self, request: ModelRequest, on_text: TextCallback | None = None
    ) -> ModelResponse:
        try:
            return await self.primary.complete(request, on_text)
        except ContextLengthError:
            raise  # compaction, not another model, is the cure
        except ProviderError as error:
            chain = self.chain(request)
            if not error.retryable or not chain:
                raise
            first_error = error
        failures: list[str] = []
        source = f"{self.name}:{request.model}"
        for label, model, provider in chain:
            reason = first_error.message if not failures else failures[-1]
            self.sink.emit(FallbackEvent(request.intent, source, label, model, reason))
            try:
                response = await provider.complete(replace(request, model=model), on_text)
            except ContextLengthError:
                raise
            except ProviderError as error:
                failures.append(f"{label}: {error.message}")
                source = label
                continue
            return replace(
                response, provider=response.provider or provider.name, model=response.model or model
            )
        raise gave_up(first_error, "fallbacks failed too: " + "; ".join(failures))


def parse_fallbacks(
    table: Mapping[str, Sequence[str]], providers: Mapping[str, Provider]
) -> dict[str, list[Fallback]]:
    """``Settings.fallbacks`` (intent -> ``provider:model`` labels) as fallbacks over
    ``providers``; pass the retrying providers, not fallback-wrapped ones."""
    parsed: dict[str, list[Fallback]] = {}
    for intent, labels in table.items():
        for label in labels:
            ref = ModelRef.parse(label, f"fallbacks.{intent}")
            if ref.provider not in providers:
                raise ConfigError(
                    f"fallbacks.{intent}: {label!r} is not a known provider:model pair",
                    f"write it as provider:model with one of: {', '.join(sorted(providers))}",
                )
            parsed.setdefault(intent, []).append((label, ref.model, providers[ref.provider]))
    return parsed
