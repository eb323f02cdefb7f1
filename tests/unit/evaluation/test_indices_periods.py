"""The indices' periods and the KPI rank intervals (pure)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.errors import Invalid
from jingwu.evaluation.indices.periods import Period, parse_period, ranked_periods
from jingwu.evaluation.indices.ranking import kpi_ranks
from jingwu.evaluation.vocab import Frequency


def test_periods_read_and_print_the_same() -> None:
    for text in ("2026-03", "2026-Q4", "2026"):
        assert str(parse_period(text)) == text
    assert parse_period("2026-q2").kind is Frequency.QUARTERLY
    for bad in ("2026-13", "2026-Q5", "26-01", "1999", ""):
        with pytest.raises(Invalid):
            parse_period(bad)


def test_a_month_lies_in_local_time_and_in_its_quarter() -> None:
    nov = parse_period("2026-11")
    start, end = nov.window()
    assert start == dt.datetime(2026, 10, 31, 16, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC)
    assert str(nov.containing(Frequency.QUARTERLY)) == "2026-Q4"
    assert str(nov.containing(Frequency.YEARLY)) == "2026"
    assert [str(p) for p in ranked_periods(nov)] == ["2026-11", "2026-Q4"]
    assert str(nov.shift(2)) == "2027-01" and str(nov.year_earlier()) == "2025-11"


@given(st.integers(2001, 2099), st.integers(1, 12), st.integers(-40, 40))
def test_shifting_moves_by_whole_periods(year: int, month: int, steps: int) -> None:
    p = Period(year, month, 1)
    q = p.shift(steps)
    assert q.shift(-steps) == p
    assert (q.year * 12 + q.month) - (p.year * 12 + p.month) == steps
    assert p.containing(Frequency.QUARTERLY).parts()[(month - 1) % 3] == p


@given(st.lists(st.floats(0, 100), min_size=1, max_size=30), st.integers(0, 10_000))
def test_every_unit_is_ranked_with_an_interval_inside_the_field(
    scores: list[float], seed: int
) -> None:
    s = np.array([[x, 100 - x] for x in scores])
    w = np.array([60.0, 40.0])
    values = s @ w / 100
    r = kpi_ranks(values, s, w, runs=50, seed=seed)
    assert r.ranked == len(scores)
    assert np.all((r.rank_p05 >= 1) & (r.rank_p05 <= r.rank_p95) & (r.rank_p95 <= len(scores)))


def test_units_without_a_value_are_not_ranked() -> None:
    s = np.array([[50.0, 50.0], [np.nan, np.nan], [80.0, np.nan]])
    r = kpi_ranks(np.array([50.0, np.nan, 80.0]), s, np.array([50.0, 50.0]), runs=20)
    assert r.ranked == 2 and np.isnan(r.rank[1]) and r.rank[2] == 1 and r.rank[0] == 2
