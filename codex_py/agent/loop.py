"""The agent loop: one linear history, a model call per turn, tool calls dispatched in order.

The loop ends when a call that offered tools returns none (the final answer), when the turn
limit is reached, when the budget is spent, when a model call fails, or when the user stops it.
A call that offered no tools (a plan), and a step a composite refused to take, add their text
to the history and the loop goes on. The agent prices nothing itself: every call is metered
where it is made (``providers.metering``), and the run's totals are the meter's.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal, Protocol

from codex_py.agent.compaction import Compactor
from codex_py.errors import BudgetExceeded, CodexError, ContextLengthError, StopRun
from codex_py.events import (
    ErrorEvent,
    HistoryEvent,
    HistoryReset,
    MessageEvent,
    NullSink,
    SessionEnd,
    TextDelta,
)
from codex_py.messages import answer_open_calls, tool_message
from codex_py.providers.metering import Meter
from codex_py.types import (
    REFUSED_STEP,
    Intent,
    Message,
    ModelRequest,
    ModelResponse,
    Provider,
    Sink,
    ToolCall,
    ToolResult,
    ToolSpec,
    Usage,
)

Status = Literal["completed", "failed", "cancelled", "limit"]


class Tools(Protocol):
    def specs(self) -> list[ToolSpec]: ...

    def handle(self, call: ToolCall, history: Sequence[Message] = ()) -> Awaitable[ToolResult]: ...


@dataclass
class RunResult:
    status: Status
    final_text: str
    turns: int
    usage: Usage = field(default_factory=Usage)
    error: CodexError | None = None


class Agent:
    """Drives one conversation. ``history`` persists across ``run()`` calls."""

    def __init__(
        self,
        provider: Provider,
        tools: Tools,
        *,
        system_prompt: str,
        max_turns: int = 50,
        meter: Meter | None = None,
        compactor: Compactor | None = None,
        sink: Sink | None = None,
    ) -> None:
        self.provider = provider
        self.tools = tools
        self.max_turns = max_turns
        self.sink = sink or NullSink()
        self.meter = meter or Meter({}, self.sink)
        self.compactor = compactor
        self.session_id = uuid.uuid4().hex
        self.history: list[Message] = []
        self.resumed_usage = Usage()
        """Usage of the calls a resumed session made before this agent took it over."""
        self.fallbacks: list[dict[str, str | None]] = []
        self._next_intent: Intent | None = None
        self.append({"role": "system", "content": system_prompt})

    @property
    def usage(self) -> Usage:
        """Every metered call of this conversation, resumed ones included."""
        return self.resumed_usage + self.meter.usage

    def append(self, message: Message) -> None:
        """Add a message to the history; session logs see it as a ``HistoryEvent``."""
        self.history.append(message)
        self.sink.emit(HistoryEvent(message))

    def plan_next(self) -> None:
        """Make the next model call a planning call (``/plan``)."""
        self._next_intent = "planning"

    @property
    def requested_intent(self) -> Intent | None:
        """The intent the next model call asks the router for, if any."""
        return self._next_intent

    async def run(self, task: str) -> RunResult:
        """Add ``task`` as a user message and work until the model is done."""
        self.append({"role": "user", "content": task})
        turns = 0
        final = ""
        status: Status = "completed"
        error: CodexError | None = None
        try:
            while True:
                if turns >= self.max_turns:
                    status = "limit"
                    self.sink.emit(ErrorEvent(f"stopped after {turns} model calls", "--max-turns"))
                    break
                response = await self._call_model()
                turns += 1
                done = await self._act(response)
                final = response.text or final
                if done:
                    break
        except BudgetExceeded as exc:
            status, error = "limit", exc
            self.sink.emit(ErrorEvent(exc.message, exc.hint))
            self._answer_open_calls("not run: the cost budget was reached")
        except (StopRun, asyncio.CancelledError, KeyboardInterrupt):
            status = "cancelled"
            self._answer_open_calls("aborted: the user stopped the run")
        except CodexError as exc:
            status, error = "failed", exc
            self.sink.emit(ErrorEvent(exc.message, exc.hint))
        finally:
            await self.close()
        summary = self.meter.costs.summary()
        self.sink.emit(SessionEnd(status, turns, asdict(self.usage), summary, self.fallbacks))
        return RunResult(status, final, turns, self.usage, error)

    async def close(self) -> None:
        """Close the providers' connections; they reopen on the next call (in any event loop)."""
        await self.provider.aclose()

    async def compact(self, *, force: bool = False) -> None:
        """Summarise the middle of the history when it nears the context window (or ``force``)."""
        if self.compactor:
            compacted = await self.compactor.maybe_compact(self.history, force=force)
            if compacted is not self.history:
                self.history = compacted
                self.sink.emit(HistoryReset(compacted))

    async def _call_model(self) -> ModelResponse:
        """One model call; a context-length error compacts the history and tries once more."""
        intent, self._next_intent = self._next_intent, None
        await self.compact()
        try:
            return await self.provider.complete(self._request(intent), on_text=self._on_text)
        except ContextLengthError:
            if not self.compactor:
                raise
            await self.compact(force=True)
            return await self.provider.complete(self._request(intent), on_text=self._on_text)

    def _request(self, intent: Intent | None) -> ModelRequest:
        return ModelRequest(
            messages=list(self.history),
            tools=self.tools.specs(),
            intent=intent,
            cache_key=self.session_id,
        )

    async def _act(self, response: ModelResponse) -> bool:
        """Record one model answer and run its tool calls. Returns whether the run is done."""
        route = response.route
        intent = route.intent if route else None
        self._note_fallback(response)
        self.append(response.to_message())
        self.meter.check_budget()
        if response.text:
            self.sink.emit(MessageEvent("assistant", response.text, intent))
        for call in response.tool_calls:
            result = await self.tools.handle(call, self.history)
            self.append(tool_message(call.id, result))
        offered_tools = route.tools if route else True
        return offered_tools and not response.tool_calls and response.stop_reason != REFUSED_STEP

    def _answer_open_calls(self, reason: str) -> None:
        """Give every tool call still without a result an aborted one, so the history stays
        valid for the next call (the loop answers calls in order: repairs come at the end)."""
        for message in answer_open_calls(self.history, reason)[len(self.history) :]:
            self.append(message)

    def _note_fallback(self, response: ModelResponse) -> None:
        route = response.route  # an ensemble's route names no model: its members have theirs
        if (
            route
            and route.model
            and (route.provider, route.model)
            != (
                response.provider,
                response.model,
            )
        ):
            self.fallbacks.append(
                {
                    "intent": route.intent,
                    "from": f"{route.provider}:{route.model}",
                    "to": f"{response.provider}:{response.model}",
                }
            )

    def _on_text(self, text: str) -> None:
        self.sink.emit(TextDelta(text))
