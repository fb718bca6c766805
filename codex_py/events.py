"""Events the core emits, and the sinks that receive them.

Every event is a small dataclass whose ``to_dict()`` is the JSON object written by ``--json``
(``{"type": ..., **fields}``). The terminal UI, the JSONL writer and tests are all sinks.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Protocol, TextIO


@dataclass
class Event:
    type: ClassVar[str] = "event"

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


class Sink(Protocol):
    def emit(self, event: Event) -> None: ...


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
