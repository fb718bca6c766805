"""The eval statistics against values computed by hand (and found in Wilson-interval tables)."""

from __future__ import annotations

import pytest

from codex_py.evals.stats import median, ratio, wilson_interval
from codex_py.evals.svg import nice_ticks

# (successes, trials, low, high). 7/8 by hand, z = 1.96, z² = 3.8415:
#   denominator 1 + 3.8415/8 = 1.48018; centre (0.875 + 3.8415/16) / 1.48018 = 0.75335;
#   half 1.96 * sqrt(0.875 * 0.125 / 8 + 3.8415 / 256) / 1.48018 = 0.22424  ->  [0.5291, 0.9776]
WILSON = [
    (0, 10, 0.0, 0.2775),
    (5, 10, 0.2366, 0.7634),
    (10, 10, 0.7225, 1.0),
    (7, 8, 0.5291, 0.9776),
    (4, 8, 0.2152, 0.7848),
    (4, 4, 0.5101, 1.0),
    (2, 4, 0.1500, 0.8500),
    (1, 1, 0.2065, 1.0),
    (0, 1, 0.0, 0.7935),
    (1, 3, 0.0615, 0.7923),
]


@pytest.mark.parametrize(("successes", "trials", "low", "high"), WILSON)
def test_wilson_interval_matches_hand_computed_values(
    successes: int, trials: int, low: float, high: float
) -> None:
    interval = wilson_interval(successes, trials)
    assert interval is not None
    assert interval == pytest.approx((low, high), abs=5e-5)


def test_wilson_interval_is_exact_at_the_ends_and_none_without_trials() -> None:
    none_of_five, all_of_five = wilson_interval(0, 5), wilson_interval(5, 5)
    assert none_of_five is not None and all_of_five is not None
    assert none_of_five[0] == 0.0 and all_of_five[1] == 1.0  # exactly, not 0.9999999999999999
    assert (none_of_five[1], all_of_five[0]) == pytest.approx((0.4345, 0.5655), abs=5e-5)
    assert wilson_interval(0, 0) is None


def test_wilson_interval_rejects_impossible_counts() -> None:
    with pytest.raises(ValueError, match="between 0 and 3"):
        wilson_interval(4, 3)


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([7.0], 7.0), ([3.0, 1.0, 2.0], 2.0), ([4.0, 1.0, 3.0, 2.0], 2.5)],
)
def test_median(values: list[float], expected: float | None) -> None:
    assert median(values) == expected


def test_ratio_is_none_when_dividing_by_zero() -> None:
    assert ratio(0.322, 7) == pytest.approx(0.046)
    assert ratio(1.0, 0) is None


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [
        (0.0, [0.0, 1.0]),
        (0.322, [0.0, 0.1, 0.2, 0.3, 0.4]),
        (0.04428, [0.0, 0.01, 0.02, 0.03, 0.04, 0.05]),
        (1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (7.0, [0.0, 2.0, 4.0, 6.0, 8.0]),
        (12.0, [0.0, 2.5, 5.0, 7.5, 10.0, 12.5]),
    ],
)
def test_chart_axes_use_round_ticks(largest: float, ticks: list[float]) -> None:
    assert nice_ticks(largest) == pytest.approx(ticks)
