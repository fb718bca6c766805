"""The tool registry: dispatch by name with no tool known to the dispatcher, each tool's own
canonical form and one-line description, and the system prompt's tool text."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest

from codex_py import config
from codex_py.agent.prompt import system_prompt
from codex_py.config.settings import Settings
from codex_py.errors import ToolError
from codex_py.events import ListSink, ToolCallEvent
from codex_py.policy.decide import Action, ShellAction
from codex_py.tools.registry import ToolRegistry, builtin_tools
from codex_py.tools.toolbox import Toolbox
from codex_py.types import ToolCall, ToolResult, ToolRun, ToolSpec

PATCH = "*** Begin Patch\n*** Update File: a.py\n@@\n-x = 1\n+x = 2\n*** End Patch"
PACKAGE = Path(__file__).resolve().parents[2] / "codex_py"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return config.load(tmp_path, env={"CODEX_HOME": str(tmp_path)}).settings


@pytest.fixture
def tools(settings: Settings, tmp_path: Path) -> ToolRegistry:
    (tmp_path / "sub").mkdir()
    return builtin_tools(settings, tmp_path)


def call(name: str, **arguments: Any) -> ToolCall:
    return ToolCall(f"call_{name}", name, json.dumps(arguments))


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (["bash", "-lc", "ls  -la"], ["ls", "-la"]),
        (["/bin/sh", "-c", "grep 'a b' f.txt"], ["grep", "a b", "f.txt"]),
        (["zsh", "-lc", 'echo "hi"'], ["echo", "hi"]),
        (["bash", "-lc", "apply_patch <<'EOF'\n" + PATCH + "\nEOF"], ["apply_patch", PATCH]),
    ],
)
def test_equivalent_shell_calls_have_one_canonical_form(
    tools: ToolRegistry, left: list[str], right: list[str]
) -> None:
    assert tools.canonical_call(call("shell", command=left)) == tools.canonical_call(
        call("shell", command=right)
    )


def test_a_patch_sent_through_shell_equals_the_same_apply_patch(tools: ToolRegistry) -> None:
    via_shell = call("shell", command=["bash", "-lc", "apply_patch <<'EOF'\n" + PATCH + "\nEOF"])
    assert tools.canonical_call(via_shell) == tools.canonical_call(call("apply_patch", input=PATCH))


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (["bash", "-lc", "ls | wc -l"], ["ls", "wc", "-l"]),  # a pipe needs the shell
        (["bash", "-lc", "rm *.tmp"], ["rm", "*.tmp"]),  # a glob too
        (["bash", "-lc", "cd src"], ["cd", "src"]),  # a builtin is no program
        (["bash", "-lc", "FOO=1 make"], ["FOO=1", "make"]),  # an assignment
        (["ls", "-la"], ["ls", "-l"]),
    ],
)
def test_different_shell_calls_stay_different(
    tools: ToolRegistry, left: list[str], right: list[str]
) -> None:
    assert tools.canonical_call(call("shell", command=left)) != tools.canonical_call(
        call("shell", command=right)
    )


def test_the_working_directory_is_part_of_a_shell_action(tools: ToolRegistry) -> None:
    here = tools.canonical_call(call("shell", command=["rm", "-r", "build"]))
    dot = call("shell", command=["rm", "-r", "build"], workdir="./")
    assert tools.canonical_call(dot) == here
    there = tools.canonical_call(call("shell", command=["rm", "-r", "build"], workdir="sub/"))
    assert there != here
    assert "sub" in there


def test_patches_compare_by_content_not_spelling(tools: ToolRegistry) -> None:
    wrapped = "<<'EOF'\r\n" + PATCH.replace("\n", "\r\n") + "\r\nEOF\r\n"
    assert tools.canonical_call(call("apply_patch", input=wrapped)) == tools.canonical_call(
        call("apply_patch", input=PATCH)
    )
    other = PATCH.replace("x = 2", "x = 3")
    assert tools.canonical_call(call("apply_patch", input=other)) != tools.canonical_call(
        call("apply_patch", input=PATCH)
    )


def test_calls_that_do_not_prepare_compare_by_sorted_json(tools: ToolRegistry) -> None:
    """An unknown tool, bad arguments or a patch that does not parse: name and sorted JSON."""
    a = ToolCall("1", "search", '{"q": "x", "limit": 3}')
    b = ToolCall("2", "search", '{"limit": 3, "q": "x"}')
    assert tools.canonical_call(a) == tools.canonical_call(b)
    assert tools.canonical_call(ToolCall("3", "search", "{oops")) == "search {oops"
    bad = tools.canonical_call(call("apply_patch", input="not a patch"))
    assert bad == 'apply_patch {"input": "not a patch"}'


def test_an_unknown_tool_is_an_error_naming_the_tools(tools: ToolRegistry) -> None:
    with pytest.raises(ToolError, match="the tools are shell, apply_patch"):
        tools.get("browse")


class Clock:
    """A third tool, registered without touching the dispatcher."""

    name = "clock"
    instructions = "- clock: tells the time."

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace

    def spec(self) -> ToolSpec:
        return {"name": "clock", "description": "the time", "parameters": {"type": "object"}}

    def prepare(self, arguments: dict[str, Any]) -> Action:
        return ShellAction(("date",), self.workspace)

    def canonical(self, action: Action) -> str:
        return "clock"

    def describe(self, action: Action) -> str:
        return "what time is it"

    def review(self, action: Action) -> str:
        return "clock"

    async def run(self, action: Action, how: ToolRun) -> ToolResult:
        return ToolResult("noon")


def test_a_registered_tool_is_offered_described_and_run(settings: Settings, tmp_path: Path) -> None:
    registry = ToolRegistry([*[builtin_tools(settings, tmp_path).get("shell")], Clock(tmp_path)])
    sink = ListSink()
    full_auto = config.load(
        tmp_path, overrides=["agent.approval_mode=full-auto"], env={"CODEX_HOME": str(tmp_path)}
    ).settings
    box = Toolbox(full_auto, tmp_path, sink=sink, tools=registry)
    assert [spec["name"] for spec in box.specs()] == ["shell", "clock"]
    result = asyncio.run(box.handle(ToolCall("c1", "clock", "{}")))
    assert result.output == "noon"
    event = next(e for e in sink.events if isinstance(e, ToolCallEvent))
    assert event.summary == "what time is it"
    assert "- clock: tells the time." in registry.instructions()


def test_the_ui_line_comes_from_the_tool(
    tools: ToolRegistry, settings: Settings, tmp_path: Path
) -> None:
    sink = ListSink()
    box = Toolbox(settings, tmp_path, sink=sink, tools=tools)
    asyncio.run(
        box.handle(
            call(
                "apply_patch",
                input=PATCH.replace("Update File: a.py", "Add File: b.py").replace(
                    "@@\n-x = 1\n+x = 2", "+y = 1"
                ),
            )
        )
    )
    event = next(e for e in sink.events if isinstance(e, ToolCallEvent))
    assert event.summary == "apply_patch b.py"


def test_the_system_prompt_takes_the_tools_own_instructions(
    tools: ToolRegistry, tmp_path: Path
) -> None:
    prompt = system_prompt(tmp_path, tools=tools.instructions())
    assert "- shell: run one command." in prompt and "- apply_patch: edit files." in prompt


def test_shell_names_are_listed_only_in_policy_shell() -> None:
    """policy/shell/ is the one place that knows which programs are shells."""
    literal = re.compile(r"""["'](?:zsh|dash|ksh)["']""")
    offenders = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        # cli/ names the shells it writes completion scripts for: a different list
        if not path.as_posix().endswith(("policy/shell/syntax.py",))
        and "/cli/" not in path.as_posix()
        and literal.search(path.read_text())
    ]
    assert offenders == []
