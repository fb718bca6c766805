"""Ensembles and their members, built from config.

``--provider ensemble`` means the ensemble named ``default``, or the only one defined
(``resolve_ensemble``). Members are ``provider:model`` labels; ``ember:<model>`` members go
through the optional Ember adapter, every other provider through the registry. Members that
share a provider share one instance of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from codex_py.config.settings import Settings
from codex_py.ensemble.panel import Member, Price
from codex_py.ensemble.provider import Chooser, EnsembleProvider
from codex_py.errors import ConfigError
from codex_py.pricing import cost_of, price_for
from codex_py.providers import registry as providers
from codex_py.types import Provider, Sink, Usage

ProviderFactory = Callable[[str], Provider]
"""Builds (or returns the already built) provider of an endpoint name."""
ALIAS = "ensemble"


def resolve_ensemble(settings: Settings, requested: str) -> str | None:
    """The ensemble that ``requested`` names, or ``None`` when it names an endpoint."""
    if requested in settings.ensembles:
        return requested
    if requested != ALIAS or requested in settings.providers.endpoints:
        return None
    names = sorted(settings.ensembles)
    if "default" in names:
        return "default"
    if len(names) == 1:
        return names[0]
    if not names:
        raise ConfigError(
            "--provider ensemble: no ensemble is defined",
            "define one under `ensembles:` (see configs/safety-first.yaml)",
        )
    raise ConfigError(
        f"--provider ensemble: there are several ensembles ({', '.join(names)}) "
        "and none is named default",
        "name one: --provider <ensemble>",
    )


def price_from(settings: Settings) -> Price:
    """Member costs from the config's price table (``None`` for a model without a price)."""

    def price(member: Member, intent: str | None, usage: Usage) -> float | None:
        found = price_for(member.model, settings.pricing)
        return None if found is None else cost_of(usage, found)

    return price


def provider_factory(settings: Settings, env: Mapping[str, str], cwd: Path) -> ProviderFactory:
    """A factory that builds each endpoint's provider once (``ember`` through Ember)."""
    built: dict[str, Provider] = {}

    def make(name: str) -> Provider:
        if name not in built:
            if name == "ember" and name not in settings.providers.endpoints:
                from codex_py.providers.ember import EmberProvider

                built[name] = EmberProvider()
            else:
                built[name] = providers.build(settings, name, env, cwd)
        return built[name]

    return make


def members_of(labels: Sequence[str], factory: ProviderFactory, where: str) -> list[Member]:
    """A member per ``provider:model`` label; ``where`` is the config key, for errors."""
    members = []
    for label in labels:
        provider, sep, model = label.partition(":")
        if not sep or not provider or not model:
            raise ConfigError(f"{where}: {label!r} is not provider:model", "e.g. openai:gpt-5.1")
        members.append(Member(label, factory(provider), model))
    return members


def build_ensemble(
    settings: Settings,
    name: str,
    factory: ProviderFactory,
    *,
    sink: Sink | None = None,
    chooser: Chooser | None = None,
    price: Price | None = None,
    metered: bool = False,
) -> EnsembleProvider:
    """The ensemble ``name`` of the config. ``on_disagreement`` left unset means ``ask`` when
    a ``chooser`` is given (an interactive run) and ``refuse`` otherwise; so does ``ask``
    without a chooser, since nobody can be asked."""
    config = settings.ensembles[name]
    where = f"ensembles.{name}"
    mode = config.on_disagreement or "ask"
    if mode == "ask" and chooser is None:
        mode = "refuse"
    judge = members_of([config.judge], factory, f"{where}.judge")[0] if config.judge else None
    return EnsembleProvider(
        name,
        members_of(config.models, factory, f"{where}.models"),
        strategy=config.strategy,
        judge=judge,
        timeout=config.timeout,
        on_disagreement=mode,
        sink=sink,
        chooser=chooser,
        price=price or price_from(settings),
        metered=metered,
    )
