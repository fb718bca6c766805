"""The ``shell`` tool as the agent offers it to a model: its schema, its arguments (validated),
its canonical form, and the dispatch of a shell call that is really an apply_patch."""

from __future__ import annotations

import math
import os
import shlex
from pathlib import Path
from typing import Any

from codex_py.config.settings import Settings, ShellSettings
from codex_py.errors import ToolError
from codex_py.policy.decide import Action, PatchAction, ShellAction
from codex_py.policy.shell.syntax import plain_command
from codex_py.tools.apply_patch.intercept import extract_patch, intercepted_cwd
from codex_py.tools.apply_patch.tool import ApplyPatchTool, in_directory
from codex_py.tools.shell import ShellArgs, run_shell
from codex_py.types import ToolResult, ToolRun, ToolSpec

INSTRUCTIONS = """\
- shell: run one command. Pass the argv as a list of strings, e.g. ["rg", "-n", "TODO"]; use
  ["bash", "-lc", "..."] only when you need pipes or shell syntax. Set "workdir" instead of using
  cd. Output is cut to its head and tail when long, so prefer commands with focused output."""

SHELL_TOOL: ToolSpec = {
    "name": "shell",
    "description": (
        "Run a command and return its combined stdout and stderr and its exit code. The argv is "
        'executed directly; to use pipes, redirections or globs, run ["bash", "-lc", "<script>"].'
    ),
    "parameters": {
        "type": "object",
        "properties": {
            "command": {
                "type": "array",
                "items": {"type": "string"},
                "description": "The argv to execute, program first.",
            },
            "workdir": {
                "type": "string",
                "description": "Directory to run in, relative to the workspace or absolute.",
            },
            "timeout": {
                "type": "integer",
                "description": "How long the command may run, in milliseconds.",
            },
        },
        "required": ["command"],
        "additionalProperties": False,
    },
}

_ARGUMENT_NAMES = ("command", "workdir", "timeout")
_EXAMPLE = '["bash", "-lc", "ls -la"]'


def parse_shell_args(arguments: dict[str, Any], cwd: Path, settings: ShellSettings) -> ShellArgs:
    """Validate a ``shell`` call's arguments; raises ``ToolError`` saying what to fix."""
    unknown = sorted(set(arguments) - set(_ARGUMENT_NAMES))
    if unknown:
        raise ToolError(f"unknown shell argument(s) {unknown}; the arguments are {_ARGUMENT_NAMES}")
    command = arguments.get("command")
    if not isinstance(command, list) or not all(isinstance(part, str) for part in command):
        raise ToolError(f'"command" must be an array of strings, for example {_EXAMPLE}')
    if not command or not command[0]:
        raise ToolError(f'"command" is empty; give the program and its arguments, e.g. {_EXAMPLE}')
    if any("\0" in part for part in command):
        raise ToolError('"command" contains a NUL character, which no argv can hold')
    return ShellArgs(
        command=list(command),
        workdir=_parse_workdir(arguments.get("workdir"), cwd),
        timeout_ms=_parse_timeout(arguments.get("timeout"), settings),
    )


def _parse_workdir(value: Any, cwd: Path) -> Path:
    if value is None or value == "":
        return cwd.resolve()
    if not isinstance(value, str):
        raise ToolError('"workdir" must be a string path')
    workdir = (cwd / os.path.expanduser(value)).resolve()
    if not workdir.is_dir():
        raise ToolError(f'"workdir" {workdir} does not exist or is not a directory')
    return workdir


def _parse_timeout(value: Any, settings: ShellSettings) -> int:
    if value is None:
        return min(settings.default_timeout_ms, settings.max_timeout_ms)
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise ToolError('"timeout" must be a number of milliseconds, e.g. 30000')
    if value <= 0:
        raise ToolError(f'"timeout" must be positive (it is {value}); it is in milliseconds')
    return math.ceil(min(value, settings.max_timeout_ms))


class ShellTool:
    """Commands in ``workspace``; a call that is really an apply_patch goes to ``patches``."""

    name = "shell"
    instructions = INSTRUCTIONS

    def __init__(self, settings: Settings, workspace: Path, patches: ApplyPatchTool) -> None:
        self.settings = settings
        self.workspace = workspace.resolve()
        self.patches = patches

    def spec(self) -> ToolSpec:
        return SHELL_TOOL

    def prepare(self, arguments: dict[str, Any]) -> Action:
        command = arguments.get("command")
        intercepted = extract_patch(command) if isinstance(command, list) else None
        if intercepted:
            text, cd = intercepted
            base = self.workspace / str(arguments.get("workdir") or ".")
            return self.patches.action(text, intercepted_cwd(self.workspace, cd, base))
        args = parse_shell_args(arguments, self.workspace, self.settings.shell)
        return ShellAction(tuple(args.command), args.workdir, args.timeout_ms)

    def canonical(self, action: Action) -> str:
        if isinstance(action, PatchAction):
            return self.patches.canonical(action)
        assert isinstance(action, ShellAction)
        where = (
            action.workdir.relative_to(self.workspace).as_posix()
            if (action.workdir.is_relative_to(self.workspace))
            else str(action.workdir)
        )
        return f"shell {shlex.join(plain_command(list(action.argv)))}{in_directory(where)}"

    def describe(self, action: Action) -> str:
        if isinstance(action, PatchAction):
            return self.patches.describe(action)
        assert isinstance(action, ShellAction)
        return " ".join(action.argv)[:200]

    def review(self, action: Action) -> str:
        if isinstance(action, PatchAction):
            return self.patches.review(action)
        assert isinstance(action, ShellAction)
        return shlex.join(action.argv)

    async def run(self, action: Action, how: ToolRun) -> ToolResult:
        if isinstance(action, PatchAction):
            return await self.patches.run(action, how)
        assert isinstance(action, ShellAction)
        args = ShellArgs(list(action.argv), action.workdir, action.timeout_ms)
        settings = self.settings
        return await run_shell(
            args,
            settings=settings.shell,
            env_policy=settings.shell_environment_policy,
            workspace=self.workspace,
            sandbox=settings.sandbox if how.sandboxed else None,
            on_output=how.on_output,
        )
