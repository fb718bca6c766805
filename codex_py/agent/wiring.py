"""Wiring one run: settings in, a ready ``Agent`` out (providers, router, tools, policy, sink).

The CLI, the tests and the benchmarks all build agents here, so the wiring exists once. Every
endpoint is built once and wrapped in retries; a route to an endpoint adds its fallbacks, a route
to an ensemble builds the ensemble over those same providers.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from codex_py.agent.context import Compactor, IntentProvider, context_window
from codex_py.agent.loop import Agent
from codex_py.agent.prompt import load_project_docs, system_prompt
from codex_py.agent.routing import RoutedProvider, SmartProviderRouter, turn_context
from codex_py.config.settings import Settings
from codex_py.ensemble.build import ProviderFactory, build_ensemble, provider_factory
from codex_py.ensemble.panel import Member, Price
from codex_py.ensemble.provider import Chooser
from codex_py.ensemble.safety import build_safety_approver
from codex_py.events import NullSink
from codex_py.pricing import CostTracker
from codex_py.providers import registry as providers
from codex_py.providers.retry import FallbackProvider, RetryingProvider, parse_fallbacks
from codex_py.tools.toolbox import Toolbox, refuse_all
from codex_py.types import Approver, Intent, Message, Provider, Sink, Usage

RUN_INTENTS: tuple[Intent, ...] = ("planning", "tool_use", "synthesis")
# Histories that route as a planning call and as a tool call: the models a run uses most.
_PROBES: tuple[list[Message], ...] = (
    [{"role": "user", "content": ""}],
    [{"role": "assistant", "content": ""}],
)


def routes_needed(settings: Settings) -> list[str]:
    """Every provider or ensemble a run's calls can be routed to."""
    names = SmartProviderRouter(settings).providers_needed(RUN_INTENTS)
    fallbacks = [
        label.partition(":")[0] for chain in settings.fallbacks.values() for label in chain
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
        names.extend(label.partition(":")[0] for label in labels)
    endpoints = settings.providers.endpoints
    return [n for n in dict.fromkeys(names) if n in endpoints]  # `ember` members need no key


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
        providers.api_key(name, providers.endpoint(settings, name), env)
    providers.prewarm(settings, endpoints)
    if settings.agent.approval_mode == "full-auto" and settings.sandbox.mode != "none":
        from codex_py.tools.sandbox import check_sandbox

        check_sandbox(settings.sandbox)
    router = SmartProviderRouter(settings)
    docs = load_project_docs(cwd, settings.agent.project_doc_max_bytes)
    prompt = system_prompt(cwd, project_docs=docs, instructions=settings.agent.instructions)

    costs = CostTracker(settings.pricing, sink)
    meter = _meter(costs)
    built: dict[str, Provider] = {}
    factory = _retrying_factory(settings, provider_factory(settings, env, cwd), built, sink)
    table = parse_fallbacks(settings.fallbacks, {n: factory(n) for n in endpoints})
    routes: dict[str, Provider] = {}
    for name in routes_needed(settings):
        if name in settings.ensembles:
            routes[name] = build_ensemble(
                settings, name, factory, sink=sink, chooser=chooser, price=meter, metered=True
            )
        else:
            routes[name] = FallbackProvider(factory(name), table, sink)
    routed = RoutedProvider(router, routes, sink)

    safety = build_safety_approver(
        settings,
        factory,
        ask_user=approver,
        sink=sink,
        price=meter,
    )
    approver = safety or approver or refuse_all
    window = min(
        context_window(settings.context, router.route(turn_context(p)).model) for p in _PROBES
    )
    summarisers = [IntentProvider(routed, "synthesis"), IntentProvider(routed, "planning")]
    agent = Agent(
        routed,
        Toolbox(settings, cwd, approver=approver, sink=sink),
        system_prompt=prompt,
        max_turns=settings.limits.max_turns,
        max_cost=settings.limits.max_cost,
        costs=costs,
        compactor=Compactor(summarisers, settings.context, window, sink),
        closers=list(built.values()),
        sink=sink,
    )
    return agent


def _meter(costs: CostTracker) -> Price:
    """Prices each ensemble member's call and counts it in the run's totals and budget."""

    def record(member: Member, intent: str | None, usage: Usage) -> float | None:
        return costs.record(member.label.partition(":")[0], member.model, intent, usage)

    return record


def _retrying_factory(
    settings: Settings, raw: ProviderFactory, built: dict[str, Provider], sink: Sink
) -> ProviderFactory:
    """Each endpoint built once (kept in ``built`` for closing) and wrapped in retries."""
    wrapped: dict[str, Provider] = {}

    def make(name: str) -> Provider:
        if name not in wrapped:
            built[name] = raw(name)
            wrapped[name] = RetryingProvider(built[name], settings.retries, sink)
        return wrapped[name]

    return make
