"""Tool dispatch: parse a call, ask the policy, get approval when needed, run it, report.

A tool failure of any kind (bad arguments, a refused command, a patch that does not apply) is a
``ToolResult`` fed back to the model, never an exception. The one exception that escapes is
``StopRun``: the user chose "stop" at an approval prompt.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from codex_py.config.settings import Settings
from codex_py.errors import StopRun, ToolError
from codex_py.events import (
    ApprovalEvent,
    NullSink,
    ToolCallEvent,
    ToolOutput,
    ToolResultEvent,
)
from codex_py.policy.decide import Action, PatchAction, ShellAction, decide
from codex_py.tools.apply_patch import (
    APPLY_PATCH_TOOL,
    affected_paths,
    extract_patch,
    intercepted_cwd,
    parse_patch,
    run_apply_patch,
)
from codex_py.tools.shell import SHELL_TOOL, ShellArgs, parse_shell_args, run_shell
from codex_py.types import (
    Approval,
    ApprovalRequest,
    Approver,
    Message,
    Sink,
    ToolCall,
    ToolResult,
    ToolSpec,
)


async def refuse_all(request: ApprovalRequest) -> Approval:
    """The approver of non-interactive runs: nothing that needs a human is run."""
    return Approval(False, message="it needs approval and this run cannot ask anyone")


@dataclass
class _Prepared:
    action: Action
    summary: str
    shell: ShellArgs | None = None
    patch: str = ""
    patch_cwd: Path = field(default_factory=Path)


class Toolbox:
    """The agent's tools, with the approval policy in front of them."""

    def __init__(
        self,
        settings: Settings,
        workspace: Path,
        *,
        approver: Approver = refuse_all,
        sink: Sink | None = None,
    ) -> None:
        self.settings = settings
        self.workspace = workspace.resolve()
        self.approver = approver
        self.sink = sink or NullSink()
        self.mode = settings.agent.approval_mode
        self.session_allowed: list[tuple[str, ...]] = []

    def specs(self) -> list[ToolSpec]:
        return [SHELL_TOOL, APPLY_PATCH_TOOL]

    async def handle(self, call: ToolCall, history: Sequence[Message] = ()) -> ToolResult:
        """Run one tool call through policy and approval; always returns a result. ``history``
        is the conversation so far, for approvers that judge the call in context."""
        self.sink.emit(ToolCallEvent(call.id, call.name, call.arguments))
        started = time.monotonic()
        try:
            prepared = self._prepare(call)
            result = await self._run_if_allowed(call, prepared, history)
        except ToolError as error:
            result = ToolResult(str(error), exit_code=1)
        result.duration_seconds = result.duration_seconds or time.monotonic() - started
        self.sink.emit(
            ToolResultEvent(
                call.id, result.exit_code, result.output, result.duration_seconds, result.metadata
            )
        )
        return result

    def _prepare(self, call: ToolCall) -> _Prepared:
        try:
            args = call.parsed()
        except ValueError as error:
            raise ToolError(f"{call.name}: arguments are not a JSON object: {error}") from None
        if call.name == "apply_patch":
            text = args.get("input")
            if not isinstance(text, str):
                raise ToolError('apply_patch: "input" must be a string holding the patch')
            return self._prepare_patch(text, self.workspace)
        if call.name == "shell":
            command = args.get("command")
            intercepted = extract_patch(command) if isinstance(command, list) else None
            if intercepted:
                text, cd = intercepted
                base = self.workspace / str(args.get("workdir") or ".")
                return self._prepare_patch(text, intercepted_cwd(self.workspace, cd, base))
            shell = parse_shell_args(args, self.workspace, self.settings.shell)
            action = ShellAction(tuple(shell.command), shell.workdir)
            return _Prepared(action, shlex.join(shell.command), shell=shell)
        raise ToolError(f"unknown tool {call.name!r}; the tools are shell and apply_patch")

    def _prepare_patch(self, text: str, cwd: Path) -> _Prepared:
        """Patch paths are relative to ``cwd`` and always confined to the workspace."""
        paths = affected_paths(parse_patch(text), self.workspace, cwd=cwd)
        return _Prepared(PatchAction(tuple(paths)), text, patch=text, patch_cwd=cwd)

    async def _run_if_allowed(
        self, call: ToolCall, prepared: _Prepared, history: Sequence[Message]
    ) -> ToolResult:
        decision = decide(
            prepared.action,
            mode=self.mode,
            workspace=self.workspace,
            rules=self.settings.rules,
            session_allowed=self.session_allowed,
        )
        approval = Approval(decision.action == "allow")
        if decision.action == "ask":
            request = ApprovalRequest(call, prepared.action, decision, prepared.summary, history)
            approval = await self.approver(request)
        self.sink.emit(ApprovalEvent(call.id, decision.action, decision.reason, approval.approved))
        if approval.stop:
            raise StopRun(f"stopped at the approval of {prepared.summary[:80]!r}")
        if not approval.approved:
            note = f" ({approval.message})" if approval.message else ""
            why = decision.reason if decision.action == "deny" else f"{decision.reason}{note}"
            return ToolResult(f"Refused: {why}. The command was not run.", exit_code=1)
        if approval.always and isinstance(prepared.action, ShellAction):
            self.session_allowed.append(prepared.action.argv)
        if prepared.shell is None:
            return run_apply_patch(prepared.patch, self.workspace, cwd=prepared.patch_cwd)
        return await run_shell(
            prepared.shell,
            settings=self.settings.shell,
            env_policy=self.settings.shell_environment_policy,
            workspace=self.workspace,
            sandbox=self.settings.sandbox if decision.sandbox else None,
            on_output=lambda chunk: self.sink.emit(ToolOutput(call.id, chunk)),
        )
