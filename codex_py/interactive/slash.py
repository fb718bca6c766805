"""Slash commands of the interactive session.

Each command is a coroutine ``(conversation, argument) -> Outcome`` registered with its usage
and one line of help; ``run_slash`` parses a line and dispatches. Errors (an unknown provider, a
patch that cannot be undone) print as one line and the session goes on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from codex_py.agent.routing import SmartProviderRouter
from codex_py.config.checks import model_for
from codex_py.config.settings import APPROVAL_MODES
from codex_py.errors import CodexError
from codex_py.interactive.controller import Conversation
from codex_py.session.log import list_sessions, load_session
from codex_py.types import INTENTS
from codex_py.ui.console import say
from codex_py.ui.sessions_view import sessions_table
from codex_py.ui.slash_views import cost_table, help_table, routing_table
from codex_py.ui.views import diff_view

Outcome = Literal["continue", "quit"]
Handler = Callable[[Conversation, str], Awaitable[Outcome]]
SESSIONS_SHOWN = 15


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    help: str
    handler: Handler


COMMANDS: dict[str, Command] = {}


def command(name: str, usage: str, help_text: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        COMMANDS[name] = Command(name, usage, help_text, handler)
        return handler

    return register


async def run_slash(conversation: Conversation, line: str) -> Outcome:
    """Run one ``/command [argument]`` line."""
    name, _, argument = line.strip().partition(" ")
    found = COMMANDS.get(name.lower()) or COMMANDS.get(ALIASES.get(name.lower(), ""))
    if found is None:
        _say(conversation, f"unknown command {name}; /help lists them", "red")
        return "continue"
    try:
        return await found.handler(conversation, argument.strip())
    except CodexError as error:
        hint = f" ({error.hint})" if error.hint else ""
        _say(conversation, f"{name}: {error.message}{hint}", "red")
        return "continue"


def _say(conversation: Conversation, text: str, style: str = "") -> None:
    say(conversation.console, text, style)


@command("/help", "/help", "this list")
async def _help(c: Conversation, _: str) -> Outcome:
    c.console.print(help_table((entry.usage, entry.help) for entry in COMMANDS.values()))
    keys = "Enter sends · Esc Enter or Ctrl-J: new line · Ctrl-R: search history · "
    _say(c, keys + "Ctrl-C: cancel (twice: quit) · Ctrl-D: quit", "dim")
    return "continue"


@command("/model", "/model [NAME | default]", "show the models, or use NAME for every call")
async def _model(c: Conversation, argument: str) -> Outcome:
    if argument:
        await c.update("providers", model=None if argument == "default" else argument)
    forced = c.settings.providers.model
    _say(c, f"model: {forced} for every call" if forced else "model: per provider and intent")
    if not forced:
        await _routing(c, "")
    return "continue"


@command("/provider", "/provider [NAME | routing]", "send every call to NAME, or back to routing")
async def _provider(c: Conversation, argument: str) -> Outcome:
    if argument:
        known = set(c.settings.providers.endpoints) | set(c.settings.ensembles)
        target = None if argument in ("routing", "default", "auto") else argument
        if target is not None and target not in known:
            raise CodexError(
                f"unknown provider {target!r}", f"use one of: {', '.join(sorted(known))}"
            )
        await c.update("providers", force=target)
    forced = c.settings.providers.force
    _say(c, f"provider: {forced} for every call" if forced else "provider: routed by intent")
    return "continue"


@command("/routing", "/routing", "the routing table and the recent routing decisions")
async def _routing(c: Conversation, _: str) -> Outcome:
    router = SmartProviderRouter(c.settings)
    rows = []
    for intent in INTENTS:
        provider, key = router.provider_for(intent)
        rows.append((intent, provider, model_for(c.settings, provider, intent) or "–", key))
    c.console.print(routing_table(rows))
    recent = list(c.renderer.routes)[-8:]
    if recent:
        _say(c, "recent decisions:", "bold")
        for route in recent:
            line = f"  {route.intent} → {route.provider}/{route.model}: {route.reason}"
            _say(c, line, "dim")
    return "continue"


@command("/approval", f"/approval [{' | '.join(APPROVAL_MODES)}]", "show or switch the mode")
async def _approval(c: Conversation, argument: str) -> Outcome:
    if argument:
        if argument not in APPROVAL_MODES:
            raise CodexError(
                f"unknown mode {argument!r}", f"use one of: {', '.join(APPROVAL_MODES)}"
            )
        await c.update("agent", approval_mode=argument)
    _say(c, f"approval mode: {c.settings.agent.approval_mode}")
    return "continue"


@command("/plan", "/plan", "make the next model call a planning call")
async def _plan(c: Conversation, _: str) -> Outcome:
    done = c.plan_next()
    _say(c, "the next call will plan" if done else "this provider cannot be asked to plan")
    return "continue"


@command("/cost", "/cost", "tokens and cost so far, by provider and model")
async def _cost(c: Conversation, _: str) -> Outcome:
    c.console.print(cost_table(c.renderer.status.totals))
    return "continue"


@command("/compact", "/compact", "summarise the older part of the conversation now")
async def _compact(c: Conversation, _: str) -> Outcome:
    if not await c.compact():
        _say(c, "nothing to compact yet", "dim")
    return "continue"


@command("/diff", "/diff", "what this session changed (patches not undone)")
async def _diff(c: Conversation, _: str) -> Outcome:
    diff = c.journal.diff()
    if not diff:
        _say(c, "no changes in this session", "dim")
    else:
        c.console.print(diff_view(diff, max_lines=None))
    return "continue"


@command("/undo", "/undo", "revert the last patch applied in this session")
async def _undo(c: Conversation, _: str) -> Outcome:
    paths = c.undo()
    _say(c, f"reverted: {', '.join(paths)}", "green")
    return "continue"


@command("/clear", "/clear", "clear the screen and start a new conversation")
async def _clear(c: Conversation, _: str) -> Outcome:
    await c.clear()
    c.console.clear()
    _say(c, "new conversation", "dim")
    return "continue"


@command("/sessions", "/sessions", "the saved sessions, newest first")
async def _sessions(c: Conversation, _: str) -> Outcome:
    c.console.print(sessions_table(list_sessions(c.home)[:SESSIONS_SHOWN]))
    return "continue"


@command("/resume", "/resume ID", "continue a saved session (by id or id prefix)")
async def _resume(c: Conversation, argument: str) -> Outcome:
    if not argument:
        await _sessions(c, "")
        _say(c, "pick one: /resume ID", "dim")
        return "continue"
    record = load_session(c.home, argument)
    await c.resume(record)
    _say(c, f"resumed {record.meta.id[:8]}: {record.turns} earlier prompts", "green")
    if record.meta.cwd and record.meta.cwd != str(c.cwd):
        _say(c, f"it was recorded in {record.meta.cwd}; it goes on here, in {c.cwd}", "yellow")
    return "continue"


@command("/quit", "/quit", "leave (also /exit, Ctrl-D)")
async def _quit(c: Conversation, _: str) -> Outcome:
    return "quit"


ALIASES = {"/exit": "/quit", "/q": "/quit", "/?": "/help"}
