"""The coverage map's layers as one GeoJSON FeatureCollection (read model).

Features carry ``layer``: ``boundary`` (a station's boundary), ``station`` (its point),
``circle`` (its service circle for the mode), ``uncovered`` (a block of uncovered residents)
and ``suggestion`` (a suggested new site, ``rank`` 1 first).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.coverage import queries


def _feature(geometry: dict[str, Any], **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": props}


def _point(lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


def layers(session: Session, principal: Principal, *, mode: str) -> dict[str, Any]:
    """Boundaries, points and circles of stations in scope, and the units' places and sites."""
    features: list[dict[str, Any]] = []
    for unit in queries.stations(session, principal):
        if unit.boundary:
            features.append(_feature(unit.boundary, layer="boundary", station=unit.short_code))
        if unit.lon is not None and unit.lat is not None:
            point = _point(unit.lon, unit.lat)
            features.append(
                _feature(point, layer="station", station=unit.short_code, name=unit.name)
            )
    for row in queries.circles(session, principal, mode=mode):
        c = row.circle
        features.append(
            _feature(
                c.geometry,
                layer="circle",
                station=row.unit.short_code,
                method=c.method,
                area_km2=round(c.area_m2 / 1e6, 2),
            )
        )
    for run_row in queries.runs(session, principal):
        run = run_row.run
        if run.mode != mode:
            continue
        for p in run.uncovered:
            point = _point(p["lon"], p["lat"])
            features.append(_feature(point, layer="uncovered", population=p["population"]))
        for n, s in enumerate(run.suggestions, start=1):
            point = _point(s["lon"], s["lat"])
            features.append(_feature(point, layer="suggestion", rank=n, adds=s["adds"]))
    return {"type": "FeatureCollection", "features": features}
