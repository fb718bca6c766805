"""The one composition root: settings in, the run's providers and a ready ``Agent`` out.

The CLI, the interactive session, the eval (through ``endpoints_needed``) and the public client
all build their providers here, so the composition exists once:

- every endpoint is built once and wrapped as ``RetryingProvider(MeteredProvider(adapter))``:
  each real call is priced once, by the run's ``Meter``, and failed calls are retried;
- a route to an endpoint adds that intent's fallbacks (``FallbackProvider``) over the same
  endpoints; a route to an ensemble builds the ensemble over them;
- everything is built on first use and closed together by ``Providers.aclose()``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from codex_py.agent.compaction import Compactor, context_window
from codex_py.agent.loop import Agent
from codex_py.agent.prompt import load_project_docs, system_prompt
from codex_py.agent.routing import RoutedProvider, SmartProviderRouter
from codex_py.config.checks import model_for
from codex_py.config.settings import ModelRef, Settings
from codex_py.ensemble.build import build_ensemble
from codex_py.ensemble.provider import Chooser
from codex_py.ensemble.safety import build_safety_approver
from codex_py.ensemble.votes import Canonical
from codex_py.events import NullSink
from codex_py.providers import registry
from codex_py.providers.fallback import FallbackProvider, parse_fallbacks
from codex_py.providers.metering import Meter, MeteredProvider
from codex_py.providers.retry import RetryingProvider
from codex_py.tools.registry import builtin_tools
from codex_py.tools.toolbox import Toolbox, refuse_all
from codex_py.types import Approver, Intent, Provider, Sink, close_all

RUN_INTENTS: tuple[Intent, ...] = ("planning", "tool_use", "synthesis")


def routes_needed(settings: Settings) -> list[str]:
    """Every provider or ensemble a run's calls can be routed to."""
    names = SmartProviderRouter(settings).providers_needed(RUN_INTENTS)
    fallbacks = [
        ModelRef.parse(label, f"fallbacks.{intent}").provider
        for intent, chain in settings.fallbacks.items()
        for label in chain
    ]
    safety = settings.providers.routing.get("safety_check")
    return list(dict.fromkeys([*names, *fallbacks, *([safety] if safety else [])]))


def endpoints_needed(settings: Settings) -> list[str]:
    """The endpoints behind ``routes_needed``: ensembles stand for their members and judge."""
    names: list[str] = []
    for name in routes_needed(settings):
        ensemble = settings.ensembles.get(name)
        if ensemble is None:
            names.append(name)
            continue
        labels = [*ensemble.models, *([ensemble.judge] if ensemble.judge else [])]
        names.extend(ModelRef.parse(label, f"ensembles.{name}").provider for label in labels)
    endpoints = settings.providers.endpoints
    return [n for n in dict.fromkeys(names) if n in endpoints]  # `ember` members need no key


def run_window(settings: Settings) -> int:
    """The smallest context window among the models the run's intents route to."""
    router = SmartProviderRouter(settings)
    models = [model_for(settings, router.provider_for(i)[0], i) for i in RUN_INTENTS]
    return min(context_window(settings.context, model or "") for model in models)


class Providers:
    """Every provider of one run, each built on first use: endpoints (metered and retried),
    routes (fallbacks or ensembles over those endpoints). ``aclose()`` closes them all."""

    def __init__(
        self,
        settings: Settings,
        *,
        env: Mapping[str, str],
        cwd: Path,
        meter: Meter | None = None,
        sink: Sink | None = None,
        chooser: Chooser | None = None,
        canonical: Canonical | None = None,
    ) -> None:
        """``canonical`` is how ensembles compare proposed tool calls: the run's tools' forms
        (by default those of the built-in tools)."""
        self.settings = settings
        self.canonical = canonical or builtin_tools(settings, cwd).canonical_call
        self.env = env
        self.cwd = cwd
        self.sink = sink or NullSink()
        self.meter = meter or Meter(settings.pricing, self.sink)
        self.chooser = chooser
        self._endpoints: dict[str, Provider] = {}
        self._routes: dict[str, Provider] = {}

    def endpoint(self, name: str) -> Provider:
        """Endpoint ``name`` (``ember`` included), metered and retried."""
        if name not in self._endpoints:
            adapter = registry.build(self.settings, name, self.env, self.cwd)
            metered = MeteredProvider(adapter, self.meter)
            self._endpoints[name] = RetryingProvider(metered, self.settings.retries, self.sink)
        return self._endpoints[name]

    def route(self, name: str) -> Provider:
        """What a route to ``name`` calls: the ensemble of that name, or the endpoint with the
        fallbacks of each intent."""
        if name not in self._routes:
            if name in self.settings.ensembles:
                self._routes[name] = build_ensemble(
                    self.settings,
                    name,
                    self.endpoint,
                    sink=self.sink,
                    chooser=self.chooser,
                    canonical=self.canonical,
                )
            else:
                endpoint = self.endpoint(name)  # an unknown name fails here, with its hint
                chains = {
                    ModelRef.parse(label, f"fallbacks.{intent}").provider
                    for intent, labels in self.settings.fallbacks.items()
                    for label in labels
                }
                fallbacks = parse_fallbacks(
                    self.settings.fallbacks,
                    {n: self.endpoint(n) for n in chains if n in self.settings.providers.endpoints},
                )
                self._routes[name] = FallbackProvider(endpoint, fallbacks, self.sink)
        return self._routes[name]

    async def aclose(self) -> None:
        await close_all([*self._routes.values(), *self._endpoints.values()])


def build_agent(
    settings: Settings,
    cwd: Path,
    *,
    sink: Sink | None = None,
    approver: Approver | None = None,
    chooser: Chooser | None = None,
    env: Mapping[str, str] | None = None,
) -> Agent:
    """Everything a run needs, checked before the first model call. ``approver`` (asks the
    user) and ``chooser`` (picks among an ensemble's proposals) come from an interactive UI;
    without them nothing that needs a human runs. A ``safety_check`` route votes first."""
    env = os.environ if env is None else env
    sink = sink or NullSink()
    endpoints = endpoints_needed(settings)
    for name in endpoints:
        registry.api_key(name, registry.endpoint(settings, name), env)
    registry.prewarm(settings, endpoints)
    if settings.agent.approval_mode == "full-auto" and settings.sandbox.mode != "none":
        from codex_py.tools.sandbox import check_sandbox

        check_sandbox(settings.sandbox)
    tools = builtin_tools(settings, cwd)
    docs = load_project_docs(cwd, settings.agent.project_doc_max_bytes)
    prompt = system_prompt(
        cwd,
        tools=tools.instructions(),
        project_docs=docs,
        instructions=settings.agent.instructions,
    )

    meter = Meter(settings.pricing, sink, max_cost=settings.limits.max_cost)
    providers = Providers(
        settings,
        env=env,
        cwd=cwd,
        meter=meter,
        sink=sink,
        chooser=chooser,
        canonical=tools.canonical_call,
    )
    for name in routes_needed(settings):
        providers.route(name)  # a bad route (an ensemble's member, a fallback) fails now
    routed = RoutedProvider(SmartProviderRouter(settings), providers, sink)
    safety = build_safety_approver(settings, providers.endpoint, ask_user=approver, sink=sink)
    return Agent(
        routed,
        Toolbox(settings, cwd, approver=safety or approver or refuse_all, sink=sink, tools=tools),
        system_prompt=prompt,
        max_turns=settings.limits.max_turns,
        meter=meter,
        compactor=Compactor(routed, settings.context, run_window(settings), sink),
        sink=sink,
    )
