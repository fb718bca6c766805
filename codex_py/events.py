"""Every event the core emits, a registry of them by ``type``, and the sinks that receive them.

Every event is a small dataclass whose ``to_dict()`` is the JSON object written by ``--json`` and
the session log (``{"type": ..., **fields}``). ``from_dict()`` turns such an object back into its
event, checking the shape, so that every reader of a log or a ``--json`` stream works on typed
events. The terminal UI, the JSONL writer, session logs and tests are all sinks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import MISSING, asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar, TextIO

from codex_py.errors import EventDecodeError

if TYPE_CHECKING:
    from codex_py.types import Sink

REGISTRY: dict[str, type[Event]] = {}
"""Every event class by its ``type``; filled in as the classes below are defined."""


@dataclass
class Event:
    type: ClassVar[str] = "event"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.type in REGISTRY and REGISTRY[cls.type] is not cls:
            raise TypeError(f"two events of type {cls.type!r}")
        REGISTRY[cls.type] = cls

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, **asdict(self)}


@dataclass
class SessionStart(Event):
    type: ClassVar[str] = "session_start"
    session_id: str
    cwd: str
    task: str


@dataclass
class HistoryEvent(Event):
    """A message appended to the conversation history (what a session log replays on resume)."""

    type: ClassVar[str] = "history"
    message: dict[str, Any]


@dataclass
class HistoryReset(Event):
    """The history was replaced as a whole (compaction, /clear): the new one, in full."""

    type: ClassVar[str] = "history_reset"
    messages: list[dict[str, Any]]


@dataclass
class RouteEvent(Event):
    type: ClassVar[str] = "route"
    intent: str
    provider: str
    model: str
    reason: str


@dataclass
class TextDelta(Event):
    type: ClassVar[str] = "delta"
    text: str


@dataclass
class MessageEvent(Event):
    type: ClassVar[str] = "message"
    role: str
    text: str
    intent: str | None = None


@dataclass
class ToolCallEvent(Event):
    type: ClassVar[str] = "tool_call"
    call_id: str
    name: str
    arguments: str
    summary: str = ""
    """The call in one line, written by its tool (the command line, the files a patch touches)."""


@dataclass
class ApprovalEvent(Event):
    type: ClassVar[str] = "approval"
    call_id: str
    decision: str
    reason: str
    approved: bool


@dataclass
class ToolOutput(Event):
    type: ClassVar[str] = "tool_output"
    call_id: str
    chunk: str


@dataclass
class ToolResultEvent(Event):
    type: ClassVar[str] = "tool_result"
    call_id: str
    exit_code: int
    output: str
    duration_seconds: float
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class UsageEvent(Event):
    type: ClassVar[str] = "usage"
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    intent: str | None = None
    cost_usd: float | None = None


@dataclass
class RetryEvent(Event):
    """A model call failed and will be tried again after ``delay`` seconds."""

    type: ClassVar[str] = "retry"
    provider: str
    attempt: int
    delay: float
    reason: str
    discarded_text: bool = False


@dataclass
class FallbackEvent(Event):
    type: ClassVar[str] = "fallback"
    intent: str | None
    from_provider: str
    to_provider: str
    model: str
    reason: str


@dataclass
class CompactionEvent(Event):
    type: ClassVar[str] = "compaction"
    tokens_before: int
    tokens_after: int
    messages_summarised: int


@dataclass
class WarningEvent(Event):
    type: ClassVar[str] = "warning"
    message: str


@dataclass
class ErrorEvent(Event):
    type: ClassVar[str] = "error"
    message: str
    hint: str = ""


@dataclass
class SessionEnd(Event):
    type: ClassVar[str] = "session_end"
    status: str
    turns: int
    usage: dict[str, int] = field(default_factory=dict)
    cost: dict[str, Any] = field(default_factory=dict)
    """Totals in US dollars and tokens, by provider, by model and by intent."""
    fallbacks: list[dict[str, str | None]] = field(default_factory=list)


@dataclass
class SessionResumed(Event):
    """A saved session was continued, with the config digest it continued with."""

    type: ClassVar[str] = "session_resumed"
    config_digest: str


@dataclass
class UndoEvent(Event):
    """A patch of the session was reverted (so ``/diff`` and the next ``/undo`` skip it)."""

    type: ClassVar[str] = "undo"
    call_id: str
    paths: list[str] = field(default_factory=list)


@dataclass
class EnsembleMemberEvent(Event):
    """One member's (or a judge's) answer: what it proposed, how long it took, what it cost."""

    type: ClassVar[str] = "ensemble_member"
    ensemble: str
    member: str
    role: str
    ok: bool
    answer: str
    latency_seconds: float
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = None
    error: str = ""


@dataclass
class VoteEvent(Event):
    """The outcome of one ensemble decision, with every member's vote."""

    type: ClassVar[str] = "vote"
    ensemble: str
    subject: str
    """``action`` (a turn with tools), ``text`` (a turn without) or ``safety``."""
    strategy: str
    outcome: str
    needed: int
    votes: list[dict[str, str]] = field(default_factory=list)
    reason: str = ""


_KINDS: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "dict": (dict,),
    "list": (list,),
    "None": (type(None),),
    "Any": (object,),
}


def _accepts(annotation: str, value: Any) -> bool:
    """Whether ``value`` fits a field annotated ``annotation`` (outer types only)."""
    for part in annotation.split("|"):
        kinds = _KINDS.get(part.strip().split("[", 1)[0], (object,))
        if isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds):
            return True
    return False


def from_dict(data: Mapping[str, Any]) -> Event:
    """The event ``data`` describes (as ``to_dict()`` wrote it; unknown keys such as a log's
    ``ts`` are ignored). Raises ``EventDecodeError`` for an unknown type or a wrong shape."""
    kind = data.get("type")
    cls = REGISTRY.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise EventDecodeError(f"unknown event type {kind!r}")
    values: dict[str, Any] = {}
    for spec in fields(cls):
        if spec.name not in data:
            if spec.default is MISSING and spec.default_factory is MISSING:
                raise EventDecodeError(f"{kind} event without {spec.name!r}")
            continue
        value = data[spec.name]
        if not _accepts(str(spec.type), value):
            raise EventDecodeError(f"{kind} event: {spec.name!r} has the wrong type")
        values[spec.name] = value
    return cls(**values)


def decode_lines(lines: Any) -> tuple[list[Event], int]:
    """The events of JSON lines (an iterable of ``str`` or ``bytes``), and how many lines were
    skipped as unreadable (not JSON, not an object, or not an event)."""
    events: list[Event] = []
    skipped = 0
    for line in lines:
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise EventDecodeError("not a JSON object")
            events.append(from_dict(data))
        except (ValueError, EventDecodeError):
            skipped += 1
    return events, skipped


class NullSink:
    def emit(self, event: Event) -> None:
        pass


class ListSink:
    """Keeps every event; handy in tests."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def emit(self, event: Event) -> None:
        self.events.append(event)

    def of_type(self, kind: str) -> list[Event]:
        return [e for e in self.events if e.type == kind]


class JsonlSink:
    """One JSON object per line, flushed as it is written. Streaming deltas and raw history
    messages are left out unless ``verbose``."""

    def __init__(self, stream: TextIO, *, verbose: bool = False) -> None:
        self.stream = stream
        self.verbose = verbose

    def emit(self, event: Event) -> None:
        if (
            isinstance(event, TextDelta | ToolOutput | HistoryEvent | HistoryReset)
            and not self.verbose
        ):
            return
        self.stream.write(json.dumps(event.to_dict()) + "\n")
        self.stream.flush()


class FanoutSink:
    """Sends every event to several sinks."""

    def __init__(self, *sinks: Sink) -> None:
        self.sinks = sinks

    def emit(self, event: Event) -> None:
        for sink in self.sinks:
            sink.emit(event)
