"""The registry of the tools a run offers. The dispatcher, the ensemble's comparison of
proposals and the system prompt all go through it, so only each tool knows its arguments.
MCP tools (a later issue) register here the same way as the built-in ``shell`` and
``apply_patch``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from codex_py.config.settings import Settings
from codex_py.errors import ToolError
from codex_py.messages import call_as_json
from codex_py.policy.decide import Action
from codex_py.tools.apply_patch.tool import ApplyPatchTool
from codex_py.tools.shell_tool import ShellTool
from codex_py.types import Tool, ToolCall, ToolSpec


class ToolRegistry:
    """Tools by name, in the order they are offered."""

    def __init__(self, tools: Iterable[Tool]) -> None:
        self._tools = {tool.name: tool for tool in tools}

    @property
    def names(self) -> list[str]:
        return list(self._tools)

    def specs(self) -> list[ToolSpec]:
        return [tool.spec() for tool in self._tools.values()]

    def instructions(self) -> str:
        """What the system prompt says about the tools, one paragraph each."""
        return "\n".join(tool.instructions for tool in self._tools.values())

    def get(self, name: str) -> Tool:
        tool = self._tools.get(name)
        if tool is None:
            raise ToolError(f"unknown tool {name!r}; the tools are {', '.join(self._tools)}")
        return tool

    def prepare(self, call: ToolCall) -> tuple[Tool, Action]:
        """The tool of ``call`` and the action its arguments ask for (``ToolError`` if bad)."""
        tool = self.get(call.name)
        try:
            arguments = call.parsed()
        except ValueError as error:
            raise ToolError(f"{call.name}: arguments are not a JSON object: {error}") from None
        return tool, tool.prepare(arguments)

    def canonical_call(self, call: ToolCall) -> str:
        """``call`` in canonical form; an unknown tool or bad arguments: its name and its
        arguments as sorted JSON (or their text, stripped, when they are not JSON)."""
        try:
            tool, action = self.prepare(call)
        except ToolError:
            return call_as_json(call)
        return tool.canonical(action)

    def describe_call(self, call: ToolCall) -> str:
        """``call`` in one line for the terminal (its raw arguments when they are bad)."""
        try:
            tool, action = self.prepare(call)
        except ToolError:
            return f"{call.name} {call.arguments[:80]}"
        return tool.describe(action)


def builtin_tools(settings: Settings, workspace: Path) -> ToolRegistry:
    """``shell`` and ``apply_patch``, as every run offers them."""
    patches = ApplyPatchTool(workspace)
    return ToolRegistry([ShellTool(settings, workspace, patches), patches])
