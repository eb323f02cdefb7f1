"""GeoJSON files for the coverage tests: a street grid and residents inside the stations."""

from __future__ import annotations

import json
from typing import Any

LON0, LAT0 = 120.1, 30.2  # the south-west corner of tests.factories.org.make_tree's stations
STEP = 0.002  # about 200 m


def collection(features: list[dict[str, Any]]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def line(coords: list[tuple[float, float]], **props: Any) -> dict[str, Any]:
    geometry = {"type": "LineString", "coordinates": [list(c) for c in coords]}
    return {"type": "Feature", "geometry": geometry, "properties": props}


def point(lon: float, lat: float, population: Any) -> dict[str, Any]:
    geometry = {"type": "Point", "coordinates": [lon, lat]}
    return {"type": "Feature", "geometry": geometry, "properties": {"population": population}}


def street_grid(n: int = 15) -> bytes:
    """n × n streets 200 m apart over the three stations (30 km/h, one street one-way)."""
    features = []
    for i in range(n):
        x = LON0 + i * STEP
        y = LAT0 + i * STEP * 0.7
        features.append(line([(x, LAT0 + j * STEP * 0.7) for j in range(n)], maxspeed="30"))
        features.append(
            line([(LON0 + j * STEP, y) for j in range(n)], oneway="yes" if i == 3 else "no")
        )
    return collection(features)


def residents() -> bytes:
    """Residents near SA01's point (covered) and in the far east of SB01 (not on foot)."""
    return collection(
        [
            point(120.105, 30.205, 500),
            point(120.106, 30.206, 300),
            point(120.129, 30.209, 200),
        ]
    )
