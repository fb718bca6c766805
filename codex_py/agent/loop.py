"""The agent loop: one linear history, a model call per turn, tool calls dispatched in order.

The loop ends when a call that offered tools returns none (the final answer), when the turn
limit is reached, when a model call fails, or when the user stops it. A call that offered no
tools (a plan) adds its text to the history and the loop goes on.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Literal, Protocol

from codex_py.agent.context import Compactor
from codex_py.ensemble.panel import close_providers
from codex_py.errors import BudgetExceeded, CodexError, ContextLengthError, StopRun
from codex_py.events import (
    ErrorEvent,
    HistoryEvent,
    HistoryReset,
    MessageEvent,
    NullSink,
    SessionEnd,
    TextDelta,
    UsageEvent,
)
from codex_py.messages import answer_open_calls, tool_message
from codex_py.pricing import CostTracker
from codex_py.types import (
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
        max_cost: float | None = None,
        costs: CostTracker | None = None,
        compactor: Compactor | None = None,
        closers: Sequence[Provider] = (),
        sink: Sink | None = None,
    ) -> None:
        self.provider = provider
        self.tools = tools
        self.max_turns = max_turns
        self.max_cost = max_cost
        self.sink = sink or NullSink()
        self.costs = costs or CostTracker({}, self.sink)
        self.compactor = compactor
        self.closers = closers
        self.session_id = uuid.uuid4().hex
        self.history: list[Message] = []
        self.usage = Usage()
        self.fallbacks: list[dict[str, str | None]] = []
        self.append({"role": "system", "content": system_prompt})

    def append(self, message: Message) -> None:
        """Add a message to the history; session logs see it as a ``HistoryEvent``."""
        self.history.append(message)
        self.sink.emit(HistoryEvent(message))

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
                done, text = await self._step()
                turns += 1
                final = text or final
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
        summary = self.costs.summary()
        self.sink.emit(SessionEnd(status, turns, asdict(self.usage), summary, self.fallbacks))
        return RunResult(status, final, turns, self.usage, error)

    async def close(self) -> None:
        """Close the providers' connections; they reopen on the next call (in any event loop)."""
        await close_providers(self.closers)

    async def compact(self, *, force: bool = False) -> None:
        """Summarise the middle of the history when it nears the context window (or ``force``)."""
        if self.compactor:
            compacted = await self.compactor.maybe_compact(self.history, force=force)
            if compacted is not self.history:
                self.history = compacted
                self.sink.emit(HistoryReset(compacted))

    async def _call_model(self) -> ModelResponse:
        """One model call; a context-length error compacts the history and tries once more."""
        await self.compact()
        try:
            return await self.provider.complete(self._request(), on_text=self._on_text)
        except ContextLengthError:
            if not self.compactor:
                raise
            await self.compact(force=True)
            return await self.provider.complete(self._request(), on_text=self._on_text)

    def _request(self) -> ModelRequest:
        return ModelRequest(
            messages=list(self.history), tools=self.tools.specs(), cache_key=self.session_id
        )

    async def _step(self) -> tuple[bool, str]:
        """One model call and its tool calls. Returns (finished, assistant text)."""
        response = await self._call_model()
        intent = response.route.intent if response.route else None
        self._account(response, intent)
        self.append(response.to_message())
        self.costs.check_budget(self.max_cost)
        if response.text:
            self.sink.emit(MessageEvent("assistant", response.text, intent))
        for call in response.tool_calls:
            result = await self.tools.handle(call, self.history)
            self.append(tool_message(call.id, result))
        finished = not response.tool_calls and response.tools_offered
        return finished, response.text

    def _answer_open_calls(self, reason: str) -> None:
        """Give every tool call still without a result an aborted one, so the history stays
        valid for the next call (the loop answers calls in order: repairs come at the end)."""
        for message in answer_open_calls(self.history, reason)[len(self.history) :]:
            self.append(message)

    def _account(self, response: ModelResponse, intent: str | None) -> None:
        """Usage, cost and fallbacks of one model call."""
        self.usage += response.usage
        if response.metered:
            cost = response.cost_usd  # its member calls were recorded as they happened
        else:
            cost = self.costs.record(response.provider, response.model, intent, response.usage)
        usage = asdict(response.usage)
        self.sink.emit(
            UsageEvent(response.provider, response.model, **usage, intent=intent, cost_usd=cost)
        )
        route = response.route
        if route and (route.provider, route.model) != (response.provider, response.model):
            self.fallbacks.append(
                {
                    "intent": intent,
                    "from": f"{route.provider}:{route.model}",
                    "to": f"{response.provider}:{response.model}",
                }
            )

    def _on_text(self, text: str) -> None:
        self.sink.emit(TextDelta(text))
