"""Ensemble members written ``ember:<model>``, called through an Ember install.

Ember is optional and nothing else depends on it: the adapter imports ``ember.api`` when it is
built, and says how to install Ember when it is missing. Ember's call is synchronous, so it runs
in a worker thread (``asyncio.to_thread``) and members still answer concurrently.

Ember answers in text: the conversation is sent as one prompt (tool calls and results written
as text) and an Ember member never proposes a tool call. It suits safety votes, judges and
text-only turns.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Mapping
from typing import Any

from codex_py.errors import ConfigError, ProviderError
from codex_py.messages import transcript
from codex_py.types import ModelRequest, ModelResponse, TextCallback, Usage

INSTALL_HINT = (
    "install Ember from its source: pip install 'git+https://github.com/pyember/ember' "
    "(the PyPI package ember-ai is an empty placeholder)"
)
EmberModels = Callable[..., Any]


def load_models() -> EmberModels:
    """Ember's ``models(model_id, prompt, **params)`` entry point, or a ``ConfigError``."""
    try:
        api = importlib.import_module("ember.api")
    except ImportError as error:
        raise ConfigError(
            f"ember:<model> members need Ember, which cannot be imported ({error})", INSTALL_HINT
        ) from None
    models: EmberModels | None = getattr(api, "models", None)
    if not callable(models):
        raise ConfigError(
            "this Ember has no callable ember.api.models(model, prompt)", f"upgrade: {INSTALL_HINT}"
        )
    return models


class EmberProvider:
    """A provider that forwards each request to ``ember.api.models`` in a thread."""

    def __init__(self, name: str = "ember") -> None:
        self.name = name
        self._models = load_models()

    async def complete(
        self, request: ModelRequest, on_text: TextCallback | None = None
    ) -> ModelResponse:
        params = {"max_tokens": request.max_output_tokens} if request.max_output_tokens else {}
        prompt = transcript(request.messages)
        try:
            result = await asyncio.to_thread(self._models, request.model, prompt, **params)
        except Exception as error:  # Ember's own error types: report them in ours
            raise ProviderError(
                f"ember model {request.model!r} failed: {error}",
                "check Ember's model name and its provider's API key",
            ) from error
        response = to_response(result, request)
        if on_text is not None and response.text:
            on_text(response.text)
        return response

    async def aclose(self) -> None:
        """Nothing to close: Ember holds its own connections."""


def to_response(result: Any, request: ModelRequest) -> ModelResponse:
    """Ember's reply (a response with ``.text`` and ``.usage``, or a plain string)."""
    model = request.model
    text = result if isinstance(result, str) else getattr(result, "text", None)
    if not isinstance(text, str):
        raise ProviderError(
            f"ember model {model!r} returned {type(result).__name__}, not text", INSTALL_HINT
        )
    usage = getattr(result, "usage", None)
    tokens = Usage(_count(usage, "prompt_tokens"), _count(usage, "completion_tokens"))
    return ModelResponse(
        text=text,
        usage=tokens,
        provider="ember",
        model=model,
        stop_reason="stop",
    )


def _count(usage: Any, name: str) -> int:
    value = usage.get(name) if isinstance(usage, Mapping) else getattr(usage, name, 0)
    return value if isinstance(value, int) else 0
