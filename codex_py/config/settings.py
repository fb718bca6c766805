"""The validated, frozen shape of the configuration.

``config.load()`` is the only code that builds these; everything else receives them. The YAML keys
are the field names. Defaults for the top-level sections live in ``configs/default.yaml`` (where
every key is documented); the defaults written here apply to entries users add to open maps
(a new endpoint, ensemble or rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

from codex_py.config.schema import Minimum
from codex_py.errors import ConfigError

ApprovalMode = Literal["suggest", "auto-edit", "full-auto"]
APPROVAL_MODES: tuple[ApprovalMode, ...] = ("suggest", "auto-edit", "full-auto")
Strategy = Literal["unanimous", "majority", "judge", "first"]
OnDisagreement = Literal["judge", "ask", "refuse"]


@dataclass(frozen=True)
class ModelRef:
    """A ``provider:model`` label (an ensemble member, a judge, a fallback), parsed once here."""

    provider: str
    model: str

    @classmethod
    def parse(cls, label: str, where: str = "") -> ModelRef:
        """The provider and model of ``label``; ``where`` names the config key for errors."""
        provider, sep, model = label.partition(":")
        if not sep or not provider or not model:
            at = f"{where}: " if where else ""
            raise ConfigError(f"{at}{label!r} is not provider:model", "e.g. openai:gpt-5.1")
        return cls(provider, model)

    def __str__(self) -> str:
        return f"{self.provider}:{self.model}"


@dataclass(frozen=True)
class Endpoint:
    """How to reach one provider."""

    kind: Literal["openai", "openai-compatible", "anthropic", "fake"] = "openai"
    base_url: str | None = None
    api_key_env: str | None = None
    wire_api: Literal["responses", "chat"] | None = None
    """None: ``responses`` for kind openai, ``chat`` for kind openai-compatible."""
    max_output_tokens: int = 8192
    timeout: float = 600.0
    script: str | None = None
    """For ``kind: fake``: a YAML file of scripted replies."""


@dataclass(frozen=True)
class Ensemble:
    """Several ``provider:model`` members that decide together."""

    models: tuple[str, ...] = ()
    strategy: Strategy = "majority"
    judge: str | None = None
    timeout: float = 120.0
    on_disagreement: OnDisagreement | None = None


@dataclass(frozen=True)
class ProvidersSettings:
    default: str
    force: str | None
    model: str | None
    routing: dict[str, str | None]
    replan_after_failures: int
    models: dict[str, dict[str, str]]
    endpoints: dict[str, Endpoint]


@dataclass(frozen=True)
class AgentSettings:
    approval_mode: ApprovalMode
    project_doc_max_bytes: int
    instructions: str | None


@dataclass(frozen=True)
class Limits:
    max_turns: Annotated[int, Minimum(1)]
    max_cost: Annotated[float, Minimum(0, exclusive=True)] | None


@dataclass(frozen=True)
class ShellSettings:
    default_timeout_ms: int
    max_timeout_ms: int
    max_output_bytes: int
    """The most output, head and tail together, that goes back to the model."""


@dataclass(frozen=True)
class EnvironmentPolicy:
    """Which environment variables a command's process gets."""

    inherit: Literal["all", "core", "none"]
    ignore_default_excludes: bool
    exclude: tuple[str, ...]
    set: dict[str, str]


@dataclass(frozen=True)
class SandboxSettings:
    mode: Literal["bwrap", "none"]
    network: bool
    writable_roots: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """A user rule: commands whose argv starts with ``prefix`` get ``decision``."""

    prefix: tuple[str, ...] = ()
    decision: Literal["allow", "ask", "deny"] = "ask"
    reason: str = ""


@dataclass(frozen=True)
class RetrySettings:
    max_attempts: int
    base_delay: float
    max_delay: float
    stream_idle_timeout: float


@dataclass(frozen=True)
class Price:
    """US dollars per million tokens."""

    input: float = 0.0
    output: float = 0.0
    cache_read: float | None = None
    cache_write: float | None = None


@dataclass(frozen=True)
class ContextSettings:
    compact_threshold: float
    keep_recent_messages: int
    default_window: int
    windows: dict[str, int]


@dataclass(frozen=True)
class Settings:
    providers: ProvidersSettings
    ensembles: dict[str, Ensemble]
    agent: AgentSettings
    limits: Limits
    shell: ShellSettings
    shell_environment_policy: EnvironmentPolicy
    sandbox: SandboxSettings
    retries: RetrySettings
    fallbacks: dict[str, tuple[str, ...]]
    context: ContextSettings
    pricing: dict[str, Price]
    notify: tuple[str, ...]
    rules: tuple[Rule, ...] = field(default=())
