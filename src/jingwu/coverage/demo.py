"""Demo seed: a synthetic street grid and resident grid over the demo district (XH00).

Streets every 250 m (arterials every fourth street at 50 km/h, a few one-way), a park in
the north-west with no streets, and residents in 200 m cells whose density falls off from
two centres, scaled to the district's 186,000 residents. The files go through the same
import as a user's (so they are checked like one), then the circles are computed.
"""

from __future__ import annotations

import json
import math
from typing import Any

import shapely
import shapely.geometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.coverage import service, service_import
from jingwu.demodata import DemoContext
from jingwu.org.models import Unit

ORDER = 60

DISTRICT = "XH00"
STREET_LON, STREET_LAT = 0.0026, 0.00225  # about 250 m
CELL_LON, CELL_LAT = 0.0021, 0.0018  # about 200 m
PARK = (120.105, 30.292, 120.117, 30.304)  # lon/lat box without streets (north-west)
CENTRES = ((120.128, 30.275, 1.0), (120.14, 30.295, 0.7))


def _collection(features: list[dict[str, Any]]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _in_park(lon: float, lat: float) -> bool:
    return PARK[0] <= lon <= PARK[2] and PARK[1] <= lat <= PARK[3]


def _street(points: list[tuple[float, float]], **props: Any) -> list[dict[str, Any]]:
    """The street as LineStrings, cut where it crosses the park."""
    runs: list[list[tuple[float, float]]] = [[]]
    for p in points:
        if _in_park(*p):
            runs.append([])
        else:
            runs[-1].append(p)
    return [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [list(p) for p in run]},
            "properties": props,
        }
        for run in runs
        if len(run) >= 2
    ]


def roads(bounds: tuple[float, float, float, float]) -> bytes:
    """The street grid over ``bounds`` (lon0, lat0, lon1, lat1), a little beyond them."""
    lon0, lat0, lon1, lat1 = bounds
    nx = math.ceil((lon1 - lon0) / STREET_LON) + 2
    ny = math.ceil((lat1 - lat0) / STREET_LAT) + 2
    xs = [round(lon0 + (i - 1) * STREET_LON, 6) for i in range(nx + 1)]
    ys = [round(lat0 + (j - 1) * STREET_LAT, 6) for j in range(ny + 1)]
    features: list[dict[str, Any]] = []
    for i, x in enumerate(xs):
        props: dict[str, Any] = {"maxspeed": "50"} if i % 4 == 0 else {"speed_kmh": 30}
        if i % 7 == 3:
            props["oneway"] = "yes"
        features += _street([(x, y) for y in ys], **props)
    for j, y in enumerate(ys):
        props = {"maxspeed": "50"} if j % 4 == 0 else {"speed_kmh": 30}
        if j % 6 == 5:
            props["oneway"] = "-1"
        features += _street([(x, y) for x in xs], **props)
    return _collection(features)


def residents(boundary: dict[str, Any], total: int) -> bytes:
    """Points at the centres of 200 m cells inside ``boundary``, ``total`` people in all."""
    shape = shapely.geometry.shape(boundary)
    lon0, lat0, lon1, lat1 = shape.bounds
    cells: list[tuple[float, float, float]] = []
    lat = lat0 + CELL_LAT / 2
    while lat < lat1:
        lon = lon0 + CELL_LON / 2
        while lon < lon1:
            if shape.contains(shapely.Point(lon, lat)):
                weight = 0.08 if _in_park(lon, lat) else 0.15
                for cx, cy, w in CENTRES:
                    d = math.hypot((lon - cx) / 0.012, (lat - cy) / 0.01)
                    weight += w * math.exp(-d * d)
                cells.append((round(lon, 6), round(lat, 6), weight))
            lon += CELL_LON
        lat += CELL_LAT
    scale = total / sum(w for _, _, w in cells)
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"population": round(w * scale)},
        }
        for lon, lat, w in cells
    ]
    return _collection(features)


def seed(session: Session, ctx: DemoContext) -> None:
    district = session.scalar(select(Unit).where(Unit.short_code == DISTRICT))
    if district is None or district.boundary is None:
        return
    bounds = shapely.geometry.shape(district.boundary).bounds
    files = (
        (service_import.import_roads, "xihu-streets.geojson", roads(bounds)),
        (
            service_import.import_residents,
            "xihu-residents.geojson",
            residents(district.boundary, district.residents or 186_000),
        ),
    )
    for importer, name, content in files:
        importer(session, SYSTEM, unit=DISTRICT, filename=name, content=content, now=ctx.now)
    service.compute(session, SYSTEM, unit=DISTRICT, now=ctx.now)
