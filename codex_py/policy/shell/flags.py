"""Reading the options of an argv the way most command-line programs do."""

from __future__ import annotations

from collections.abc import Sequence


def before_double_dash(args: Sequence[str]) -> list[str]:
    """The arguments before ``--`` (after it, everything is an operand)."""
    return list(args[: args.index("--")]) if "--" in args else list(args)


def is_long_option(arg: str, names: Sequence[str], *, abbreviated: bool = False) -> bool:
    """Whether ``arg`` is one of the long options ``names`` (``--name`` or ``--name=value``);
    ``abbreviated`` also matches unambiguous prefixes, which git accepts.
    """
    given = arg.split("=", 1)[0]
    if abbreviated and given.startswith("--") and len(given) > 3:
        return any(name.startswith(given) for name in names)
    return given in names


def short_cluster_has(arg: str, letters: str) -> bool:
    """Whether ``arg`` is a cluster of short options (``-rf``) holding one of ``letters``."""
    return arg.startswith("-") and not arg.startswith("--") and any(c in letters for c in arg[1:])


def has_flag(args: Sequence[str], short: str, long: Sequence[str]) -> bool:
    """Whether the options of ``args`` set a short flag in ``short`` or a long one in ``long``."""
    options = before_double_dash(args)
    return any(short_cluster_has(a, short) or is_long_option(a, long) for a in options)
