"""Tomorrow's forecast: the model of the latest backtest, on the heat map's grid, kept with
its grid parameters, made again only when something changed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.analytics.heatcube import Frame
from jingwu.analytics.service_backtests import store_backtest
from jingwu.analytics.service_forecast import (
    DEFAULT_PARAMS,
    ensure_forecast,
    latest_forecast,
    make_forecast,
)
from jingwu.analytics.service_heat import current_grid, frame_of, refresh
from jingwu.errors import Invalid
from tests.integration.analytics.an_world import NOW, make_world, scatter
from tests.unit.analytics.test_analytics_backtestdoc import document

TZ = ZoneInfo("Asia/Shanghai")


def test_without_a_heat_map_there_is_no_forecast(session: Session) -> None:
    make_world(session)
    scatter(session, 20, seed=1)
    assert make_forecast(session, now=NOW, tz=TZ) is None


def test_the_forecast_keeps_its_grid_model_and_cells_in_the_stations(session: Session) -> None:
    w = make_world(session)
    scatter(session, 400, days=120, seed=2)
    refresh(session, now=NOW, tz=TZ)
    made = make_forecast(session, now=NOW, tz=TZ)
    grid = current_grid(session)
    assert made is not None and grid is not None
    assert made.day == dt.date(2026, 11, 30) and made.tz == "Asia/Shanghai"
    assert frame_of(made) == frame_of(grid)
    assert (made.model, made.params, made.backtest_id) == ("cell_choice", DEFAULT_PARAMS, None)
    cells = np.frombuffer(made.cells, dtype="<i4")
    units = set(np.frombuffer(made.units, dtype="<i4").tolist())
    expected = np.frombuffer(made.expected, dtype="<f8")
    assert units == {w.units[c].id for c in ("SA01", "SA02", "SB01")}
    assert 120 <= len(cells) <= 170 and len(expected) == len(cells)
    assert (expected >= 0).all() and 0 < expected.sum() < 20  # about 400/120 a day
    lon, lat = Frame(made.lon0, made.lat0, made.cell_m, made.x0, made.y0, made.nx, made.ny).centres(
        cells.astype(np.int64)
    )
    assert ((lon > 120.1) & (lon < 120.13) & (lat > 30.2) & (lat < 30.21)).all()


def test_the_model_comes_from_the_latest_stored_backtest(session: Session) -> None:
    make_world(session)
    scatter(session, 300, days=90, seed=3)
    refresh(session, now=NOW, tz=TZ)
    doc = document()
    doc["models"]["st_kde"]["pooled"]["5"]["pai"] = 9.0
    run = store_backtest(session, SYSTEM, document=doc, source="bt.json", now=NOW)
    made = make_forecast(session, now=NOW, tz=TZ)
    assert made is not None and made.model == "st_kde" and made.backtest_id == run.id
    assert made.params == {"bandwidth_m": 37.5, "tau_days": 90}


def test_a_malformed_backtest_is_refused(session: Session) -> None:
    with pytest.raises(Invalid, match="not a backtest result"):
        store_backtest(session, SYSTEM, document={"models": {}}, source="x.json", now=NOW)


def test_the_forecast_is_made_again_only_when_the_day_or_the_incidents_change(
    session: Session,
) -> None:
    make_world(session)
    scatter(session, 200, days=60, seed=4)
    refresh(session, now=NOW, tz=TZ)
    first = ensure_forecast(session, now=NOW, tz=TZ)
    same = ensure_forecast(session, now=NOW + dt.timedelta(hours=1), tz=TZ)
    assert first is not None and same is not None and same.id == first.id
    scatter(session, 1, seed=5)
    newer = ensure_forecast(session, now=NOW + dt.timedelta(hours=2), tz=TZ)
    assert newer is not None and newer.id != first.id
    later = ensure_forecast(session, now=NOW + dt.timedelta(days=1), tz=TZ)
    assert later is not None and later.day == dt.date(2026, 12, 1)
    assert latest_forecast(session) is later
