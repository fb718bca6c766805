"""Pure rich renderables for the pieces of a session: plans, tool results, diffs, votes.

Nothing here prints or keeps state; ``render.py`` decides when each piece appears. Text from
models and commands always goes in as ``Text`` (never as markup), so brackets print as typed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.padding import Padding
from rich.syntax import Syntax
from rich.text import Text

OUTPUT_HEAD_LINES = 3
OUTPUT_TAIL_LINES = 2
DIFF_MAX_LINES = 400
_STEP = re.compile(r"^(\s*)(?:\d+[.)]|[-*+])\s+(?:\[([ xX])\]\s+)?(.+)$")
_INLINE = re.compile(r"(`[^`]+`|\*\*[^*]+\*\*)")


@dataclass
class PlanStep:
    text: str
    done: bool = False
    details: list[str] = field(default_factory=list)


@dataclass
class Plan:
    intro: str
    steps: list[PlanStep]
    outro: str


def parse_plan(text: str) -> Plan:
    """The top-level list items of a plan, with the prose before and after them. Nested items
    and continuation lines become a step's details."""
    lines = text.strip("\n").split("\n")
    indents = [len(m.group(1)) for m in map(_STEP.match, lines) if m]
    if not indents:
        return Plan(text.strip(), [], "")
    top = min(indents)
    intro: list[str] = []
    outro: list[str] = []
    steps: list[PlanStep] = []
    for line in lines:
        match = _STEP.match(line)
        if match and len(match.group(1)) == top:
            steps.append(PlanStep(match.group(3).strip(), match.group(2) in ("x", "X")))
            outro = []
        elif not steps:
            intro.append(line)
        elif line.startswith(" ") and line.strip() and not outro:
            detail = _STEP.match(line)
            steps[-1].details.append(detail.group(3) if detail else line.strip())
        else:
            outro.append(line)
    return Plan("\n".join(intro).strip(), steps, "\n".join(outro).strip())


def plan_view(text: str) -> RenderableType:
    """A plan as a checklist (as Markdown when it has no list)."""
    plan = parse_plan(text)
    title = Text("Plan", style="bold magenta")
    if not plan.steps:
        return Group(title, Markdown(plan.intro))
    parts: list[RenderableType] = [title]
    if plan.intro:
        parts.append(Markdown(plan.intro))
    for step in plan.steps:
        box = ("  ☑ ", "green") if step.done else ("  ☐ ", "magenta")
        parts.append(Text.assemble(box, inline(step.text)))
        parts.extend(Text(f"      {detail}", style="dim") for detail in step.details)
    if plan.outro:
        parts.append(Markdown(plan.outro))
    return Group(*parts)


def inline(text: str) -> Text:
    """``code`` and **bold** spans styled; everything else as typed."""
    result = Text()
    for piece in _INLINE.split(text):
        if piece.startswith("`") and piece.endswith("`") and len(piece) > 1:
            result.append(piece[1:-1], style="bold cyan")
        elif piece.startswith("**") and piece.endswith("**") and len(piece) > 3:
            result.append(piece[2:-2], style="bold")
        else:
            result.append(piece)
    return result


def tool_header(description: str, exit_code: int, seconds: float, *, refused: bool) -> Text:
    """``✓ $ ls -la · exit 0 · 0.12s`` (or a refusal)."""
    ok = exit_code == 0 and not refused
    header = Text.assemble(
        ("✓ ", "bold green") if ok else ("✗ ", "bold red"), (description, "bold")
    )
    if refused:
        header.append(" · refused", style="red")
    else:
        header.append(f" · exit {exit_code} · {format_seconds(seconds)}", style="dim")
    return header


def output_preview(output: str) -> RenderableType | None:
    """Command output collapsed to its first and last lines."""
    lines = output.rstrip("\n").split("\n") if output.strip() else []
    if not lines:
        return None
    shown: list[Text] = []
    if len(lines) <= OUTPUT_HEAD_LINES + OUTPUT_TAIL_LINES + 1:
        shown = [_output_line(line) for line in lines]
    else:
        hidden = len(lines) - OUTPUT_HEAD_LINES - OUTPUT_TAIL_LINES
        shown = [_output_line(line) for line in lines[:OUTPUT_HEAD_LINES]]
        shown.append(Text(f"  │ … {hidden} more lines", style="dim italic"))
        shown.extend(_output_line(line) for line in lines[-OUTPUT_TAIL_LINES:])
    return Group(*shown)


def _output_line(line: str) -> Text:
    return Text.assemble("  │ ", terminal_text(line), style="dim")


def terminal_text(text: str) -> Text:
    """Program output as shown: its colours kept, other escape sequences and tabs tamed."""
    return Text.from_ansi(text.expandtabs(4))


def diff_view(diff: str, max_lines: int | None = DIFF_MAX_LINES) -> RenderableType:
    """A unified diff (or a patch) with syntax highlighting, cut at ``max_lines`` lines."""
    lines = diff.rstrip("\n").split("\n")
    shown = len(lines) if max_lines is None else max_lines
    extra = len(lines) - shown
    body = "\n".join(lines[:shown])
    syntax = Syntax(body, "diff", theme="ansi_dark", background_color="default", word_wrap=True)
    parts: list[RenderableType] = [syntax]
    if extra > 0:
        parts.append(Text(f"… {extra} more diff lines (/diff shows them all)", style="dim"))
    return Padding(Group(*parts), (0, 0, 0, 2))


def changes_view(changes: Sequence[Mapping[str, Any]]) -> RenderableType:
    """Each file change of an applied patch as its diff."""
    return Group(*(diff_view(str(c.get("diff") or "")) for c in changes if c.get("diff")))


def vote_lines(votes: Sequence[Mapping[str, Any]]) -> list[Text]:
    """One line per member: its decision (or answer, or error) and its reason."""
    lines = []
    for vote in votes:
        decision = str(vote.get("decision") or "")
        error = vote.get("error")
        mark, style = ("✓", "green") if decision == "allow" else ("✗", "red")
        if not decision:
            mark, style = ("!", "red") if error else ("•", "cyan")
        line = Text.assemble((f"    {mark} ", style), (str(vote.get("member", "?")), "bold"))
        detail = vote.get("reason") or vote.get("answer") or error or ""
        label = f" {decision}" if decision else ""
        line.append(f"{label}: {detail}" if detail else label, style="dim")
        lines.append(line)
    return lines


def vote_view(vote: Mapping[str, Any]) -> RenderableType:
    """An ensemble's decision (a ``vote`` event as a dict) and each member's vote."""
    head = Text(
        f"⚖ {vote.get('ensemble')} ({vote.get('strategy')}, {vote.get('subject')}): "
        f"{vote.get('outcome')}",
        style="cyan",
    )
    lines = [head, *vote_lines(vote.get("votes") or [])]
    if vote.get("reason"):
        lines.append(Text(f"    {vote['reason']}", style="dim"))
    return Group(*lines)


def format_seconds(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s" if seconds >= 0.1 else f"{seconds * 1000:.0f}ms"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest:02d}s"


def format_tokens(count: int) -> str:
    if count < 1000:
        return str(count)
    if count < 1_000_000:
        return f"{count / 1000:.1f}k"
    return f"{count / 1_000_000:.2f}M"


def format_cost(dollars: float | None) -> str:
    if dollars is None:
        return "cost unknown"
    return f"${dollars:.2f}" if dollars >= 1 else f"${dollars:.4f}"
