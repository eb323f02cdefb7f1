"""A map viewport (bounding box and zoom) and the grid its layers are clustered on (pure).

Below ``POINT_ZOOM`` a layer of points is sent as grid clusters: cells of ``CLUSTER_PX``
screen pixels at the viewport's zoom, each with its count and the mean position of its
members; at ``POINT_ZOOM`` and above the points themselves, unless there are more than
``MAX_POINTS`` of them in the box. The grid is anchored at the box's south-west corner.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MIN_ZOOM = 0
MAX_ZOOM = 22
POINT_ZOOM = 15
MAX_POINTS = 3_000
CLUSTER_PX = 64


class ViewportError(ValueError):
    """The bounding box or zoom cannot be a map viewport (the reason is an English id)."""


@dataclass(frozen=True)
class Viewport:
    """West, south, east, north in WGS-84 degrees, and the map's integer zoom level."""

    west: float
    south: float
    east: float
    north: float
    zoom: int

    @property
    def step(self) -> float:
        """The cluster cell's side in degrees at this zoom."""
        return 360.0 / float(2**self.zoom) * CLUSTER_PX / 256

    @property
    def clustered(self) -> bool:
        """Whether points are sent as clusters at this zoom (before counting them)."""
        return self.zoom < POINT_ZOOM

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north

    def overlaps(self, west: float, south: float, east: float, north: float) -> bool:
        """Whether a box (e.g. a line's or polygon's bounds) meets the viewport."""
        return (
            west <= self.east and east >= self.west and south <= self.north and north >= self.south
        )

    def cell(self, lon: float, lat: float) -> tuple[int, int]:
        """The cluster cell (column, row) of a point inside the viewport."""
        return int((lon - self.west) // self.step), int((lat - self.south) // self.step)


def parse_viewport(bbox: str, zoom: int) -> Viewport:
    """A viewport from ``"west,south,east,north"`` and a zoom; ViewportError when the box is
    not four numbers in range with west < east and south < north, or the zoom is out of
    range."""
    parts = bbox.split(",")
    if len(parts) != 4:
        raise ViewportError("bbox must be four numbers: west,south,east,north")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise ViewportError("bbox must be four numbers: west,south,east,north") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise ViewportError("bbox must be four numbers: west,south,east,north")
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise ViewportError(
            "bbox must have west < east within -180..180 and south < north within -90..90"
        )
    if not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise ViewportError("zoom must be between 0 and 22")
    return Viewport(west, south, east, north, zoom)


@dataclass(frozen=True)
class Cluster:
    """Points of one cluster cell: how many, their weight and their mean position."""

    lon: float
    lat: float
    count: int
    weight: float


def cluster(points: Iterable[tuple[float, float, float]], view: Viewport) -> list[Cluster]:
    """The (lon, lat, weight) points inside the viewport grouped into its cluster cells."""
    cells: dict[tuple[int, int], list[float]] = {}
    for lon, lat, weight in points:
        if not view.contains(lon, lat):
            continue
        acc = cells.setdefault(view.cell(lon, lat), [0.0, 0.0, 0.0, 0.0])
        acc[0] += lon
        acc[1] += lat
        acc[2] += 1
        acc[3] += weight
    return [Cluster(a[0] / a[2], a[1] / a[2], int(a[2]), a[3]) for _, a in sorted(cells.items())]


def point(lon: float, lat: float) -> dict[str, Any]:
    """A GeoJSON Point, positions rounded to about 10 cm."""
    return {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}


def collection(
    layer: str, features: list[dict[str, Any]], *, clustered: bool, **extra: Any
) -> dict[str, Any]:
    """A layer's answer: a GeoJSON FeatureCollection with the layer's name, whether its
    points are clustered, and the number of points it stands for (clusters' counts added)."""
    total = 0
    for f in features:
        props = f.get("properties")
        count = props.get("count", 1) if isinstance(props, dict) else 1
        total += count if isinstance(count, int) else 1
    return {
        "type": "FeatureCollection",
        "layer": layer,
        "clustered": clustered,
        "total": total,
        "features": features,
        **extra,
    }
