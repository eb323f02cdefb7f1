"""Small geometry helpers on WGS-84 coordinates (pure: no I/O).

Areas and distances are computed in a local metric plane: an equirectangular projection
around a reference latitude/longitude, accurate to well under 1 % over a city district.
GeoJSON order is (lon, lat) throughout.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from typing import Any

import shapely.geometry
import shapely.validation

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG)
MAX_BOUNDARY_VERTICES = 10_000  # a station's boundary needs hundreds at most

Ring = Sequence[Sequence[float]]


class GeometryError(ValueError):
    """A geometry is malformed (wrong type, too few points, coordinates out of range)."""


def project(lon: float, lat: float, lon0: float, lat0: float) -> tuple[float, float]:
    """Equirectangular projection to metres around (lon0, lat0)."""
    x = EARTH_RADIUS_M * math.cos(math.radians(lat0)) * math.radians(lon - lon0)
    y = EARTH_RADIUS_M * math.radians(lat - lat0)
    return x, y


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def check_point(lon: float, lat: float) -> None:
    """Raise GeometryError unless (lon, lat) is a valid WGS-84 position."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise GeometryError("coordinates must be finite numbers")
    if not -180.0 <= lon <= 180.0:
        raise GeometryError(f"longitude {lon} is outside -180..180")
    if not -90.0 <= lat <= 90.0:
        raise GeometryError(f"latitude {lat} is outside -90..90")


def _position(pos: object) -> tuple[float, float]:
    """(lon, lat) of a GeoJSON position: two numbers first (an altitude may follow)."""
    if not isinstance(pos, list | tuple) or len(pos) < 2:
        raise GeometryError("a position must be [longitude, latitude]")
    lon, lat = pos[0], pos[1]
    for c in (lon, lat):
        if isinstance(c, bool) or not isinstance(c, int | float):
            raise GeometryError("a position must be [longitude, latitude]")
    try:
        return float(lon), float(lat)
    except OverflowError:
        raise GeometryError("coordinates must be finite numbers") from None


def polygons_of(geometry: dict[str, Any]) -> list[list[Ring]]:
    """Return the polygons (each a list of rings) of a GeoJSON Polygon or MultiPolygon."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    if kind == "Polygon" and isinstance(coords, list):
        polys = [coords]
    elif kind == "MultiPolygon" and isinstance(coords, list):
        polys = coords
    else:
        raise GeometryError("geometry must be a GeoJSON Polygon or MultiPolygon")
    for poly in polys:
        if not isinstance(poly, list) or not poly:
            raise GeometryError("a polygon needs at least one ring")
        for ring in poly:
            if not isinstance(ring, list) or len(ring) < 4:
                raise GeometryError("a polygon ring needs at least 4 positions")
            for pos in ring:
                check_point(*_position(pos))
            if list(ring[0][:2]) != list(ring[-1][:2]):
                raise GeometryError("a polygon ring must end where it starts")
    return polys


def check_boundary(geometry: dict[str, Any]) -> None:
    """Raise GeometryError unless ``geometry`` is a boundary we can keep: a GeoJSON Polygon
    or MultiPolygon of valid positions, at most ``MAX_BOUNDARY_VERTICES`` of them, that is
    valid and simple (no ring crosses itself or another, holes inside their shell; shapely
    decides, as GEOS does for PostGIS)."""
    coords = geometry.get("coordinates")
    rings = [coords] if geometry.get("type") == "Polygon" else coords
    if isinstance(rings, list):  # counted before anything is checked position by position
        vertices = sum(
            len(r) for p in rings if isinstance(p, list) for r in p if isinstance(r, list)
        )
        if vertices > MAX_BOUNDARY_VERTICES:
            raise GeometryError(
                f"a boundary has at most {MAX_BOUNDARY_VERTICES} vertices (this one {vertices})"
            )
    polys = polygons_of(geometry)
    shape = shapely.geometry.shape(
        {"type": geometry["type"], "coordinates": _plain_coordinates(polys, geometry["type"])}
    )
    if not shape.is_valid:
        reason = shapely.validation.explain_validity(shape)
        raise GeometryError(f"the boundary is not a simple polygon: {reason}")
    if shape.area <= 0:
        raise GeometryError("the boundary encloses no area")


def _plain_coordinates(polys: list[list[Ring]], kind: str) -> list[Any]:
    """The positions as [lon, lat] floats (GeoJSON may add altitudes, or give strings)."""
    plain = [[[list(_position(p)) for p in ring] for ring in poly] for poly in polys]
    return plain[0] if kind == "Polygon" else plain


def _ring_area_m2(ring: Ring, lon0: float, lat0: float) -> float:
    pts = [project(float(p[0]), float(p[1]), lon0, lat0) for p in ring]
    s = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(pts):
        s += x1 * y2 - x2 * y1
    return abs(s) / 2.0


def centroid_guess(geometry: dict[str, Any]) -> tuple[float, float]:
    """Mean of the outer-ring vertices: a reference point for the local projection."""
    xs: list[float] = []
    ys: list[float] = []
    for poly in polygons_of(geometry):
        for p in poly[0][:-1]:
            xs.append(float(p[0]))
            ys.append(float(p[1]))
    return sum(xs) / len(xs), sum(ys) / len(ys)


def area_m2(geometry: dict[str, Any]) -> float:
    """Area of a GeoJSON (Multi)Polygon in square metres, holes subtracted."""
    lon0, lat0 = centroid_guess(geometry)
    total = 0.0
    for poly in polygons_of(geometry):
        total += _ring_area_m2(poly[0], lon0, lat0)
        for hole in poly[1:]:
            total -= _ring_area_m2(hole, lon0, lat0)
    return max(total, 0.0)


def _in_ring(lon: float, lat: float, ring: Ring) -> bool:
    inside = False
    n = len(ring)
    for i in range(n - 1):
        x1, y1 = float(ring[i][0]), float(ring[i][1])
        x2, y2 = float(ring[i + 1][0]), float(ring[i + 1][1])
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside


def contains(geometry: dict[str, Any], lon: float, lat: float) -> bool:
    """True when the point lies inside the (Multi)Polygon (even-odd rule, holes excluded)."""
    for poly in polygons_of(geometry):
        if _in_ring(lon, lat, poly[0]) and not any(_in_ring(lon, lat, h) for h in poly[1:]):
            return True
    return False


def bbox(points: Iterable[tuple[float, float]]) -> tuple[float, float, float, float]:
    """(min lon, min lat, max lon, max lat) of some points."""
    pts = list(points)
    if not pts:
        raise GeometryError("no points")
    lons = [p[0] for p in pts]
    lats = [p[1] for p in pts]
    return min(lons), min(lats), max(lons), max(lats)
