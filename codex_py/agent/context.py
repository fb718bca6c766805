"""Keeping the history inside the model's context window: when to compact, and with what."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from codex_py.agent.compaction import compact, estimate_tokens, needs_compaction
from codex_py.config.settings import ContextSettings
from codex_py.errors import ProviderError
from codex_py.events import CompactionEvent, NullSink
from codex_py.types import (
    Intent,
    Message,
    ModelRequest,
    ModelResponse,
    Provider,
    Sink,
    TextCallback,
)


def context_window(settings: ContextSettings, model: str) -> int:
    return settings.windows.get(model, settings.default_window)


class IntentProvider:
    """Asks ``inner`` (a router) for a given intent, whatever the history looks like."""

    def __init__(self, inner: Provider, intent: Intent) -> None:
        self.inner = inner
        self.intent: Intent = intent
        self.name = f"{inner.name}:{intent}"

    async def complete(
        self, request: ModelRequest, on_text: TextCallback | None = None
    ) -> ModelResponse:
        return await self.inner.complete(replace(request, intent=self.intent), on_text)


class Compactor:
    """Summarises the middle of the history once it passes the threshold of ``window`` tokens.

    ``summarisers`` are tried in order (the synthesis route, then the planning route).
    """

    def __init__(
        self,
        summarisers: Sequence[Provider],
        settings: ContextSettings,
        window: int,
        sink: Sink | None = None,
    ) -> None:
        self.summarisers = summarisers
        self.settings = settings
        self.window = window
        self.sink = sink or NullSink()

    async def maybe_compact(self, history: list[Message], *, force: bool = False) -> list[Message]:
        """The compacted history, or ``history`` itself when it still fits."""
        if not force and not needs_compaction(
            history, self.window, self.settings.compact_threshold
        ):
            return history
        before = estimate_tokens(history)
        error: ProviderError | None = None
        for summariser in self.summarisers:
            try:
                compacted, count = await compact(
                    history, summariser, self.settings.keep_recent_messages
                )
            except ProviderError as failure:
                error = failure
                continue
            if count:
                self.sink.emit(CompactionEvent(before, estimate_tokens(compacted), count))
            return compacted
        assert error is not None
        raise error
