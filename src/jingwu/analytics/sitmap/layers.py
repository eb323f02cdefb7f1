"""The situational map's layers, each for one viewport and the principal's scope.

Every layer answers a bounding box and zoom; points are clustered on the viewport's grid
below the point zoom (in SQL for devices, orders and residents; from the heat cube's cells
for incidents), so an answer stays a few hundred features whatever the data's size. Each
layer needs its own domain's permission as well as ``analytics.view``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.analytics import queries
from jingwu.analytics.heatcube import Frame
from jingwu.analytics.service_heat import frame_of
from jingwu.coverage import viewport as coverage_view
from jingwu.db import Database
from jingwu.iot import viewport as iot_view
from jingwu.org.models import Unit
from jingwu.patrols import queries as patrol_queries
from jingwu.patrols.tracks import covered_cells
from jingwu.viewport import Viewport, collection, point
from jingwu.workorders import viewport as order_view


@dataclass(frozen=True)
class Ask:
    """What a layer request asks besides the viewport."""

    now: dt.datetime
    tz: ZoneInfo
    window: int = 30
    category: str | None = None
    mode: str = "walk"
    language: str = "zh_CN"
    db: Database | None = None  # the app's database: lets cached scope data serve the layer


HEAT_FINER = 4
Loader = Callable[[Session, Principal, Viewport, Ask], dict[str, Any]]


def _bounds(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []
    stack: list[Any] = [geometry.get("coordinates")]
    while stack:
        c = stack.pop()
        if isinstance(c, list) and c and isinstance(c[0], int | float):
            xs.append(float(c[0]))
            ys.append(float(c[1]))
        elif isinstance(c, list):
            stack.extend(c)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else (0.0, 0.0, -1.0, -1.0)


def stations(session: Session, principal: Principal, view: Viewport, ask: Ask) -> dict[str, Any]:
    """Station boundaries and points in scope that meet the viewport."""
    principal.require("analytics.view")
    stmt = scoped(
        select(Unit.short_code, Unit.name, Unit.name_en, Unit.lon, Unit.lat, Unit.boundary)
        .where(Unit.kind == "community"),
        principal,
        Unit.id,
    ).order_by(Unit.short_code)  # fmt: skip
    features: list[dict[str, Any]] = []
    for code, name, name_en, lon, lat, boundary in session.execute(stmt):
        shown = (name_en or name) if ask.language == "en" else name
        if boundary and view.overlaps(*_bounds(boundary)):
            props = {"code": code, "name": shown, "part": "boundary"}
            features.append({"type": "Feature", "geometry": boundary, "properties": props})
        if lon is not None and lat is not None and view.contains(lon, lat):
            props = {"code": code, "name": shown, "part": "station"}
            features.append({"type": "Feature", "geometry": point(lon, lat), "properties": props})
    return collection("stations", features, clustered=False)


def _cells_in_view(frame: Frame, cells: np.ndarray[Any, Any], view: Viewport) -> Any:
    lon, lat = frame.centres(cells)
    inside = (lon >= view.west) & (lon <= view.east) & (lat >= view.south) & (lat <= view.north)
    return cells[inside], lon[inside], lat[inside]


def incidents(session: Session, principal: Principal, view: Viewport, ask: Ask) -> dict[str, Any]:
    """Incidents of the window per heat cell in the viewport, as heat points [lat, lon, n];
    cells smaller than the viewport's cluster cell are merged into it."""
    grid, counts = queries.window_cells(
        session, principal, now=ask.now, tz=ask.tz, window=ask.window, category=ask.category
    )
    empty = {"layer": "incidents", "clustered": False, "points": [], "total": 0, "max": 0,
             "cell_m": 0.0}  # fmt: skip
    if grid is None:
        return empty
    frame = frame_of(grid)
    cells, lon, lat = _cells_in_view(frame, np.flatnonzero(counts), view)
    n = counts[cells].astype(np.int64)
    cell_deg = frame.cell / 111_320.0
    # A heat map needs finer spots than point clusters: a quarter of the cluster cell.
    step = view.step / HEAT_FINER
    clustered = cell_deg < step / 2
    if clustered and len(cells):
        ix = np.floor((lon - view.west) / step).astype(np.int64)
        iy = np.floor((lat - view.south) / step).astype(np.int64)
        keys, where = np.unique(iy * (1 << 31) + ix, return_inverse=True)
        total = np.bincount(where, weights=n, minlength=len(keys))
        lon = np.bincount(where, weights=lon * n, minlength=len(keys)) / total
        lat = np.bincount(where, weights=lat * n, minlength=len(keys)) / total
        n = total.astype(np.int64)
    points = [
        [round(float(y), 6), round(float(x), 6), int(c)]
        for y, x, c in zip(lat, lon, n, strict=True)
    ]
    return {**empty, "clustered": bool(clustered), "points": points, "total": int(n.sum()),
            "max": int(n.max(initial=0)), "cell_m": frame.cell,
            "spot_deg": step if clustered else cell_deg}  # fmt: skip


def _hotspot_boxes(session: Session, principal: Principal) -> list[tuple[Any, tuple[float, ...]]]:
    found = queries.forecast_hotspots(session, principal)
    if found is None or not found[1]:
        return []
    frame, hot = found
    west, south, east, north = frame.corners(np.array([r.cell for r in hot], dtype=np.int64))
    return list(
        zip(hot, zip(west.tolist(), south.tolist(), east.tolist(), north.tolist(), strict=True),
            strict=True)
    )  # fmt: skip


def hotspots(session: Session, principal: Principal, view: Viewport, ask: Ask) -> dict[str, Any]:
    """Tomorrow's hotspot cells in scope that meet the viewport."""
    features: list[dict[str, Any]] = []
    for r, (w, s, e, n) in _hotspot_boxes(session, principal):
        if not view.overlaps(w, s, e, n):
            continue
        ring = [[round(x, 6), round(y, 6)] for x, y in ((w, s), (e, s), (e, n), (w, n), (w, s))]
        features.append({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]},
                         "properties": {"cell": r.cell, "expected": round(r.expected, 4),
                                        "rank": r.rank, "of": r.of}})  # fmt: skip
    return collection("hotspots", features, clustered=False)


def hotspot_coverage(session: Session, principal: Principal) -> dict[str, Any]:
    """How many of tomorrow's hotspot cells in scope a patrol route of the scope crosses."""
    boxes = [box for _, box in _hotspot_boxes(session, principal)]
    lines = [
        [(float(p[0]), float(p[1])) for p in c]
        for c in patrol_queries.all_lines(session, principal)
    ]
    covered = sum(covered_cells(boxes, lines))  # type: ignore[arg-type]
    share = covered / len(boxes) if boxes else None
    return {"covered": covered, "hotspots": len(boxes),
            "share": None if share is None else round(share, 4)}  # fmt: skip


def patrols(session: Session, principal: Principal, view: Viewport, ask: Ask) -> dict[str, Any]:
    """Patrol routes in scope meeting the viewport, and the hotspot cells they cover."""
    features: list[dict[str, Any]] = [
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": r.coords},
         "properties": {"id": r.id, "kind": r.kind, "name": r.name,
                        "length_m": r.length_m}}
        for r in patrol_queries.lines_in_view(session, principal, view)
    ]  # fmt: skip
    return collection(
        "patrols", features, clustered=False, coverage=hotspot_coverage(session, principal)
    )


LAYERS: dict[str, tuple[str, Loader]] = {
    "stations": ("analytics.view", stations),
    "circles": ("coverage.view", lambda s, p, v, a: coverage_view.circles(s, p, v, mode=a.mode)),
    "residents": ("coverage.view", lambda s, p, v, a: coverage_view.residents(s, p, v)),
    "incidents": ("analytics.view", incidents),
    "hotspots": ("analytics.view", hotspots),
    "orders": ("workorders.view", lambda s, p, v, a: order_view.open_orders(s, p, v)),
    "devices": ("iot.view", lambda s, p, v, a: iot_view.devices(s, p, v, a.db)),
    "alerts": ("iot.view", lambda s, p, v, a: iot_view.alerts(s, p, v)),
    "patrols": ("patrols.view", patrols),
    "uncovered": (
        "coverage.view",
        lambda s, p, v, a: coverage_view.uncovered(s, p, v, mode=a.mode),
    ),
}
DEFAULT = ("stations", "incidents", "hotspots", "orders")
# The panel's names of the layers (English message ids).
LABELS: dict[str, str] = {
    "stations": "Station boundaries and points",
    "circles": "Service circles",
    "residents": "Residents (density)",
    "incidents": "Incidents (heat)",
    "hotspots": "Forecast hotspots",
    "orders": "Open work orders by tier",
    "devices": "Devices",
    "alerts": "Live alerts",
    "patrols": "Patrol routes",
    "uncovered": "Uncovered areas",
}


def extent(session: Session, principal: Principal) -> list[float] | None:
    """[west, south, east, north] of the stations in scope (boundaries and points)."""
    principal.require("analytics.view")
    stmt = scoped(
        select(Unit.lon, Unit.lat, Unit.boundary).where(Unit.kind == "community"),
        principal,
        Unit.id,
    )
    boxes = []
    for lon, lat, boundary in session.execute(stmt):
        if boundary:
            boxes.append(_bounds(boundary))
        if lon is not None and lat is not None:
            boxes.append((lon, lat, lon, lat))
    boxes = [b for b in boxes if b[0] <= b[2]]
    if not boxes:
        return None
    return [min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes)]  # fmt: skip


def offered(principal: Principal) -> list[str]:
    """The layers the principal may turn on, in the panel's order."""
    return [name for name, (perm, _) in LAYERS.items() if principal.can(perm)]


def load(
    session: Session, principal: Principal, name: str, view: Viewport, ask: Ask
) -> dict[str, Any]:
    """One layer for the viewport (the layer's permission is checked)."""
    permission, loader = LAYERS[name]
    principal.require("analytics.view")
    principal.require(permission)
    return loader(session, principal, view, ask)
