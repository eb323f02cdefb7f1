"""Tomorrow's forecast for the map: the model the latest backtest ranks first, fitted on the
stored incidents, on the heat map's grid.

The valid cells are those whose centre lies inside a station's or a district's boundary (or,
without boundaries, those holding an incident). The forecast keeps its grid (projection
centre, origin, cell size, extent), the model, its parameters and the backtest they came
from, so it can be drawn and explained later whatever the grid has become since.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.analytics.backtestdoc import BacktestDocumentError, deployment_choice
from jingwu.analytics.heatcube import Frame, IntArray
from jingwu.analytics.locate import NOWHERE, Locator
from jingwu.analytics.models import Forecast
from jingwu.analytics.parse import IncidentTable
from jingwu.analytics.reads import read_history
from jingwu.analytics.registry import model_specs
from jingwu.analytics.service_backtests import latest_backtest
from jingwu.analytics.service_heat import current_grid, frame_of, max_incident_id
from jingwu.analytics.service_incidents import locator
from jingwu.analytics.timeline import EPOCH, local_midnight, make_periods, place_events

DEFAULT_MODEL = "cell_choice"
DEFAULT_PARAMS: dict[str, Any] = {"train_periods": 28, "ridge": 30.0}  # Minneapolis' choice
HISTORY_DAYS = 400  # the longest feature time scale is a year
KEEP_DAYS = 90


def deployed_model(session: Session) -> tuple[str, dict[str, Any], int | None]:
    """(model, params, backtest id): the best pooled test PAI at 5 % in the latest stored
    backtest, else our model with the parameters validation chose on Minneapolis."""
    run = latest_backtest(session)
    if run is not None:
        try:
            name, params = deployment_choice(run.document)
        except (BacktestDocumentError, KeyError):
            return DEFAULT_MODEL, dict(DEFAULT_PARAMS), None
        if name in {s.name for s in model_specs(150.0)}:
            return name, params, run.id
    return DEFAULT_MODEL, dict(DEFAULT_PARAMS), None


def _cells(
    place: Locator, frame: Frame, table: IncidentTable, units: IntArray
) -> tuple[np.ndarray[Any, np.dtype[np.bool_]], IntArray]:
    """Valid cells of the frame and the unit of each (per frame cell; NOWHERE elsewhere)."""
    every = np.arange(frame.n_cells, dtype=np.int64)
    if place.areas():
        lon, lat = frame.centres(every)
        owner = Locator(place.stations, place.districts, None).assign(lon, lat)
        return owner != NOWHERE, owner
    cell = frame.locate(table.lon, table.lat)
    owner = np.full(frame.n_cells, NOWHERE, dtype=np.int64)
    on = cell >= 0
    owner[cell[on][::-1]] = units[on][::-1]  # the earliest incident's unit wins
    return owner != NOWHERE, owner


def _table(session: Session, since: dt.datetime) -> tuple[IncidentTable, IntArray]:
    batch, reported = read_history(session, since=since)
    n_cats = int(batch.cat.max()) + 1 if len(batch.cat) else 1
    table = IncidentTable(
        ids=tuple(str(i) for i in range(len(batch.t))),
        categories=tuple(str(c) for c in range(n_cats)),
        category=batch.cat,
        occurred=batch.t,
        reported=reported,
        lat=batch.lat,
        lon=batch.lon,
    )
    return table, batch.unit


def tomorrow(now: dt.datetime, tz: ZoneInfo) -> dt.date:
    """The local day after ``now``."""
    return now.astimezone(tz).date() + dt.timedelta(days=1)


def make_forecast(session: Session, *, now: dt.datetime, tz: ZoneInfo) -> Forecast | None:
    """Forecast tomorrow on the heat map's grid; None without a grid or incidents."""
    grid = current_grid(session)
    if grid is None:
        return None
    frame = frame_of(grid)
    day = tomorrow(now, tz)
    start = local_midnight(day, tz)
    last = max_incident_id(session)
    since = dt.datetime.fromtimestamp(start - HISTORY_DAYS * 86_400.0, dt.UTC)
    table, units = _table(session, since)
    valid, owner = _cells(locator(session, SYSTEM), frame, table, units)
    if len(table) == 0 or not valid.any():
        return None
    events = place_events(table, frame.grid(valid), tz)
    name, params, run_id = deployed_model(session)
    spec = {s.name: s for s in model_specs(frame.cell)}[name]
    periods = make_periods(day, day + dt.timedelta(days=1), tz, step_days=1)
    expected = spec.build(params).forecast(events, periods)[0]
    cells = np.flatnonzero(valid)
    row = Forecast(
        day=day, model=name, params=params, backtest_id=run_id, made_at=now,
        events=len(events), last_incident=last, lon0=frame.lon0, lat0=frame.lat0,
        cell_m=frame.cell, x0=frame.x0, y0=frame.y0, nx=frame.nx, ny=frame.ny, tz=str(tz),
        cells=cells.astype("<i4").tobytes(), expected=expected.astype("<f8").tobytes(),
        units=owner[cells].astype("<i4").tobytes(),
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def latest_forecast(session: Session) -> Forecast | None:
    """The most recent forecast."""
    return session.scalar(select(Forecast).order_by(Forecast.id.desc()).limit(1))


def ensure_forecast(session: Session, *, now: dt.datetime, tz: ZoneInfo) -> Forecast | None:
    """Tomorrow's forecast, made again when the grid, the day or the incidents have changed
    since the latest one; forecasts older than 90 days are dropped."""
    session.execute(delete(Forecast).where(Forecast.day < now.date() - dt.timedelta(KEEP_DAYS)))
    latest = latest_forecast(session)
    grid = current_grid(session)
    if (
        latest is not None
        and grid is not None
        and latest.day == tomorrow(now, tz)
        and frame_of(latest) == frame_of(grid)
        and latest.last_incident == max_incident_id(session)
    ):
        return latest
    return make_forecast(session, now=now, tz=tz)


__all__ = ["EPOCH", "deployed_model", "ensure_forecast", "latest_forecast", "make_forecast"]
