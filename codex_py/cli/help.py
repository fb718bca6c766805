"""Plain-text help pages: usage lines, the description, arguments, options in groups, commands
and examples. Nothing here imports rich or markdown, so ``codex --help`` stays fast.

Typer's commands are subclassed only to replace ``format_help`` (and, for groups, the "no such
command" error, which gets a "did you mean"). Options are grouped by typer's own
``rich_help_panel``; flags show no value hint, options with a value show their metavar.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from typer import _click as click
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from codex_py.errors import UsageError

DEFAULT_GROUP = "Options"
OTHER = "Other"
"""The group of ``--help`` (and of any option given this panel)."""


class Page:
    """What a help page adds to typer's data: usage lines, examples, a footer, and for the
    top-level group the command whose options it shows (``codex [OPTIONS] PROMPT``)."""

    usage: ClassVar[tuple[str, ...]] = ()
    examples: ClassVar[tuple[str, ...]] = ()
    footer: ClassVar[str] = ""
    options_from: ClassVar[str | None] = None


class CodexCommand(Page, TyperCommand):
    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        write_page(self, ctx, formatter, self.get_params(ctx), commands=())


class CodexGroup(Page, TyperGroup):
    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        params = list(self.get_params(ctx))
        source = self.commands.get(self.options_from or "")
        if source is not None:
            shown = source.get_params(ctx)
            names = {p.name for p in shown}
            params = [*shown, *(p for p in params if p.name not in names)]
        commands = [(n, c) for n, c in self.commands.items() if not c.hidden]
        write_page(self, ctx, formatter, params, commands=commands)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        if name not in self.commands and not name.startswith("-") and not ctx.resilient_parsing:
            visible = [n for n, c in self.commands.items() if not c.hidden]
            close = difflib.get_close_matches(name, visible, n=1)
            path = ctx.command_path
            hint = f"did you mean `{path} {close[0]}`?" if close else f"see `{path} --help`"
            raise UsageError(f"no such command {name!r}", hint)
        return super().resolve_command(ctx, args)


def command_class(usage: Sequence[str] = (), examples: Sequence[str] = ()) -> type[CodexCommand]:
    """A command class whose help page has these usage lines and examples."""
    attrs = {"usage": tuple(usage), "examples": tuple(examples)}
    return type("CodexCommand", (CodexCommand,), attrs)


def group_class(
    usage: Sequence[str] = (),
    examples: Sequence[str] = (),
    options_from: str | None = None,
    footer: str = "",
) -> type[CodexGroup]:
    """A group class; ``options_from`` names the subcommand whose options its page shows."""
    attrs: dict[str, Any] = {"usage": tuple(usage), "examples": tuple(examples)}
    attrs |= {"options_from": options_from, "footer": footer}
    return type("CodexGroup", (CodexGroup,), attrs)


def write_page(
    command: Page,
    ctx: click.Context,
    formatter: click.HelpFormatter,
    params: Iterable[click.Parameter],
    commands: Sequence[tuple[str, click.Command]],
) -> None:
    """The whole help page of ``command`` into ``formatter``."""
    assert isinstance(command, click.Command)
    params = [p for p in params if not getattr(p, "hidden", False)]
    usage = command.usage or (_usage(command, ctx, params),)
    formatter.write(f"Usage: {usage[0]}\n")
    for line in usage[1:]:
        formatter.write(f"       {line}\n")
    if command.help:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(command.help)
    arguments = [_argument_row(p) for p in params if isinstance(p, TyperArgument)]
    if arguments:
        with formatter.section("Arguments"):
            formatter.write_dl(arguments)
    if commands:
        with formatter.section("Commands"):
            width = formatter.width - 6 - max(len(name) for name, _ in commands)
            formatter.write_dl([(n, c.get_short_help_str(width)) for n, c in commands])
    groups = option_groups(params)
    width = min(max((len(row[0]) for rows in groups.values() for row in rows), default=0), 28)
    for group, rows in groups.items():
        with formatter.section(group):  # one first column for every group
            formatter.write_dl([(name.ljust(width), text) for name, text in rows], col_max=28)
    if command.examples:
        with formatter.section("Examples"):
            for example in command.examples:
                for line in example.splitlines():
                    formatter.write(f"{'':>{formatter.current_indent}}{line}\n")
    if command.footer:
        formatter.write_paragraph()
        formatter.write_text(command.footer)


def _usage(command: click.Command, ctx: click.Context, params: Sequence[click.Parameter]) -> str:
    pieces = [ctx.command_path, "[OPTIONS]"]
    for param in params:
        if isinstance(param, TyperArgument):
            name = param.metavar or (param.name or "").upper()
            name += "..." if param.nargs == -1 else ""
            pieces.append(name if param.required else f"[{name}]")
    if isinstance(command, TyperGroup):
        pieces.append("COMMAND [ARGS]...")
    return " ".join(pieces)


def option_groups(params: Iterable[click.Parameter]) -> dict[str, list[tuple[str, str]]]:
    """Option rows by group, groups in the order their first option appears."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for param in params:
        if isinstance(param, TyperOption):
            group = param.rich_help_panel or DEFAULT_GROUP
            group = OTHER if param.name == "help" else group
            groups.setdefault(group, []).append(option_row(param))
    return groups


def option_row(option: TyperOption) -> tuple[str, str]:
    """``("-m, --model MODEL", help)``: short names first, no value hint for a flag."""
    names = ", ".join(sorted([*option.opts, *option.secondary_opts], key=len))
    text = option.help or ""
    if not option.is_flag:
        names += f" {option.metavar or (option.name or 'value').upper()}"
        if option.default not in (None, (), []) and "default" not in text:
            text = f"{text.rstrip('.')} (default: {option.default})."
    return names, text


def _argument_row(argument: TyperArgument) -> tuple[str, str]:
    return argument.metavar or (argument.name or "").upper(), argument.help or ""
