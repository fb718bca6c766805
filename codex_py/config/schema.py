"""Build frozen dataclasses from plain YAML data, checking every key and type on the way.

The dataclasses in ``settings.py`` are the schema: their type hints say what each key accepts.
Every number must be finite and not negative (each one counts, sizes, times or prices
something); ``Annotated[int, Minimum(1)]`` narrows that. Errors name the dotted key; the caller
adds where the value came from.
"""

from __future__ import annotations

import dataclasses
import math
import types
from collections.abc import Callable
from typing import Annotated, Any, Literal, Union, get_args, get_origin, get_type_hints

from codex_py.errors import SchemaError

Path = tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Minimum:
    """``Annotated`` metadata: the least a number may be (``exclusive``: it must be more)."""

    value: float
    exclusive: bool = False

    def check(self, number: float, path: Path) -> None:
        if number < self.value or (self.exclusive and number == self.value):
            bound = f"more than {self.value:g}" if self.exclusive else f"at least {self.value:g}"
            raise SchemaError(path, f"must be {bound}, not {number!r}")


def dotted(path: Path) -> str:
    return ".".join(path) or "<top level>"


def build(tp: Any, value: Any, path: Path = ()) -> Any:
    """Return ``value`` converted to type ``tp``, or raise ``SchemaError``."""
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        return _build_dataclass(tp, value, path)
    origin = get_origin(tp)
    if origin is Annotated:
        number, *rules = get_args(tp)
        minimum = next(rule for rule in rules if isinstance(rule, Minimum))
        return _build_scalar(number, value, path, minimum)
    if origin is Literal:
        if value not in get_args(tp):
            choices = " | ".join(str(a) for a in get_args(tp))
            raise SchemaError(path, f"must be one of {choices}, not {value!r}")
        return value
    if origin in (Union, types.UnionType):
        return _build_union(tp, value, path)
    if origin is dict:
        _, value_type = get_args(tp)
        mapping = _expect(value, dict, "a mapping", path)
        return {str(k): build(value_type, v, (*path, str(k))) for k, v in mapping.items()}
    if origin is tuple:
        item_type = get_args(tp)[0]
        items = _expect(value, list, "a list", path)
        return tuple(build(item_type, v, (*path, str(i))) for i, v in enumerate(items))
    return _build_scalar(tp, value, path)


def _build_dataclass(cls: type, value: Any, path: Path) -> Any:
    mapping = _expect(value, dict, "a mapping", path)
    hints = get_type_hints(cls, include_extras=True)
    known = {f.name: f for f in dataclasses.fields(cls)}
    for key in mapping:
        if key not in known:
            close = ", ".join(sorted(known))
            raise SchemaError((*path, str(key)), "unknown key", f"valid keys here: {close}")
    kwargs = {}
    for name, f in known.items():
        if name in mapping:
            kwargs[name] = build(hints[name], mapping[name], (*path, name))
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise SchemaError((*path, name), "is missing", "add it (see configs/default.yaml)")
    return cls(**kwargs)


def _build_union(tp: Any, value: Any, path: Path) -> Any:
    options = get_args(tp)
    if value is None:
        if type(None) in options:
            return None
        raise SchemaError(path, "must not be empty (null)")
    errors: list[SchemaError] = []
    for option in options:
        if option is type(None):
            continue
        try:
            return build(option, value, path)
        except SchemaError as error:
            errors.append(error)
    raise errors[0]


_SCALARS: dict[type, tuple[str, Callable[[Any], bool]]] = {
    bool: ("true or false", lambda v: isinstance(v, bool)),
    int: ("a whole number", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    float: ("a number", lambda v: isinstance(v, int | float) and not isinstance(v, bool)),
    str: ("a string", lambda v: isinstance(v, str)),
}


def _build_scalar(tp: Any, value: Any, path: Path, minimum: Minimum = Minimum(0)) -> Any:
    if tp is Any:
        return value
    name, accepts = _SCALARS[tp]
    if not accepts(value):
        raise SchemaError(path, f"must be {name}, not {_describe(value)}")
    if tp in (int, float):
        if not math.isfinite(value):
            raise SchemaError(path, f"must be a finite number, not {value!r}")
        minimum.check(value, path)
    return float(value) if tp is float else value


def _expect(value: Any, kind: type, name: str, path: Path) -> Any:
    if not isinstance(value, kind):
        raise SchemaError(path, f"must be {name}, not {_describe(value)}")
    return value


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)
