"""Core value types and the Protocols that join the parts.

Inside codex-py there is one message shape: OpenAI Chat Completions style dicts, JSON-serialisable
as they are::

    {"role": "system" | "user", "content": str}
    {"role": "assistant", "content": str | None,
     "tool_calls": [{"id": str, "type": "function", "function": {"name": str, "arguments": str}}]}
    {"role": "tool", "tool_call_id": str, "content": str}

Provider adapters translate to and from their wire format; nothing else sees an SDK type.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Literal, Protocol

if TYPE_CHECKING:
    from codex_py.events import Event
    from codex_py.policy.decide import Action, Decision

Message = dict[str, Any]
ToolSpec = dict[str, Any]
"""A tool offered to a model: ``{"name", "description", "parameters": <JSON schema>}``."""

Intent = Literal["planning", "tool_use", "code_gen", "synthesis", "safety_check"]
INTENTS: tuple[Intent, ...] = ("planning", "tool_use", "code_gen", "synthesis", "safety_check")

TextCallback = Callable[[str], None]


@dataclass(frozen=True)
class ToolCall:
    """A tool call proposed by a model. ``arguments`` is the raw JSON text the model wrote."""

    id: str
    name: str
    arguments: str

    def parsed(self) -> dict[str, Any]:
        """The arguments as a dict; raises ``ValueError`` when they are not a JSON object."""
        value = json.loads(self.arguments or "{}")
        if not isinstance(value, dict):
            raise ValueError("tool arguments must be a JSON object")
        return value

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": "function",
            "function": {"name": self.name, "arguments": self.arguments},
        }


@dataclass
class ToolResult:
    """What a tool returns to the model. A failure is a result, never an exception."""

    output: str
    exit_code: int = 0
    duration_seconds: float = 0.0
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    def to_model_text(self) -> str:
        """Codex's shape: ``{"output": ..., "metadata": {"exit_code", "duration_seconds"}}``."""
        meta = {"exit_code": self.exit_code, "duration_seconds": round(self.duration_seconds, 3)}
        return json.dumps({"output": self.output, "metadata": meta})


@dataclass
class Usage:
    """Token counts normalised across APIs."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))


@dataclass(frozen=True)
class Route:
    """Where one model call goes, and why."""

    intent: Intent
    provider: str
    model: str
    reason: str
    tools: bool = True
    """Whether the call offers the request's tools (a planning call offers none)."""


@dataclass
class ModelRequest:
    """One model call. ``messages`` starts with the system message; ``model`` may be empty until
    a router fills it in; ``intent``, when the caller sets it, is the route a router must take.
    """

    messages: list[Message]
    tools: list[ToolSpec] = field(default_factory=list)
    model: str = ""
    intent: Intent | None = None
    max_output_tokens: int | None = None
    stream: bool = True
    cache_key: str | None = None
    """A per-session key for providers' prompt caches (OpenAI ``prompt_cache_key``)."""


@dataclass
class ModelResponse:
    """A model's answer in our one shape."""

    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    provider: str = ""
    model: str = ""
    stop_reason: str = ""
    route: Route | None = None
    """The route the call took, attached by the router when it builds its response."""
    cost_usd: float | None = None
    """What the call cost, attached by the metering wrapper that priced it (``None``: no price,
    or a composite's answer, whose calls were each priced on their own)."""

    def to_message(self) -> Message:
        message: Message = {"role": "assistant", "content": self.text or None}
        if self.tool_calls:
            message["tool_calls"] = [call.to_wire() for call in self.tool_calls]
        return message


REFUSED_STEP = "refused_step"
"""``ModelResponse.stop_reason`` of a step a composite refused to take (an ensemble whose members
did not agree): the text says why, and the agent records it and calls again."""


class Provider(Protocol):
    """Anything that answers a ``ModelRequest``: an SDK adapter, a router, an ensemble, or a
    wrapper (retry, fallback, metering). ``aclose()`` releases its connections, and those of
    every provider it wraps; closing twice is harmless, and a closed provider reopens on its
    next call (in any event loop)."""

    name: str

    async def complete(
        self, request: ModelRequest, on_text: TextCallback | None = None
    ) -> ModelResponse: ...

    async def aclose(self) -> None: ...


async def close_all(providers: Iterable[Provider]) -> None:
    """Close each distinct provider once (composites share their children)."""
    for provider in {id(p): p for p in providers}.values():
        await provider.aclose()


@dataclass(frozen=True)
class TurnContext:
    """What a router sees when it picks a route: the history and a few derived facts."""

    messages: list[Message]
    turn: int
    consecutive_failures: int
    after_user_message: bool
    tools_available: bool = True
    requested_intent: Intent | None = None
    """The intent the caller asked for (``/plan``, compaction): the router must take it."""


class ProviderRouter(Protocol):
    """Chooses the provider for every model call. Must be a pure function of the context."""

    def route(self, ctx: TurnContext) -> Route: ...


class Sink(Protocol):
    """Receives every event a run emits (the terminal UI, ``--json``, the session log)."""

    def emit(self, event: Event) -> None: ...


@dataclass(frozen=True)
class ApprovalRequest:
    """A tool call the policy said ``ask`` about: what it would do, and why it needs a yes."""

    call: ToolCall
    action: Action
    decision: Decision
    summary: str
    """The command line or the patch text, as the user should see it."""
    history: Sequence[Message] = ()
    """The conversation so far, for approvers that judge the action in context."""


@dataclass(frozen=True)
class Approval:
    """An approver's answer: run it (``always``: for the rest of the session), or not, and why."""

    approved: bool
    always: bool = False
    message: str = ""
    stop: bool = False


Approver = Callable[[ApprovalRequest], Awaitable[Approval]]
"""Asks someone (the user, a safety vote) whether an action may run."""


@dataclass(frozen=True)
class ToolRun:
    """How a tool runs an action the policy allowed: sandboxed or not, and where its streamed
    output goes."""

    sandboxed: bool = False
    on_output: TextCallback | None = None


class Tool(Protocol):
    """One tool the model can call. The dispatcher iterates a registry of these and knows no
    tool by name: a tool owns its argument shape, from the schema to the run."""

    name: str
    instructions: str
    """What the system prompt tells the model about this tool."""

    def spec(self) -> ToolSpec:
        """The schema offered to the model."""
        ...

    def prepare(self, arguments: dict[str, Any]) -> Action:
        """The action the arguments ask for; raises ``ToolError`` saying what to fix."""
        ...

    def canonical(self, action: Action) -> str:
        """The action in one spelling, so that ensembles can compare proposals."""
        ...

    def describe(self, action: Action) -> str:
        """The action in one line, for the terminal."""
        ...

    def review(self, action: Action) -> str:
        """The action in full (the command line, the patch), for a person approving it."""
        ...

    async def run(self, action: Action, how: ToolRun) -> ToolResult: ...
