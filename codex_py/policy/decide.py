"""Approval: may this action run now, must someone approve it, or is it refused? Pure, no I/O.

Order of the checks for a command (the first that applies decides):

1. a user rule that says ``deny`` (deny beats ask beats allow among matching rules);
2. a user rule that says ``allow``, matching the argv, or every command of a plain script;
3. a user rule that says ``ask``;
4. dangerous (``rm -rf``, ``git push --force``, ``sudo``, ``curl | sh``...): ask, flagged
   ``dangerous``, in every mode; "always for this session" approvals do not cover it;
5. a workdir outside the workspace: ask;
6. known-safe (read-only): allow, in every mode;
7. a prefix the user approved for this session: allow;
8. ``full-auto``: allow inside the sandbox; otherwise ask.

Sandbox choice: in ``full-auto`` every command the policy allows by itself runs sandboxed, the
known-safe ones included (that is the mode's promise, and it protects against a mistake in the
classifier). Commands a person allowed (a rule or a session approval) run unsandboxed, as they
would in the other modes. An ``ask`` decision carries ``sandbox=False``: once a person has
approved it, the command runs as approved.

Patches: in ``auto-edit`` and ``full-auto`` a patch whose paths are all inside the workspace is
allowed; every other patch asks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from codex_py.config.settings import ApprovalMode, Rule
from codex_py.policy.dangerous import dangerous_reason, is_dangerous
from codex_py.policy.known_safe import is_known_safe
from codex_py.policy.rules import covering_prefix, matching_rule, rule_reason
from codex_py.policy.shell.syntax import Scripts

__all__ = [
    "Action",
    "Decision",
    "PatchAction",
    "ShellAction",
    "decide",
    "is_dangerous",
    "is_known_safe",
    "matching_rule",
]


@dataclass(frozen=True)
class ShellAction:
    """A command about to run; ``workdir`` is absolute and resolved. The policy decides on
    ``argv`` and ``workdir``; ``timeout_ms`` is for the tool that runs it."""

    argv: tuple[str, ...]
    workdir: Path
    timeout_ms: int = 10_000


@dataclass(frozen=True)
class PatchAction:
    """A patch about to be applied: the absolute, resolved paths it touches. The policy decides
    on ``paths``; ``patch`` (its text) and ``cwd`` (what its paths are relative to) are for the
    tool that applies it."""

    paths: tuple[Path, ...]
    patch: str = ""
    cwd: Path | None = None


Action = ShellAction | PatchAction


@dataclass(frozen=True)
class Decision:
    """What to do with an action, and why (shown to the user, and to the model on refusal)."""

    action: Literal["allow", "ask", "deny"]
    reason: str
    dangerous: bool = False
    sandbox: bool = False
    """Run it inside the sandbox (full-auto)."""


def decide(
    action: Action,
    *,
    mode: ApprovalMode,
    workspace: Path,
    rules: Sequence[Rule] = (),
    session_allowed: Sequence[tuple[str, ...]] = (),
    scripts: Scripts | None = None,
) -> Decision:
    """The decision for ``action`` under ``mode``; see the module docstring for the order.
    ``scripts`` parses the command's scripts once for every check (a new one by default)."""
    if isinstance(action, PatchAction):
        return _decide_patch(action, mode, workspace)
    argv = action.argv
    scripts = scripts or Scripts()  # one parse of each script, shared by every check below
    rule = matching_rule(argv, rules, scripts)
    if rule is not None and rule.decision != "ask":
        return Decision(rule.decision, rule_reason(rule))
    danger = dangerous_reason(argv, scripts)
    if rule is not None:
        return Decision("ask", rule_reason(rule), dangerous=danger is not None)
    if danger is not None:
        return Decision("ask", f"dangerous: {danger}", dangerous=True)
    if not _inside(action.workdir, workspace):
        return Decision("ask", f"runs outside the workspace, in {action.workdir}")
    full_auto = mode == "full-auto"
    if is_known_safe(argv, scripts):
        return Decision("allow", "known-safe read-only command", sandbox=full_auto)
    if covering_prefix(argv, session_allowed, scripts) is not None:
        return Decision("allow", "approved for this session")
    if full_auto:
        return Decision("allow", "full-auto: runs in the sandbox", sandbox=True)
    return Decision(
        "ask", f"{mode} mode: commands that are not known to be read-only need approval"
    )


def _decide_patch(action: PatchAction, mode: ApprovalMode, workspace: Path) -> Decision:
    outside = [path for path in action.paths if not _inside(path, workspace)]
    if outside:
        return Decision("ask", f"the patch writes outside the workspace: {outside[0]}")
    if mode in ("auto-edit", "full-auto"):
        return Decision("allow", f"{mode}: patch inside the workspace")
    return Decision("ask", "suggest mode: patches need approval")


def _inside(path: Path, workspace: Path) -> bool:
    return path.is_relative_to(workspace)
