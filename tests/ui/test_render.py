"""Rendering, compared as text: events printed into Console(file=io.StringIO(), width=100)."""

from __future__ import annotations

import io
import json
import random
from pathlib import Path

from rich.console import Console, RenderableType
from rich.markdown import Markdown

from codex_py.config.settings import ContextSettings
from codex_py.events import (
    ApprovalEvent,
    ErrorEvent,
    MessageEvent,
    RetryEvent,
    RouteEvent,
    SessionEnd,
    TextDelta,
    ToolCallEvent,
    ToolResultEvent,
    UsageEvent,
)
from codex_py.events import Event as CoreEvent
from codex_py.policy.decide import Decision, PatchAction, ShellAction
from codex_py.tools.apply_patch.tool import run_apply_patch
from codex_py.types import ApprovalRequest, ToolCall
from codex_py.ui.approvals import choices, request_view
from codex_py.ui.render import TerminalRenderer

ANSWER = """\
# Result

I changed `utils.py` so that **add** has a docstring.
It is one line.

1. Read the file
2. Wrote the patch

3. Ran the tests
   and they pass

```python
def add(a, b):

    return a + b
```

> That is all.

Done."""


def console() -> Console:
    return Console(file=io.StringIO(), width=100)


def text_of(target: Console) -> str:
    assert isinstance(target.file, io.StringIO)
    return "\n".join(line.rstrip() for line in target.file.getvalue().splitlines())


def printed(renderable: RenderableType) -> str:
    out = console()
    out.print(renderable)
    return text_of(out)


def feed(renderer: TerminalRenderer, *events: CoreEvent) -> None:
    for event in events:
        renderer.emit(event)


def deltas(text: str, seed: int) -> list[TextDelta]:
    rng = random.Random(seed)
    pieces, at = [], 0
    while at < len(text):
        size = rng.randint(1, 9)
        pieces.append(TextDelta(text[at : at + size]))
        at += size
    return pieces


def test_a_streamed_answer_prints_as_the_same_markdown_as_the_whole() -> None:
    expected = printed(Markdown(ANSWER))
    for seed in range(8):
        out = console()
        renderer = TerminalRenderer(out)
        feed(renderer, RouteEvent("tool_use", "openai", "gpt-x", "continuing"))
        feed(renderer, *deltas(ANSWER, seed), MessageEvent("assistant", ANSWER, "tool_use"))
        assert text_of(out) == expected, f"seed {seed}"


def test_finished_blocks_print_while_the_answer_still_streams() -> None:
    out = console()
    renderer = TerminalRenderer(out)
    feed(renderer, RouteEvent("tool_use", "openai", "gpt-x", "continuing"))
    feed(renderer, TextDelta("First paragraph.\n\nSecond one is still bei"))
    assert text_of(out) == ""  # the blank line could still be inside a block
    feed(renderer, TextDelta("ng written\n"))
    assert text_of(out) == "First paragraph."
    feed(renderer, MessageEvent("assistant", "", "tool_use"))
    assert text_of(out) == "First paragraph.\n\nSecond one is still being written"


def test_an_answer_that_was_not_streamed_prints_from_its_message() -> None:
    out = console()
    feed(TerminalRenderer(out), MessageEvent("assistant", "Just **this**.", "synthesis"))
    assert text_of(out) == "Just this."


PLAN = """\
Here is the plan:

1. Read `utils.py`
2. Add a docstring to **add()**
   - mind the types
3. [x] Check nothing else needs it

Then I will report back."""


def test_a_plan_shows_as_a_checklist() -> None:
    out = console()
    renderer = TerminalRenderer(out)
    feed(renderer, RouteEvent("planning", "anthropic", "claude-x", "first call"))
    feed(renderer, *deltas(PLAN, 3))
    assert text_of(out) == ""  # a plan prints whole, once it is complete
    feed(renderer, MessageEvent("assistant", PLAN, "planning"))
    assert text_of(out) == (
        "Plan\n"
        "Here is the plan:\n"
        "  ☐ Read utils.py\n"
        "  ☐ Add a docstring to add()\n"
        "      mind the types\n"
        "  ☑ Check nothing else needs it\n"
        "Then I will report back."
    )


def test_a_plan_without_a_list_shows_as_markdown() -> None:
    out = console()
    feed(TerminalRenderer(out), MessageEvent("assistant", "Just *look* around.", "planning"))
    assert text_of(out) == "Plan\nJust look around."


def shell_call(call_id: str, *argv: str) -> ToolCallEvent:
    return ToolCallEvent(call_id, "shell", json.dumps({"command": list(argv)}), " ".join(argv))


def test_a_command_shows_its_exit_code_duration_and_collapsed_output() -> None:
    out = console()
    renderer = TerminalRenderer(out)
    output = "\n".join(f"line {n}" for n in range(1, 11)) + "\n"
    feed(renderer, shell_call("c1", "ls", "-la"), ToolResultEvent("c1", 0, output, 0.123))
    feed(renderer, shell_call("c2", "false"), ToolResultEvent("c2", 1, "nope\n", 2.5))
    assert text_of(out) == (
        "✓ ls -la · exit 0 · 0.1s\n"
        "  │ line 1\n"
        "  │ line 2\n"
        "  │ line 3\n"
        "  │ … 5 more lines\n"
        "  │ line 9\n"
        "  │ line 10\n"
        "✗ false · exit 1 · 2.5s\n"
        "  │ nope"
    )


def test_a_refused_command_says_so_with_the_reason() -> None:
    out = console()
    feed(
        TerminalRenderer(out),
        shell_call("c1", "rm", "-rf", "build"),
        ApprovalEvent("c1", "ask", "it deletes files", approved=False),
        ToolResultEvent("c1", 1, "Refused: it deletes files. The command was not run.", 0.0),
    )
    assert text_of(out) == (
        "✗ rm -rf build · refused\n  Refused: it deletes files. The command was not run."
    )


def test_an_applied_patch_shows_its_diff(tmp_path: Path) -> None:
    (tmp_path / "utils.py").write_text("def add(a, b):\n    return a + b\n")
    patch = (
        "*** Begin Patch\n*** Update File: utils.py\n@@\n def add(a, b):\n"
        '+    """Return the sum."""\n     return a + b\n*** End Patch'
    )
    result = run_apply_patch(patch, tmp_path)
    out = console()
    feed(
        TerminalRenderer(out),
        ToolCallEvent("p1", "apply_patch", json.dumps({"input": patch}), "apply_patch utils.py"),
        ToolResultEvent("p1", 0, result.output, 0.004, result.metadata),
    )
    assert text_of(out) == (
        "✓ apply_patch utils.py · exit 0 · 4ms\n"
        "  --- a/utils.py\n"
        "  +++ b/utils.py\n"
        "  @@ -1,2 +1,3 @@\n"
        "   def add(a, b):\n"
        '  +    """Return the sum."""\n'
        "       return a + b"
    )


def test_the_status_line_has_route_tokens_cost_and_context() -> None:
    context = ContextSettings(0.85, 8, default_window=100_000, windows={"gpt-x": 10_000})
    renderer = TerminalRenderer(console(), context=context)
    assert renderer.status.plain() == "0 tokens"
    feed(
        renderer,
        RouteEvent("tool_use", "openai", "gpt-x", "continuing"),
        UsageEvent("openai", "gpt-x", 1200, 300, cost_usd=0.0123),
        UsageEvent("anthropic", "claude-x", 400, 100),
    )
    assert renderer.status.plain() == "tool_use · openai/gpt-x · 2.0k tokens · $0.0123 · context 0%"
    feed(renderer, UsageEvent("openai", "gpt-x", 2500, 500, cost_usd=1.5))
    assert renderer.status.plain() == "tool_use · openai/gpt-x · 5.0k tokens · $1.51 · context 30%"


def test_retries_errors_and_an_unfinished_run_are_noted() -> None:
    out = console()
    feed(
        TerminalRenderer(out),
        RetryEvent("openai", 1, 1.5, "HTTP 529 overloaded", discarded_text=True),
        ErrorEvent("the model call failed", "check your key"),
        SessionEnd("cancelled", 2),
    )
    assert text_of(out) == (
        "⟳ openai failed (HTTP 529 overloaded); attempt 2 in 1.5s; "
        "the partial answer above is discarded\n"
        "error: the model call failed (check your key)\n"
        "cancelled after 2 model calls"
    )


def test_ensemble_votes_show_each_member() -> None:
    from codex_py.events import VoteEvent

    votes = [
        {"member": "openai:gpt-x", "decision": "allow", "reason": "reads only"},
        {"member": "anthropic:claude-x", "decision": "deny", "reason": "touches .git"},
        {"member": "openai:gpt-y", "error": "timed out"},
    ]
    out = console()
    feed(TerminalRenderer(out), VoteEvent("safety", "safety", "unanimous", "deny", 3, votes))
    assert text_of(out) == (
        "⚖ safety (unanimous, safety): deny\n"
        "    ✓ openai:gpt-x allow: reads only\n"
        "    ✗ anthropic:claude-x deny: touches .git\n"
        "    ! openai:gpt-y: timed out"
    )


def request(action: ShellAction | PatchAction, summary: str, dangerous: bool) -> ApprovalRequest:
    decision = Decision("ask", "it writes outside the workspace", dangerous=dangerous)
    return ApprovalRequest(ToolCall("c1", "shell", "{}"), action, decision, summary)


def test_an_approval_shows_the_command_the_reason_and_the_votes(tmp_path: Path) -> None:
    summary = (
        "git push --force\n\nsafety vote: 1 of 2 allow (2 needed)\n"
        "- openai:gpt-x: allow: the user asked for it\n"
        "- ollama:llama3:8b: deny: force-push rewrites history"
    )
    shown = request(ShellAction(("git", "push", "--force"), tmp_path), summary, dangerous=True)
    assert printed(request_view(shown)) == (
        "⚠ dangerous: it writes outside the workspace\n"
        "  $ git push --force\n"
        "  safety vote: 1 of 2 allow (2 needed)\n"
        "    ✓ openai:gpt-x allow: the user asked for it\n"
        "    ✗ ollama:llama3:8b deny: force-push rewrites history"
    )
    assert list(choices(shown)) == ["y", "a", "n", "s"]


def test_a_patch_approval_shows_the_patch_and_offers_no_always(tmp_path: Path) -> None:
    patch = "*** Begin Patch\n*** Add File: a.txt\n+hello\n*** End Patch"
    shown = request(PatchAction((tmp_path / "a.txt",)), patch, dangerous=False)
    assert printed(request_view(shown)) == (
        "approval needed: it writes outside the workspace\n"
        "  *** Begin Patch\n"
        "  *** Add File: a.txt\n"
        "  +hello\n"
        "  *** End Patch"
    )
    assert list(choices(shown)) == ["y", "n", "s"]


def test_the_live_region_shows_running_commands_on_lines_that_never_wrap() -> None:
    from codex_py.events import ToolOutput

    renderer = TerminalRenderer(console())
    long_command = ("echo", "x" * 200)
    feed(
        renderer,
        RouteEvent("tool_use", "openai", "gpt-x", "continuing"),
        TextDelta("Running it now"),
        shell_call("c1", *long_command),
        ToolOutput("c1", "one\n\x1b[31mred\x1b[0m\n\x1b[2Jtwo\nthree\nfour\n"),
    )
    narrow = Console(file=io.StringIO(), width=40)
    narrow.print(renderer.live_view())
    lines = text_of(narrow).splitlines()
    assert lines[0] == "Running it now"
    assert lines[1].startswith("⠋ 0s echo xxxx") and lines[1].endswith("…")
    assert [line.strip() for line in lines[2:5]] == ["│ two", "│ three", "│ four"]
    assert lines[5].startswith("tool_use · openai/gpt-x") and len(lines) == 6
    assert all(len(line) <= 40 for line in lines)
    assert "\x1b" not in narrow.file.getvalue()  # type: ignore[attr-defined]


def test_program_colours_are_shown_not_printed_as_escape_codes() -> None:
    out = console()
    feed(
        TerminalRenderer(out),
        shell_call("c1", "ls", "--color"),
        ToolResultEvent("c1", 0, "\x1b[01;34mdir\x1b[0m\tfile\n", 0.01),
    )
    assert text_of(out) == "✓ ls --color · exit 0 · 10ms\n  │ dir file"
