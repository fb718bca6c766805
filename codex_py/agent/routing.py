"""Per-call provider routing.

``classify()`` picks the intent of a call from the history alone (a pure function, tested as a
table); ``SmartProviderRouter`` maps the intent to a provider and model from the config;
``RoutedProvider`` is a composite provider, so the agent cannot tell it is talking to a router.
The intent a caller asks for (``/plan``, compaction) travels in ``ModelRequest.intent``, and the
route taken comes back on the response it builds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Protocol

from codex_py.config.checks import model_for
from codex_py.config.settings import Settings
from codex_py.errors import ConfigError
from codex_py.events import NullSink, RouteEvent
from codex_py.messages import tool_failed
from codex_py.types import (
    Intent,
    Message,
    ModelRequest,
    ModelResponse,
    Provider,
    ProviderRouter,
    Route,
    Sink,
    TextCallback,
    TurnContext,
)


def turn_context(
    messages: Sequence[Message],
    *,
    tools_available: bool = True,
    requested_intent: Intent | None = None,
) -> TurnContext:
    """Derive what the router needs from the history."""
    turn = sum(1 for m in messages if m["role"] == "assistant")
    failures = 0
    for message in reversed(messages):
        if message["role"] == "tool":
            if tool_failed(message):
                failures += 1
            else:
                break
        elif message["role"] != "assistant" or not message.get("tool_calls"):
            break  # a user message or a plan resets the count
    after_user = bool(messages) and messages[-1]["role"] == "user"
    return TurnContext(
        list(messages),
        turn,
        failures,
        after_user,
        tools_available,
        requested_intent,
    )


def classify(ctx: TurnContext, replan_after_failures: int) -> tuple[Intent, str]:
    """The intent of the next call, and why."""
    if ctx.requested_intent:
        return ctx.requested_intent, f"the caller asked for {ctx.requested_intent}"
    if not ctx.tools_available:
        return "synthesis", "no tools offered: a text-only call"
    if ctx.after_user_message:
        return "planning", "first call after a user message: plan before acting"
    if replan_after_failures and ctx.consecutive_failures >= replan_after_failures:
        return "planning", f"{ctx.consecutive_failures} failed tool results in a row: re-plan"
    return "tool_use", "continuing the task with tools"


class SmartProviderRouter:
    """Routes by intent with ``providers.routing``; ``providers.force`` overrides every call."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def provider_for(self, intent: Intent) -> tuple[str, str]:
        """The provider serving ``intent`` and the config key that chose it."""
        providers = self.settings.providers
        if providers.force:
            return providers.force, "providers.force"
        target = providers.routing.get(intent)
        if target:
            return target, f"routing.{intent}"
        return providers.default, "providers.default"

    def route(self, ctx: TurnContext) -> Route:
        intent, why = classify(ctx, self.settings.providers.replan_after_failures)
        provider, key = self.provider_for(intent)
        model = model_for(self.settings, provider, intent) or ""
        if not model and provider not in self.settings.ensembles:
            raise ConfigError(
                f"no model for provider {provider!r}",
                f"set providers.models.{provider}.default in your config",
            )
        return Route(intent, provider, model, f"{why}; {key} = {provider}")

    def providers_needed(self, intents: Sequence[Intent]) -> list[str]:
        """Every provider the given intents can route to, in first-use order."""
        return list(dict.fromkeys(self.provider_for(i)[0] for i in intents))


class Routes(Protocol):
    """The providers a router's routes name, built on first use and closed together."""

    def route(self, name: str) -> Provider: ...

    async def aclose(self) -> None: ...


class RoutedProvider:
    """A provider that asks a router where each call goes, then forwards it there. A planning
    call offers no tools: its answer is the plan."""

    name = "router"

    def __init__(self, router: ProviderRouter, routes: Routes, sink: Sink | None = None) -> None:
        self.router = router
        self.routes = routes
        self.sink = sink or NullSink()

    async def complete(
        self, request: ModelRequest, on_text: TextCallback | None = None
    ) -> ModelResponse:
        ctx = turn_context(
            request.messages,
            tools_available=bool(request.tools),
            requested_intent=request.intent,
        )
        route = self.router.route(ctx)
        offers_tools = route.intent != "planning" and bool(request.tools)
        route = replace(route, tools=offers_tools)
        self.sink.emit(RouteEvent(route.intent, route.provider, route.model, route.reason))
        tools = request.tools if offers_tools else []
        routed = replace(request, model=route.model, intent=route.intent, tools=tools)
        response = await self.routes.route(route.provider).complete(routed, on_text)
        return replace(response, route=route)

    async def aclose(self) -> None:
        await self.routes.aclose()
