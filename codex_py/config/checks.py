"""Checks across keys that the type-driven schema cannot express: every name must resolve."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from codex_py.config.settings import ModelRef, Settings
from codex_py.errors import ConfigError, SchemaError
from codex_py.types import INTENTS

MODEL_KEYS = {
    "planning": "planning_model",
    "tool_use": "tool_model",
    "code_gen": "code_model",
    "synthesis": "synthesis_model",
    "safety_check": "safety_model",
}


def check_references(settings: Settings) -> None:
    """Raise ``SchemaError`` at the first key that names something that does not exist."""
    providers = settings.providers
    endpoints = providers.endpoints
    names = set(endpoints) | set(settings.ensembles)
    choices = ", ".join(sorted(names))

    def check_name(path: tuple[str, ...], name: str | None) -> None:
        if name is not None and name not in names:
            hint = f"use one of: {choices}"
            if name == ENSEMBLE_ALIAS:
                hint = "define an ensemble under `ensembles:` (see configs/safety-first.yaml)"
            raise SchemaError(path, f"names an unknown provider {name!r}", hint)

    check_name(("providers", "default"), providers.default)
    check_name(("providers", "force"), providers.force)
    for intent, target in providers.routing.items():
        path = ("providers", "routing", intent)
        if intent not in INTENTS:
            raise SchemaError(path, "is not an intent", f"intents: {', '.join(INTENTS)}")
        check_name(path, target)
    valid_model_keys = {"default", *MODEL_KEYS.values()}
    for name, models in providers.models.items():
        if name not in endpoints:
            raise SchemaError(("providers", "models", name), "is not a provider in endpoints")
        for key in models:
            if key not in valid_model_keys:
                keys = ", ".join(sorted(valid_model_keys))
                raise SchemaError(("providers", "models", name, key), "unknown key", f"use {keys}")
    for name, ensemble in settings.ensembles.items():
        if name in endpoints:
            raise SchemaError(("ensembles", name), "has the name of an endpoint", "rename it")
        for index, member in enumerate(ensemble.models):
            member_path = ("ensembles", name, "models", str(index))
            try:
                provider = ModelRef.parse(member).provider
            except ConfigError as error:
                raise SchemaError(member_path, error.message, error.hint) from None
            if provider not in endpoints and provider != "ember":
                raise SchemaError(member_path, f"names an unknown provider {provider!r}")
    for index, rule in enumerate(settings.rules):
        if not rule.prefix:
            raise SchemaError(("rules", str(index), "prefix"), "must not be empty")


ENSEMBLE_ALIAS = "ensemble"
DEFAULT_WIRE: dict[str, Literal["responses", "chat"]] = {
    "openai": "responses",
    "openai-compatible": "chat",
}


def alias_target(settings: Settings) -> str | None:
    """The ensemble that the name ``ensemble`` stands for: the one named ``default``, or the only
    one; ``None`` when it names none (no ensemble, several without a default, or a real
    endpoint or ensemble is called ``ensemble``)."""
    ensembles = settings.ensembles
    if ENSEMBLE_ALIAS in ensembles or ENSEMBLE_ALIAS in settings.providers.endpoints:
        return None
    if "default" in ensembles:
        return "default"
    return next(iter(ensembles)) if len(ensembles) == 1 else None


def resolve_aliases(settings: Settings) -> Settings:
    """Fill in what names imply: an endpoint's wire API from its kind, and ``ensemble`` as a
    provider name meaning the ensemble named ``default``, or the only one."""
    endpoints = {
        name: replace(ep, wire_api=ep.wire_api or DEFAULT_WIRE.get(ep.kind))
        for name, ep in settings.providers.endpoints.items()
    }
    settings = replace(settings, providers=replace(settings.providers, endpoints=endpoints))
    target = alias_target(settings)
    if target is None:
        return settings

    def resolve(name: str | None) -> str | None:
        return target if name == ENSEMBLE_ALIAS else name

    p = settings.providers
    providers = replace(
        p,
        default=resolve(p.default) or p.default,
        force=resolve(p.force),
        routing={intent: resolve(name) for intent, name in p.routing.items()},
    )
    return replace(settings, providers=providers)


def model_for(settings: Settings, provider: str, intent: str) -> str | None:
    """The model ``provider`` uses for ``intent``: the forced one, the intent's, or its default."""
    if settings.providers.model:
        return settings.providers.model
    models = settings.providers.models.get(provider, {})
    return models.get(MODEL_KEYS.get(intent, ""), models.get("default"))
