"""User rules (``rules:`` in config): which one applies to a command, and what prefix covers it.

A rule matches argv prefixes. ``deny`` and ``ask`` rules look at every command a command runs
(scripts, substitutions, wrappers); an ``allow`` rule must cover the command itself, or every
command of a plain script that is not known-safe.
"""

from __future__ import annotations

from collections.abc import Sequence

from codex_py.config.settings import Rule
from codex_py.policy.dangerous import nested_commands
from codex_py.policy.known_safe import commands_needing_approval
from codex_py.policy.shell.syntax import Scripts


def matching_rule(
    argv: Sequence[str], rules: Sequence[Rule], scripts: Scripts | None = None
) -> Rule | None:
    """The strongest user rule that applies to ``argv`` (deny > ask > allow), or None.

    ``deny`` and ``ask`` rules apply when they match the argv or any command it runs inside
    (a ``bash -lc`` script, ``$(...)``, ``xargs``...); an ``allow`` rule applies when it
    matches the argv, or when every command of a plain script is allowed by a rule or
    known-safe.
    """
    for decision in ("deny", "ask"):
        for rule in rules:
            if rule.decision == decision and any(
                starts_with(command, rule.prefix) for command in nested_commands(argv, scripts)
            ):
                return rule
    allow_rules = [rule for rule in rules if rule.decision == "allow"]
    prefix = covering_prefix(argv, [rule.prefix for rule in allow_rules], scripts)
    return next((rule for rule in allow_rules if rule.prefix == prefix), None)


def covering_prefix(
    argv: Sequence[str], prefixes: Sequence[tuple[str, ...]], scripts: Scripts | None = None
) -> tuple[str, ...] | None:
    """A prefix that lets ``argv`` run: one it starts with, or, for a plain script, one of the
    prefixes that together cover every command in it that is not known-safe."""
    direct = next((prefix for prefix in prefixes if starts_with(argv, prefix)), None)
    if direct is not None:
        return direct
    pending = commands_needing_approval(argv, scripts) or []
    chosen = [next((p for p in prefixes if starts_with(command, p)), None) for command in pending]
    return chosen[0] if chosen and all(prefix is not None for prefix in chosen) else None


def starts_with(argv: Sequence[str], prefix: Sequence[str]) -> bool:
    return len(prefix) <= len(argv) and tuple(argv[: len(prefix)]) == tuple(prefix)


def rule_reason(rule: Rule) -> str:
    reason = f"rule {' '.join(rule.prefix)!r} says {rule.decision}"
    return f"{reason}: {rule.reason}" if rule.reason else reason
