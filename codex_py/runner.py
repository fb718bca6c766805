"""Wiring one run: settings in, a ready ``Agent`` out (providers, router, tools, policy, sink).

The CLI, the tests and the benchmarks all build agents here, so the wiring exists once.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from codex_py import providers
from codex_py.agent import Agent
from codex_py.context import Compactor, IntentProvider, context_window
from codex_py.errors import ConfigError
from codex_py.events import NullSink, Sink
from codex_py.pricing import CostTracker
from codex_py.prompt import load_project_docs, system_prompt
from codex_py.providers.retry import FallbackProvider, RetryingProvider, parse_fallbacks
from codex_py.router import RoutedProvider, SmartProviderRouter, turn_context
from codex_py.settings import Settings
from codex_py.toolbox import Approver, Toolbox, refuse_all
from codex_py.types import Intent, Provider

RUN_INTENTS: tuple[Intent, ...] = ("planning", "tool_use", "synthesis")


def providers_needed(settings: Settings) -> list[str]:
    """Every provider a run can call, so keys are checked and SDKs imported up front."""
    intents = list(RUN_INTENTS)
    if settings.providers.routing.get("safety_check"):
        intents.append("safety_check")
    names = SmartProviderRouter(settings).providers_needed(intents)
    fallback_names = [
        label.partition(":")[0] for chain in settings.fallbacks.values() for label in chain
    ]
    names = list(dict.fromkeys([*names, *fallback_names]))
    for name in names:
        if name in settings.ensembles:
            raise ConfigError(
                f"provider {name!r} is an ensemble, and this version cannot route to ensembles",
                "route that intent to a single provider",
            )
    return names


def build_agent(
    settings: Settings,
    cwd: Path,
    *,
    sink: Sink | None = None,
    approver: Approver = refuse_all,
    env: Mapping[str, str] | None = None,
) -> Agent:
    """Everything a run needs, checked before the first model call."""
    env = os.environ if env is None else env
    sink = sink or NullSink()
    names = providers_needed(settings)
    for name in names:
        providers.api_key(name, providers.endpoint(settings, name), env)
    providers.prewarm(settings, names)
    if settings.agent.approval_mode == "full-auto" and settings.sandbox.mode != "none":
        from codex_py.sandbox import check_sandbox

        check_sandbox(settings.sandbox)
    router = SmartProviderRouter(settings)
    docs = load_project_docs(cwd, settings.agent.project_doc_max_bytes)
    prompt = system_prompt(cwd, project_docs=docs, instructions=settings.agent.instructions)
    routed = RoutedProvider(router, resilient_providers(settings, names, env, cwd, sink), sink)
    toolbox = Toolbox(settings, cwd, approver=approver, sink=sink)
    window = min(
        context_window(settings.context, router.route(turn_context(probe)).model)
        for probe in _PROBES
    )
    summarisers = [IntentProvider(routed, "synthesis"), IntentProvider(routed, "planning")]
    return Agent(
        routed,
        toolbox,
        system_prompt=prompt,
        max_turns=settings.limits.max_turns,
        max_cost=settings.limits.max_cost,
        costs=CostTracker(settings.pricing, sink),
        compactor=Compactor(summarisers, settings.context, window, sink),
        sink=sink,
    )


# Histories that route as a planning call and as a tool call: the models a run uses.
_PROBES = ([{"role": "user", "content": ""}], [{"role": "assistant", "content": ""}])


def resilient_providers(
    settings: Settings, names: list[str], env: Mapping[str, str], cwd: Path, sink: Sink
) -> dict[str, Provider]:
    """Each provider wrapped in retries, then in the fallbacks configured per intent."""
    retrying: dict[str, Provider] = {
        name: RetryingProvider(providers.build(settings, name, env, cwd), settings.retries, sink)
        for name in names
    }
    table = parse_fallbacks(settings.fallbacks, retrying)
    return {name: FallbackProvider(p, table, sink) for name, p in retrying.items()}
