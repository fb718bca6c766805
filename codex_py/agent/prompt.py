"""The system prompt, and the project docs (``AGENTS.md``) that join it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

PROJECT_DOC = "AGENTS.md"

BASE_PROMPT = """\
You are codex-py, a coding agent working in the user's repository from a terminal.

Work the task through to the end: read the code before you change it, make focused changes, run
the relevant tests or commands to check them, and then reply with a short summary of what you did.

Tools:
{tools}

Some commands need the user's approval. When a tool result says a command was refused, do not
retry it unchanged: find another way, or explain what you need.

When the task needs planning you are first asked for a plan, without tools: reply with a short
numbered list of concrete steps. Later calls carry out the plan with the tools."""


def system_prompt(
    cwd: Path, *, tools: str, project_docs: str = "", instructions: str | None = None
) -> str:
    """Our system prompt for a run in ``cwd``; ``tools`` is what the tools say about themselves
    (``ToolRegistry.instructions()``)."""
    parts = [
        BASE_PROMPT.format(tools=tools),
        f"Working directory: {cwd}\nToday's date: {dt.date.today().isoformat()}",
    ]
    if instructions:
        parts.append(instructions.strip())
    if project_docs:
        parts.append(f"Project instructions ({PROJECT_DOC}):\n\n{project_docs}")
    return "\n\n".join(parts)


def git_root(cwd: Path) -> Path | None:
    """The nearest directory at or above ``cwd`` holding ``.git``."""
    cwd = cwd.resolve()
    return next((d for d in [cwd, *cwd.parents] if (d / ".git").exists()), None)


def load_project_docs(cwd: Path, max_bytes: int) -> str:
    """Every ``AGENTS.md`` from the git root down to ``cwd``, joined, capped at ``max_bytes``.

    Outside a git repository only ``cwd/AGENTS.md`` is read. Deeper files come later, so their
    instructions win where they disagree.
    """
    cwd = cwd.resolve()
    root = git_root(cwd) or cwd
    chain = [cwd, *cwd.parents]
    directories = reversed(chain[: chain.index(root) + 1])
    texts = []
    for directory in directories:
        path = directory / PROJECT_DOC
        if path.is_file():
            texts.append(path.read_text("utf-8", errors="replace").strip())
    joined = "\n\n".join(t for t in texts if t).encode()
    return joined[:max_bytes].decode("utf-8", errors="ignore")
