"""The white paper's tallies: a year, its months and its stations from the same records."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.evaluation.whitepaper.tally import Kind, Tally

STATIONS = {1: 2_000, 2: 3_000}
records = st.lists(
    st.tuples(st.integers(1, 12), st.sampled_from([1, 2, None]), st.booleans()), max_size=60
)


@given(records)
def test_counts_add_up_over_months_and_stations(rows: list[tuple[int, int | None, bool]]) -> None:
    t = Tally(Kind.COUNT)
    for month, station, _ in rows:
        t.add(month, station)
    r = t.result(STATIONS)
    if not rows:
        assert r.year is None and set(r.months) == {None}
        return
    assert r.year == len(rows) == sum(v or 0 for v in r.months)
    assert sum(v or 0 for v in r.stations.values()) == sum(1 for _, s, _ in rows if s)
    first = min(m for m, _, _ in rows)
    assert all(v is None for v in r.months[: first - 1])  # before any data: missing
    assert all(v is not None for v in r.months[first - 1 :])


@given(records, st.integers(0, 12))
def test_a_share_is_pooled_and_months_after_through_are_missing(
    rows: list[tuple[int, int | None, bool]], through: int
) -> None:
    t = Tally(Kind.SHARE)
    for month, station, ok in rows:
        t.add(month, station, ok)
    r = t.result(STATIONS, through=through)
    kept = [ok for m, _, ok in rows if m <= through]
    if not kept:
        assert r.year is None
    else:
        assert r.year == pytest.approx(100 * sum(kept) / len(kept))
    assert all(v is None for v in r.months[through:])
    for m in range(1, through + 1):
        in_month = [ok for mm, _, ok in rows if mm == m]
        assert r.months[m - 1] == (100 * sum(in_month) / len(in_month) if in_month else None)


def test_rates_are_per_10000_residents_and_medians_ignore_empty_stations() -> None:
    rate = Tally(Kind.RATE)
    for station in (1, 1, 2):
        rate.add(3, station)
    r = rate.result(STATIONS)
    assert r.year == pytest.approx(3 * 10_000 / 5_000)
    assert r.stations == {1: pytest.approx(10.0), 2: pytest.approx(10_000 / 3_000)}
    median = Tally(Kind.MEDIAN)
    for value in (1.0, 5.0, 9.0):
        median.add(4, 1, value)
    r = median.result(STATIONS)
    assert r.year == 5.0 and r.stations[2] is None and r.months[3] == 5.0


def test_a_month_outside_the_year_is_refused() -> None:
    with pytest.raises(ValueError, match="a month is 1 to 12"):
        Tally(Kind.COUNT).add(13, None)
