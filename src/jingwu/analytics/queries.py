"""Read models of the map: the heat layer, a cell's counts and trend, tomorrow's hotspots,
the GeoJSON export. Every figure is limited to the units in the principal's scope.

The heat layer sums the cube's days of a window over the units the principal may see; the
forecast ranks cells district-wide (a station sees which of its cells are among the
district's top 5 %) but shows only cells whose centre lies in a unit of the scope.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, visible_units, whole_tree
from jingwu.analytics.heatcube import Frame, IntArray, cell_series, window_counts
from jingwu.analytics.models import Forecast, HeatGrid, IncidentCategory
from jingwu.analytics.queries_lists import dashboard_cards, stations_geojson
from jingwu.analytics.service_forecast import latest_forecast
from jingwu.analytics.service_heat import current_grid, day_number, frame_of, load_cube
from jingwu.analytics.svgmap import MapText, render_svg
from jingwu.analytics.timeline import EPOCH
from jingwu.errors import Invalid, NotFound

WINDOWS = (7, 30, 90)
TREND_WEEKS = 26
HOTSPOT_SHARE = 0.05

__all__ = ["WINDOWS", "dashboard_cards", "heat_layer"]


def scope_units(session: Session, principal: Principal) -> IntArray | None:
    """Unit ids the principal may see (None: every unit)."""
    principal.require("analytics.view")
    if whole_tree(principal):
        return None
    return np.array(sorted(session.scalars(visible_units(principal))), dtype=np.int64)


def category_id(session: Session, name: str | None) -> int | None:
    """The number of a category name (None: all categories); unknown names are refused."""
    if not name:
        return None
    found = session.scalar(select(IncidentCategory.id).where(IncidentCategory.name == name))
    if found is None:
        raise Invalid(
            "Unknown category '{name}'.", params={"name": name}, fields={"category": "unknown"}
        )
    return int(found)


def categories(session: Session) -> list[str]:
    """Category names of stored incidents, alphabetically (a name is numbered when its
    first incident is stored; no scan of the incidents)."""
    return sorted(session.scalars(select(IncidentCategory.name)))


def check_window(window: int) -> int:
    """The window, if it is one of WINDOWS; else Invalid naming the field."""
    if window not in WINDOWS:
        raise Invalid(
            "The window must be one of {windows} days.",
            params={"windows": ", ".join(str(w) for w in WINDOWS)},
            fields={"window": "unknown"},
        )
    return window


@dataclass(frozen=True)
class HeatLayer:
    """Incidents per cell over a window: (lat, lon, count) of every non-empty cell."""

    window: int
    category: str | None
    points: list[tuple[float, float, int]]
    total: int
    max: int
    cell_m: float
    refreshed_at: dt.datetime | None
    frame: Frame | None


def _grid(session: Session) -> HeatGrid | None:
    return current_grid(session)


def window_cells(
    session: Session,
    principal: Principal,
    *,
    now: dt.datetime,
    tz: ZoneInfo,
    window: int,
    category: str | None,
) -> tuple[HeatGrid | None, IntArray]:
    """The grid and the incidents per cell over the last ``window`` local days, in scope."""
    units = scope_units(session, principal)
    cat = category_id(session, category)
    check_window(window)
    grid = _grid(session)
    if grid is None:
        return None, np.zeros(0, dtype=np.int64)
    today = day_number(now, tz)
    cube = load_cube(session, grid.id, first=today - window + 1, last=today)
    return grid, window_counts(cube.values(), grid.nx * grid.ny, units=units, cat=cat)


def heat_layer(
    session: Session,
    principal: Principal,
    *,
    now: dt.datetime,
    tz: ZoneInfo,
    window: int,
    category: str | None,
) -> HeatLayer:
    """The heat layer of the last ``window`` local days (today included)."""
    grid, counts = window_cells(
        session, principal, now=now, tz=tz, window=window, category=category
    )
    if grid is None:
        return HeatLayer(window, category, [], 0, 0, 0.0, None, None)
    frame = frame_of(grid)
    cells = np.flatnonzero(counts)
    lon, lat = frame.centres(cells)
    points = [
        (round(float(y), 6), round(float(x), 6), int(n))
        for y, x, n in zip(lat, lon, counts[cells], strict=True)
    ]
    return HeatLayer(
        window, category, points, int(counts.sum()), int(counts.max(initial=0)),
        frame.cell, grid.refreshed_at, frame,
    )  # fmt: skip


@dataclass(frozen=True)
class Risk:
    """A cell of a forecast: expected incidents tomorrow and its rank in the district."""

    cell: int
    expected: float
    rank: int  # 1 = the highest expected count among all valid cells
    of: int  # valid cells in the forecast
    hotspot: bool  # among the top 5 %


def _risks(forecast: Forecast, units: IntArray | None) -> list[Risk]:
    cells = np.frombuffer(forecast.cells, dtype="<i4").astype(np.int64)
    expected = np.frombuffer(forecast.expected, dtype="<f8")
    owner = np.frombuffer(forecast.units, dtype="<i4").astype(np.int64)
    order = np.argsort(-expected, kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(1, len(order) + 1)
    top = max(1, math.ceil(HOTSPOT_SHARE * len(cells)))
    seen = np.ones(len(cells), dtype=bool) if units is None else np.isin(owner, units)
    idx = np.flatnonzero(seen)
    n = len(cells)
    # plain Python numbers first: per-element numpy conversions cost 10 µs a cell
    return [
        Risk(c, e, r, n, r <= top)
        for c, e, r in zip(
            cells[idx].tolist(), expected[idx].tolist(), rank[idx].tolist(), strict=True
        )
    ]


def forecast_hotspots(session: Session, principal: Principal) -> tuple[Frame, list[Risk]] | None:
    """Tomorrow's hotspot cells in scope (best first) and their frame, without building a
    risk for every other cell (the map's layers need only these)."""
    units = scope_units(session, principal)
    forecast = latest_forecast(session)
    if forecast is None:
        return None
    cells = np.frombuffer(forecast.cells, dtype="<i4").astype(np.int64)
    expected = np.frombuffer(forecast.expected, dtype="<f8")
    owner = np.frombuffer(forecast.units, dtype="<i4").astype(np.int64)
    top = max(1, math.ceil(HOTSPOT_SHARE * len(cells)))
    order = np.argsort(-expected, kind="stable")[:top]
    ranks = np.arange(1, len(order) + 1)
    if units is not None:
        keep = np.isin(owner[order], units)
        order, ranks = order[keep], ranks[keep]
    hot = [
        Risk(c, e, r, len(cells), True)
        for c, e, r in zip(
            cells[order].tolist(), expected[order].tolist(), ranks.tolist(), strict=True
        )
    ]
    return frame_of(forecast), hot


@dataclass(frozen=True)
class ForecastView:
    """Tomorrow's forecast as the principal may see it."""

    forecast: Forecast
    frame: Frame
    hotspots: list[Risk]  # in scope, best first
    risks: dict[int, Risk]  # every valid cell in scope


def forecast_view(session: Session, principal: Principal) -> ForecastView | None:
    """The latest forecast's hotspots (top 5 % of the district) in the principal's scope."""
    units = scope_units(session, principal)
    forecast = latest_forecast(session)
    if forecast is None:
        return None
    risks = _risks(forecast, units)
    hotspots = sorted((r for r in risks if r.hotspot), key=lambda r: r.rank)
    return ForecastView(forecast, frame_of(forecast), hotspots, {r.cell: r for r in risks})


@dataclass(frozen=True)
class CellDetail:
    """One cell: where it is, its counts per window, a weekly trend and tomorrow's risk."""

    cell: int
    bounds: tuple[float, float, float, float]  # west, south, east, north
    counts: dict[int, int]
    weeks: list[tuple[str, int]]  # (first day of the week, incidents)
    risk: Risk | None


def cell_detail(
    session: Session,
    principal: Principal,
    *,
    now: dt.datetime,
    tz: ZoneInfo,
    lon: float,
    lat: float,
    category: str | None,
) -> CellDetail:
    """The cell holding (lon, lat): counts in scope over 7/30/90 days and 26 weekly counts."""
    units = scope_units(session, principal)
    cat = category_id(session, category)
    grid = _grid(session)
    cell = -1 if grid is None else int(frame_of(grid).locate(np.array([lon]), np.array([lat]))[0])
    if grid is None or cell < 0:
        raise NotFound("No cell of the map lies there.")
    frame = frame_of(grid)
    today = day_number(now, tz)
    first = today - 7 * TREND_WEEKS + 1
    series = cell_series(load_cube(session, grid.id, first=first, last=today), cell, first, today,
                         units=units, cat=cat)  # fmt: skip
    weeks = series.reshape(TREND_WEEKS, 7).sum(axis=1)
    west, south, east, north = (float(v[0]) for v in frame.corners(np.array([cell])))
    view = forecast_view(session, principal)
    risk = None
    if view is not None and view.frame == frame:
        risk = view.risks.get(cell)
    return CellDetail(
        cell=cell,
        bounds=(west, south, east, north),
        counts={w: int(series[-w:].sum()) for w in WINDOWS},
        weeks=[
            ((EPOCH + dt.timedelta(days=first + 7 * k)).isoformat(), int(n))
            for k, n in enumerate(weeks)
        ],
        risk=risk,
    )


def _square(frame: Frame, cells: IntArray) -> list[list[list[list[float]]]]:
    west, south, east, north = frame.corners(cells)
    return [
        [[[round(float(w), 6), round(float(s), 6)], [round(float(e), 6), round(float(s), 6)],
          [round(float(e), 6), round(float(n), 6)], [round(float(w), 6), round(float(n), 6)],
          [round(float(w), 6), round(float(s), 6)]]]
        for w, s, e, n in zip(west, south, east, north, strict=True)
    ]  # fmt: skip


def hotspots_geojson(view: ForecastView | None) -> dict[str, Any]:
    """Tomorrow's hotspot cells as a GeoJSON FeatureCollection."""
    if view is None:
        return {"type": "FeatureCollection", "features": []}
    cells = np.array([r.cell for r in view.hotspots], dtype=np.int64)
    features = [
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": ring},
         "properties": {"cell": r.cell, "expected": round(r.expected, 4), "rank": r.rank,
                        "of": r.of}}
        for r, ring in zip(view.hotspots, _square(view.frame, cells), strict=True)
    ]  # fmt: skip
    return {"type": "FeatureCollection", "day": view.forecast.day.isoformat(), "features": features}


def grid_geojson(
    session: Session,
    principal: Principal,
    *,
    now: dt.datetime,
    tz: ZoneInfo,
    window: int,
    category: str | None,
) -> dict[str, Any]:
    """Every cell in scope with incidents in the window or a forecast: counts and risk."""
    grid, counts = window_cells(
        session, principal, now=now, tz=tz, window=window, category=category
    )
    if grid is None:
        return {"type": "FeatureCollection", "features": []}
    frame = frame_of(grid)
    counts_of = {int(c): int(counts[c]) for c in np.flatnonzero(counts)}
    view = forecast_view(session, principal)
    risks = view.risks if view is not None and view.frame == frame else {}
    cells = np.array(sorted(set(counts_of) | set(risks)), dtype=np.int64)
    features = []
    for cell, ring in zip(cells.tolist(), _square(frame, cells), strict=True):
        risk = risks.get(cell)
        features.append({
            "type": "Feature",
            "geometry": {"type": "Polygon", "coordinates": ring},
            "properties": {
                "cell": cell, "row": cell // frame.nx, "col": cell % frame.nx,
                "count": counts_of.get(cell, 0),
                "risk": None if risk is None else round(risk.expected, 6),
                "risk_rank": None if risk is None else risk.rank,
                "hotspot": bool(risk and risk.hotspot),
            },
        })  # fmt: skip
    return {
        "type": "FeatureCollection",
        "window_days": window,
        "category": category,
        "forecast_day": None if view is None else view.forecast.day.isoformat(),
        "cell_m": frame.cell,
        "features": features,
    }


def svg_map(
    session: Session,
    principal: Principal,
    *,
    now: dt.datetime,
    tz: ZoneInfo,
    window: int,
    category: str | None,
    text: MapText,
) -> str:
    """The report map (SVG): counts of the window, tomorrow's hotspots, station boundaries."""
    grid, counts = window_cells(
        session, principal, now=now, tz=tz, window=window, category=category
    )
    if grid is None:
        raise NotFound("There is no heat map yet.")
    frame = frame_of(grid)
    view = forecast_view(session, principal)
    spots = [r.cell for r in view.hotspots] if view is not None and view.frame == frame else []
    stations = stations_geojson(session, principal, "zh_CN")["features"]
    return render_svg(
        frame, counts, hotspots=spots, boundaries=[f["geometry"] for f in stations], text=text
    )
