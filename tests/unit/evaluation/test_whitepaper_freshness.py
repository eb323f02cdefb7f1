"""The 30-day rule of the white paper: measured from now while the year runs, from the
year's end afterwards."""

from __future__ import annotations

import datetime as dt

import pytest

from jingwu.errors import Conflict
from jingwu.evaluation.whitepaper.content import MAX_AGE, check_fresh

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)
YEAR_END = dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC)  # 1 January 2027 in Shanghai


def test_data_exactly_30_days_old_pass_and_a_second_more_fails() -> None:
    check_fresh(NOW - MAX_AGE, year=2026, now=NOW)
    with pytest.raises(Conflict) as caught:
        check_fresh(NOW - MAX_AGE - dt.timedelta(seconds=1), year=2026, now=NOW)
    assert "more than 30 days old" in caught.value.message


def test_a_past_year_is_measured_from_its_end() -> None:
    later = dt.datetime(2028, 3, 1, tzinfo=dt.UTC)
    check_fresh(YEAR_END - MAX_AGE, year=2026, now=later)
    with pytest.raises(Conflict) as caught:
        check_fresh(YEAR_END - MAX_AGE - dt.timedelta(hours=1), year=2026, now=later)
    assert caught.value.message.startswith("The newest data are from 2026-12-01, more than")


def test_no_data_at_all_is_refused() -> None:
    with pytest.raises(Conflict) as caught:
        check_fresh(None, year=2027, now=NOW)
    assert caught.value.message == "There are no data for 2027: the white paper cannot be produced."
