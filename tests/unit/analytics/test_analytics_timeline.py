"""Forecast periods in a time zone, local days, and events placed on the grid."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from jingwu.analytics.grid import build_grid
from jingwu.analytics.synthetic import table_from_points
from jingwu.analytics.timeline import (
    EPOCH,
    local_days,
    make_periods,
    place_events,
    weekday,
)

CHICAGO = ZoneInfo("America/Chicago")


def test_days_follow_local_midnights_across_daylight_saving() -> None:
    periods = make_periods(date(2017, 3, 11), date(2017, 3, 14), CHICAGO, step_days=1)
    hours = (periods.ends - periods.starts) / 3600
    assert hours.tolist() == [24.0, 23.0, 24.0]  # clocks went forward on 12 March
    assert periods.starts[0] == datetime(2017, 3, 11, 6, tzinfo=UTC).timestamp()
    assert periods.day.tolist() == [(date(2017, 3, d) - EPOCH).days for d in (11, 12, 13)]


def test_weeks_are_cut_short_at_the_end() -> None:
    periods = make_periods(date(2026, 1, 1), date(2026, 1, 18), UTC, step_days=7)
    assert ((periods.ends - periods.starts) / 86400).tolist() == [7.0, 7.0, 3.0]
    with pytest.raises(ValueError, match="after the start"):
        make_periods(date(2026, 1, 2), date(2026, 1, 2), UTC, step_days=1)


def test_local_days_and_weekdays_use_the_zone() -> None:
    late_sunday = datetime(2017, 7, 3, 4, 30, tzinfo=UTC).timestamp()  # 23:30 Sunday in Chicago
    day = local_days(np.array([late_sunday]), CHICAGO)
    assert day[0] == (date(2017, 7, 2) - EPOCH).days
    assert weekday(day)[0] == 6
    assert local_days(np.array([late_sunday]), UTC)[0] == (date(2017, 7, 3) - EPOCH).days


def test_events_are_ordered_by_when_they_became_known() -> None:
    occurred = np.array([100.0, 200.0, 300.0, 400.0])
    reported = np.array([900.0, np.nan, 300.0, 350.0])  # 350 < 400: treated as known at 400
    lon = np.array([121.0, 121.001, 121.002, 121.003])
    lat = np.full(4, 31.0)
    table = table_from_points(occurred, lon, lat, reported=reported)
    events = place_events(table, build_grid(lon, lat, cell=50.0), UTC)
    assert events.known.tolist() == [200.0, 300.0, 400.0, 900.0]
    assert events.t.tolist() == [200.0, 300.0, 400.0, 100.0]
    assert events.known_before(400.0) == 2
    assert events.known_before(400.5) == 3
