"""Ensembles and their members, built from config over the run's endpoints.

Members are ``provider:model`` labels (``ModelRef``); ``ember:<model>`` members go through the
optional Ember adapter (see ``providers.registry``). Members that share a provider share one
instance of it: the factory is the run's, so every member's call is retried and metered like
any other call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from codex_py.config.settings import ModelRef, Settings
from codex_py.ensemble.panel import Member
from codex_py.ensemble.provider import Chooser, EnsembleProvider
from codex_py.ensemble.votes import Canonical
from codex_py.messages import call_as_json
from codex_py.types import Provider, Sink

ProviderFactory = Callable[[str], Provider]
"""Returns the (built once) provider of an endpoint name."""


def members_of(labels: Sequence[str], factory: ProviderFactory, where: str) -> list[Member]:
    """A member per ``provider:model`` label; ``where`` is the config key, for errors."""
    refs = [ModelRef.parse(label, where) for label in labels]
    return [Member(str(ref), factory(ref.provider), ref.model) for ref in refs]


def build_ensemble(
    settings: Settings,
    name: str,
    factory: ProviderFactory,
    *,
    sink: Sink | None = None,
    chooser: Chooser | None = None,
    canonical: Canonical = call_as_json,
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
        canonical=canonical,
    )
