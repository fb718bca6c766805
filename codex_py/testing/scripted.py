"""``ScriptedProvider``: the one in-process scripted model for tests and demos.

It plays its steps in order (a ``ModelResponse``, a string answered as text, an exception to
raise, or ``HANG`` to wait until cancelled) and records every request. With ``repeat=True`` the
last step answers every call after it. For scripts read from YAML (the ``fake`` endpoint) see
``codex_py.providers.fake``; for the wire protocols, ``codex_py.testing.fake_api``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from codex_py.types import ModelRequest, ModelResponse, TextCallback

HANG = "<hang>"
Step = ModelResponse | str | BaseException


class ScriptedProvider:
    """A provider that answers from ``steps`` and keeps the requests it got."""

    def __init__(self, *steps: Step, name: str = "scripted", repeat: bool = False) -> None:
        self.name = name
        self.steps: list[Step] = list(steps)
        self.repeat = repeat
        self.requests: list[ModelRequest] = []
        self.closed = 0

    @property
    def left(self) -> Sequence[Step]:
        return self.steps

    async def complete(
        self, request: ModelRequest, on_text: TextCallback | None = None
    ) -> ModelResponse:
        self.requests.append(request)
        if not self.steps:
            raise AssertionError(f"{self.name}: no scripted step left for this call")
        step = self.steps[0] if self.repeat and len(self.steps) == 1 else self.steps.pop(0)
        if isinstance(step, BaseException):
            raise step
        if step == HANG:
            await asyncio.Event().wait()
        response = step if isinstance(step, ModelResponse) else ModelResponse(step)
        if on_text is not None and response.text:
            on_text(response.text)
        return response

    async def aclose(self) -> None:
        self.closed += 1
