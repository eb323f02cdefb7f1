"""Sampling for mystery visits: margins of error, Wilson intervals, sample sizes, allocation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwu.errors import Invalid
from jingwu.evaluation.sampling import (
    MIN_MYSTERY_VISITS,
    allocate,
    margin_of_error,
    normal_interval,
    report,
    sample_size,
    wilson_interval,
    z_value,
)


def test_200_visits_give_a_margin_of_about_7_points_at_95_percent() -> None:
    assert z_value() == pytest.approx(1.959964, abs=1e-6)
    assert margin_of_error(0.5, MIN_MYSTERY_VISITS) == pytest.approx(0.0693, abs=1e-4)
    assert sample_size(0.05) == 385  # the textbook figure for ±5 points at 95 %


def test_a_small_population_needs_fewer_samples() -> None:
    assert sample_size(0.05, population=500) == 218
    assert sample_size(0.05, population=100) < 100
    assert margin_of_error(0.5, 100, population=100) == 0


def test_the_wilson_interval_matches_a_worked_example() -> None:
    # 180 of 200 visits pass: Wilson gives about 85.1 %–93.4 %.
    interval = wilson_interval(180, 200)
    assert (interval.low, interval.high) == pytest.approx((0.8506, 0.9343), abs=1e-4)
    assert interval.estimate == 0.9


def test_at_the_edge_wilson_stays_informative_where_the_normal_interval_collapses() -> None:
    assert normal_interval(200, 200).low == 1.0
    assert wilson_interval(200, 200).low < 0.99


def test_a_report_says_whether_the_sample_is_big_enough() -> None:
    assert report(150, 199).enough is False
    full = report(150, 200)
    assert full.enough and full.margin == pytest.approx(margin_of_error(0.75, 200))


def test_impossible_samples_are_refused() -> None:
    with pytest.raises(Invalid):
        wilson_interval(5, 0)
    with pytest.raises(Invalid):
        wilson_interval(6, 5)
    with pytest.raises(Invalid):
        margin_of_error(0.5, 10, population=5)
    with pytest.raises(Invalid):
        sample_size(0)
    with pytest.raises(Invalid):
        z_value(1.0)


def test_samples_follow_the_weights_with_a_floor_per_station() -> None:
    got = allocate({"a": 100, "b": 200, "c": 0, "d": 50}, 200, seed=1, minimum=10)
    assert got == {"a": 59, "b": 107, "c": 0, "d": 34}
    with pytest.raises(Invalid) as caught:
        allocate({"a": 1, "b": 1}, 15, seed=1, minimum=10)
    assert caught.value.params == {"total": 15, "count": 2, "minimum": 10}
    with pytest.raises(Invalid):
        allocate({"a": 0}, 10, seed=1)


def test_ties_are_broken_by_the_seed_reproducibly() -> None:
    stations = {f"S{k:02d}": 1.0 for k in range(7)}
    one = allocate(stations, 10, seed=3, minimum=0)
    assert one == allocate(stations, 10, seed=3, minimum=0)
    assert sorted(one.values()) == [1, 1, 1, 1, 2, 2, 2]
    assert len({tuple(allocate(stations, 10, seed=s, minimum=0).items()) for s in range(20)}) > 1


@settings(deadline=None)
@given(st.integers(1, 5000), st.data())
def test_the_wilson_interval_holds_the_estimate_inside_0_to_1(n: int, data: st.DataObject) -> None:
    successes = data.draw(st.integers(0, n))
    interval = wilson_interval(successes, n)
    assert 0 <= interval.low <= interval.estimate <= interval.high <= 1


@settings(deadline=None)
@given(
    st.floats(0.005, 0.3),
    st.floats(0, 1),
    st.none() | st.integers(1, 100_000),
    st.sampled_from([0.9, 0.95, 0.99]),
)
def test_the_sample_size_is_the_smallest_that_reaches_the_margin(
    margin: float, p: float, population: int | None, confidence: float
) -> None:
    n = sample_size(margin, p=p, population=population, confidence=confidence)
    kw = {"confidence": confidence, "population": population}
    assert margin_of_error(p, n, **kw) <= margin  # type: ignore[arg-type]
    if n > 1:
        assert margin_of_error(p, n - 1, **kw) > margin  # type: ignore[arg-type]


@settings(deadline=None)
@given(
    st.dictionaries(
        st.text("ABCDEFGH", min_size=1, max_size=3), st.integers(0, 10_000), min_size=1, max_size=12
    ).filter(lambda d: sum(d.values()) > 0),
    st.integers(0, 5),
    st.integers(0, 2000),
    st.integers(0, 2**32 - 1),
)
def test_an_allocation_sums_to_the_total_and_stays_within_one_of_the_quota(
    weights: dict[str, int], minimum: int, extra: int, seed: int
) -> None:
    live = [k for k, w in weights.items() if w > 0]
    total = minimum * len(live) + extra
    got = allocate(weights, total, seed=seed, minimum=minimum)
    assert sum(got.values()) == total
    whole = sum(weights.values())
    for name, weight in weights.items():
        if weight == 0:
            assert got[name] == 0
        else:
            quota = minimum + extra * weight / whole
            assert abs(got[name] - quota) < 1
