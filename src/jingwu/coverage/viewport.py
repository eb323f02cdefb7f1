"""The situational map's coverage layers for one viewport (read models): the stations'
service circles, resident density and the uncovered places of the latest coverage runs.

Residents are the newest grid of each unit in scope; below the point zoom their places are
summed per cluster cell in SQL (the cell's population is its density), above it the places
themselves.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, in_scope
from jingwu.coverage import queries
from jingwu.coverage.models import ResidentGrid, ResidentPlace
from jingwu.viewport import MAX_POINTS, Viewport, collection, point
from jingwu.viewsql import cell_keys, in_view


def _bounds(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    xs: list[float] = []
    ys: list[float] = []

    def walk(c: object) -> None:
        if isinstance(c, list) and c and isinstance(c[0], int | float):
            xs.append(float(c[0]))
            ys.append(float(c[1]))
        elif isinstance(c, list):
            for part in c:
                walk(part)

    walk(geometry.get("coordinates"))
    return (min(xs), min(ys), max(xs), max(ys)) if xs else (0.0, 0.0, -1.0, -1.0)


def circles(
    session: Session, principal: Principal, view: Viewport, *, mode: str = "walk"
) -> dict[str, Any]:
    """The service circles of stations in scope that meet the viewport."""
    features: list[dict[str, Any]] = [
        {"type": "Feature", "geometry": row.circle.geometry,
         "properties": {"station": row.unit.short_code, "mode": row.circle.mode,
                        "method": row.circle.method,
                        "area_km2": round(row.circle.area_m2 / 1e6, 2)}}
        for row in queries.circles(session, principal, mode=mode)
        if view.overlaps(*_bounds(row.circle.geometry))
    ]  # fmt: skip
    return collection("circles", features, clustered=False)


def _newest_grids(principal: Principal) -> Select[int]:
    return (
        select(func.max(ResidentGrid.id))
        .where(in_scope(principal, ResidentGrid.unit_id))
        .group_by(ResidentGrid.unit_id)
    )


def residents(session: Session, principal: Principal, view: Viewport) -> dict[str, Any]:
    """Resident places in scope and in the viewport, summed per cluster cell at low zoom."""
    principal.require("coverage.view")
    where = (
        ResidentPlace.grid_id.in_(_newest_grids(principal)),
        in_view(ResidentPlace.lon, ResidentPlace.lat, view),
    )
    if not view.clustered:
        rows = session.execute(
            select(ResidentPlace.lon, ResidentPlace.lat, ResidentPlace.population)
            .where(*where)
            .limit(MAX_POINTS + 1)
        ).all()
        if len(rows) <= MAX_POINTS:
            features: list[dict[str, Any]] = [
                {"type": "Feature", "geometry": point(lon, lat),
                 "properties": {"population": int(pop)}}
                for lon, lat, pop in rows
            ]  # fmt: skip
            return collection("residents", features, clustered=False, cell_deg=None)
    ix, iy = cell_keys(ResidentPlace.lon, ResidentPlace.lat, view, session.get_bind().dialect.name)
    stmt = (
        select(
            ix, iy, func.count(), func.avg(ResidentPlace.lon), func.avg(ResidentPlace.lat),
            func.sum(ResidentPlace.population),
        )
        .where(*where)
        .group_by(ix, iy)
    )  # fmt: skip
    features = [
        {"type": "Feature", "geometry": point(lon, lat),
         "properties": {"cluster": True, "count": int(n), "population": int(pop or 0)}}
        for _, _, n, lon, lat, pop in session.execute(stmt)
    ]  # fmt: skip
    return collection("residents", features, clustered=True, cell_deg=view.step)


def uncovered(
    session: Session, principal: Principal, view: Viewport, *, mode: str = "walk"
) -> dict[str, Any]:
    """The uncovered places (by population) of the coverage runs in scope, in the viewport."""
    features: list[dict[str, Any]] = []
    for row in queries.runs(session, principal):
        if row.run.mode != mode:
            continue
        for p in row.run.uncovered:
            if view.contains(p["lon"], p["lat"]):
                features.append(
                    {"type": "Feature", "geometry": point(p["lon"], p["lat"]),
                     "properties": {"population": p["population"], "unit": row.unit.short_code}}
                )  # fmt: skip
    return collection("uncovered", features, clustered=False)
