"""Tool dispatch: find the call's tool in the registry, let it prepare the action, ask the
policy, get approval when needed, run it, report.

A tool failure of any kind (bad arguments, a refused command, a patch that does not apply) is a
``ToolResult`` fed back to the model, never an exception. The one exception that escapes is
``StopRun``: the user chose "stop" at an approval prompt.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

from codex_py.config.settings import Settings
from codex_py.errors import StopRun, ToolError
from codex_py.events import ApprovalEvent, NullSink, ToolCallEvent, ToolOutput, ToolResultEvent
from codex_py.policy.decide import Action, ShellAction, decide
from codex_py.tools.registry import ToolRegistry, builtin_tools
from codex_py.types import (
    Approval,
    ApprovalRequest,
    Approver,
    Message,
    Sink,
    Tool,
    ToolCall,
    ToolResult,
    ToolRun,
    ToolSpec,
)


async def refuse_all(request: ApprovalRequest) -> Approval:
    """The approver of non-interactive runs: nothing that needs a human is run."""
    return Approval(False, message="it needs approval and this run cannot ask anyone")


class Toolbox:
    """The agent's tools (``tools``; the built-in ones by default), with the approval policy in
    front of them."""

    def __init__(
        self,
        settings: Settings,
        workspace: Path,
        *,
        approver: Approver = refuse_all,
        sink: Sink | None = None,
        tools: ToolRegistry | None = None,
    ) -> None:
        self.settings = settings
        self.workspace = workspace.resolve()
        self.approver = approver
        self.sink = sink or NullSink()
        self.tools = tools or builtin_tools(settings, self.workspace)
        self.mode = settings.agent.approval_mode
        self.session_allowed: list[tuple[str, ...]] = []

    def specs(self) -> list[ToolSpec]:
        return self.tools.specs()

    async def handle(self, call: ToolCall, history: Sequence[Message] = ()) -> ToolResult:
        """Run one tool call through policy and approval; always returns a result. ``history``
        is the conversation so far, for approvers that judge the call in context."""
        started = time.monotonic()
        try:
            tool, action = self.tools.prepare(call)
        except ToolError as error:
            self.sink.emit(ToolCallEvent(call.id, call.name, call.arguments))
            result = ToolResult(str(error), exit_code=1)
        else:
            summary = tool.describe(action)
            self.sink.emit(ToolCallEvent(call.id, call.name, call.arguments, summary))
            try:
                result = await self._run_if_allowed(call, tool, action, history)
            except ToolError as error:
                result = ToolResult(str(error), exit_code=1)
        result.duration_seconds = result.duration_seconds or time.monotonic() - started
        self.sink.emit(
            ToolResultEvent(
                call.id, result.exit_code, result.output, result.duration_seconds, result.metadata
            )
        )
        return result

    async def _run_if_allowed(
        self, call: ToolCall, tool: Tool, action: Action, history: Sequence[Message]
    ) -> ToolResult:
        decision = decide(
            action,
            mode=self.mode,
            workspace=self.workspace,
            rules=self.settings.rules,
            session_allowed=self.session_allowed,
        )
        approval = Approval(decision.action == "allow")
        review = tool.review(action)
        if decision.action == "ask":
            request = ApprovalRequest(call, action, decision, review, history)
            approval = await self.approver(request)
        self.sink.emit(ApprovalEvent(call.id, decision.action, decision.reason, approval.approved))
        if approval.stop:
            raise StopRun(f"stopped at the approval of {review[:80]!r}")
        if not approval.approved:
            note = f" ({approval.message})" if approval.message else ""
            why = decision.reason if decision.action == "deny" else f"{decision.reason}{note}"
            return ToolResult(f"Refused: {why}. The command was not run.", exit_code=1)
        if approval.always and isinstance(action, ShellAction):
            self.session_allowed.append(action.argv)

        def stream(chunk: str) -> None:
            self.sink.emit(ToolOutput(call.id, chunk))

        return await tool.run(action, ToolRun(sandboxed=decision.sandbox, on_output=stream))
