"""The heat-map refresh: incremental counting equals a full recompute; days age out."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.analytics.heatcube import same_cube
from jingwu.analytics.models import HeatDay, HeatGrid
from jingwu.analytics.service_heat import KEEP_DAYS, day_number, load_cube, refresh
from tests.integration.analytics.an_world import NOW, make_world, scatter

TZ = ZoneInfo("Asia/Shanghai")


def _cube_now(session: Session) -> dict[int, object]:
    grid = session.scalar(select(HeatGrid))
    assert grid is not None
    return load_cube(session, grid.id)  # type: ignore[return-value]


def test_counting_new_incidents_in_batches_equals_a_full_recompute(session: Session) -> None:
    make_world(session)
    now = NOW
    scatter(session, 300, now=now, days=200, seed=1)
    first = refresh(session, now=now, tz=TZ)
    assert first is not None and first.rebuilt
    for k in range(4):
        now += dt.timedelta(hours=7)
        scatter(session, 50 + 10 * k, now=now, days=3, seed=10 + k)
        step = refresh(session, now=now, tz=TZ)
        assert step is not None and not step.rebuilt and step.read == 50 + 10 * k
    incremental = _cube_now(session)
    grid = session.scalar(select(HeatGrid))
    assert grid is not None
    binned = grid.binned
    full = refresh(session, now=now, tz=TZ, full=True)
    assert full is not None and full.rebuilt
    assert same_cube(incremental, _cube_now(session))  # type: ignore[arg-type]
    grid = session.scalar(select(HeatGrid))
    assert grid is not None and grid.binned == binned > 0


def test_a_refresh_with_nothing_new_reads_nothing_and_changes_nothing(session: Session) -> None:
    make_world(session)
    scatter(session, 100, seed=2)
    refresh(session, now=NOW, tz=TZ)
    before = _cube_now(session)
    again = refresh(session, now=NOW + dt.timedelta(minutes=5), tz=TZ)
    assert again is not None and again.read == 0 and again.days == 0
    assert same_cube(before, _cube_now(session))  # type: ignore[arg-type]


def test_days_older_than_the_kept_span_are_dropped(session: Session) -> None:
    make_world(session)
    scatter(session, 200, days=KEEP_DAYS + 60, seed=3)
    refresh(session, now=NOW, tz=TZ)
    oldest = session.scalars(select(HeatDay.day)).all()
    first_kept = day_number(NOW, TZ) - KEEP_DAYS + 1
    assert min(oldest) >= first_kept
    later = NOW + dt.timedelta(days=30)
    refresh(session, now=later, tz=TZ)
    assert min(session.scalars(select(HeatDay.day))) >= first_kept + 30


def test_the_grid_is_rebuilt_when_a_boundary_changes(session: Session) -> None:
    w = make_world(session)
    scatter(session, 50, seed=4)
    first = refresh(session, now=NOW, tz=TZ)
    before = session.scalar(select(HeatGrid.nx))
    w.units["SB01"].boundary = {
        "type": "Polygon",
        "coordinates": [[[120.12, 30.2], [120.15, 30.2], [120.15, 30.22], [120.12, 30.2]]],
    }
    session.flush()
    second = refresh(session, now=NOW, tz=TZ)
    assert first is not None and second is not None
    assert first.rebuilt and second.rebuilt
    grids = session.scalars(select(HeatGrid)).all()
    assert len(grids) == 1 and before is not None and grids[0].nx > before
