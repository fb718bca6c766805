"""Numbers in the schema: finite and not negative everywhere, ``Minimum`` where it says more."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import pytest

from codex_py.config.schema import Minimum, build
from codex_py.errors import SchemaError


@dataclass(frozen=True)
class Knobs:
    count: int = 0
    ratio: float = 0.0
    turns: Annotated[int, Minimum(1)] = 1
    budget: Annotated[float, Minimum(0, exclusive=True)] | None = None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"count": -1}, "count must be at least 0, not -1"),
        ({"ratio": float("nan")}, "ratio must be a finite number, not nan"),
        ({"ratio": float("inf")}, "ratio must be a finite number, not inf"),
        ({"turns": 0}, "turns must be at least 1, not 0"),
        ({"budget": 0}, "budget must be more than 0, not 0"),
        ({"budget": -0.5}, "budget must be more than 0, not -0.5"),
        ({"turns": "many"}, "turns must be a whole number, not 'many'"),
    ],
)
def test_nonsense_numbers_are_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(SchemaError) as refused:
        build(Knobs, data, ("knobs",))
    assert f"knobs.{message}" == f"{'.'.join(refused.value.path)} {refused.value.message}"


def test_numbers_in_bounds_pass() -> None:
    built = build(Knobs, {"count": 0, "ratio": 0.5, "turns": 3, "budget": 0.01})
    assert built == Knobs(0, 0.5, 3, 0.01)
    assert build(Knobs, {"budget": None}).budget is None
