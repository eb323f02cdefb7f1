"""Reading road and resident files (pure): GeoJSON FeatureCollections, errors by feature.

Roads: LineString or MultiLineString features; optional properties ``speed_kmh`` (or
``maxspeed``, ``speed``: a number or text like ``"50"``, ``"50 km/h"``) and ``oneway``
(``yes``/``no``/``true``/``false``/``1``/``0``, or ``-1`` for one-way against the drawing
direction, as OpenStreetMap writes it). Residents: Point features, or cells (Polygon,
MultiPolygon) counted at their centre, each with ``population`` (or ``pop``).

A file that is not a feature collection raises :class:`jingwu.importfiles.MalformedFile`;
bad features raise :class:`FeatureProblems` listing (feature number, reason) with reasons as
English message ids. Either way nothing is imported.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import shapely.geometry
import shapely.validation

from jingwu.coverage.network import Road
from jingwu.geo import GeometryError, check_boundary, check_point
from jingwu.importfiles import MalformedFile, has_nul, load_json

__all__ = ["FeatureProblems", "MalformedFile", "Place", "parse_residents", "parse_roads"]

MAX_FEATURES = 2_000_000
MAX_POPULATION = 10_000_000
MAX_SPEED_KMH = 200.0
_SPEED = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(?:km/?h|kph)?\s*$", re.IGNORECASE)
_ONEWAY = {"yes": 1, "true": 1, "1": 1, "no": 0, "false": 0, "0": 0, "-1": -1}

NOT_A_LINE = "not a LineString (a road is a LineString or MultiLineString)"
SHORT_LINE = "a line needs at least two positions"
BAD_POSITION = "a position is not a valid longitude and latitude"
BAD_SPEED = "speed must be a number of km/h above 0 and at most 200"
BAD_ONEWAY = "oneway must be yes, no, true, false, 1, 0 or -1"
BAD_FEATURE = "a feature must be an object with a geometry and an object of properties"
NOT_A_PLACE = "a resident place is a Point, Polygon or MultiPolygon"
BAD_CELL = "the cell is not a simple polygon (self-intersecting or open)"
BAD_POPULATION = "population must be a whole number from 0 to 10,000,000"
OUTSIDE = "outside the unit's boundary"
NO_LINES = "the file holds no LineStrings"
NO_PLACES = "the file holds no resident places"
TEXT_NUL = "a value holds a NUL character"

REASONS: tuple[str, ...] = (
    NOT_A_LINE,
    SHORT_LINE,
    BAD_POSITION,
    BAD_SPEED,
    BAD_ONEWAY,
    BAD_FEATURE,
)
REASONS += (NOT_A_PLACE, BAD_CELL, BAD_POPULATION, OUTSIDE, NO_LINES, NO_PLACES, TEXT_NUL)


class FeatureProblems(ValueError):
    """Features that cannot be imported: ``problems`` lists (feature number, reason id)."""

    def __init__(self, problems: list[tuple[int, str]]) -> None:
        self.problems = sorted(problems)
        first = self.problems[0]
        super().__init__(f"feature {first[0]}: {first[1]} ({len(problems)} problem(s) in all)")


@dataclass(frozen=True, slots=True)
class Place:
    """A resident place: where (a point or a cell's centre) and how many live there."""

    feature: int
    lon: float
    lat: float
    population: int


def _features(text: str) -> list[Any]:
    doc = load_json(text)
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise MalformedFile(1, "expected a GeoJSON FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list):
        raise MalformedFile(1, '"features" must be a list of GeoJSON features')
    if len(features) > MAX_FEATURES:
        raise MalformedFile(1, f"more than {MAX_FEATURES} features")
    return features


def _geometry(feature: object) -> tuple[dict[str, Any], dict[str, Any]] | str:
    """(geometry, properties) of a feature, or the reason it is not one."""
    if not isinstance(feature, dict):
        return BAD_FEATURE
    props = feature.get("properties")
    geometry = feature.get("geometry")
    if not isinstance(props, dict | None) or not isinstance(geometry, dict):
        return BAD_FEATURE
    if has_nul(props):
        return TEXT_NUL
    return geometry, props or {}


def _line(coords: object) -> list[tuple[float, float]] | str:
    if not isinstance(coords, list) or len(coords) < 2:
        return SHORT_LINE
    out: list[tuple[float, float]] = []
    for pos in coords:
        point = _position(pos)
        if point is None:
            return BAD_POSITION
        out.append(point)
    return out


def _position(pos: object) -> tuple[float, float] | None:
    if not isinstance(pos, list) or len(pos) < 2:
        return None
    lon, lat = pos[0], pos[1]
    if any(isinstance(c, bool) or not isinstance(c, int | float) for c in (lon, lat)):
        return None
    try:
        check_point(float(lon), float(lat))
    except (GeometryError, OverflowError):
        return None
    return float(lon), float(lat)


def _speed(props: dict[str, Any]) -> float | str | None:
    raw = next((props[k] for k in ("speed_kmh", "maxspeed", "speed") if k in props), None)
    if raw is None or raw == "":
        return None
    if isinstance(raw, str) and (m := _SPEED.match(raw)):
        raw = float(m.group(1))
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        return BAD_SPEED
    value = float(raw)
    return value if math.isfinite(value) and 0 < value <= MAX_SPEED_KMH else BAD_SPEED


def _oneway(props: dict[str, Any]) -> int | str:
    raw = props.get("oneway")
    if raw is None:
        return 0
    key = str(raw).strip().lower() if not isinstance(raw, bool) else str(raw).lower()
    return _ONEWAY.get(key, BAD_ONEWAY)


def parse_roads(text: str) -> list[Road]:
    """The roads of a GeoJSON file; raises MalformedFile or FeatureProblems."""
    problems: list[tuple[int, str]] = []
    roads: list[Road] = []
    for n, feature in enumerate(_features(text), start=1):
        found = _road(feature)
        if isinstance(found, str):
            problems.append((n, found))
        else:
            roads.extend(found)
    if problems:
        raise FeatureProblems(problems)
    if not roads:
        raise FeatureProblems([(1, NO_LINES)])
    return roads


def _road(feature: object) -> list[Road] | str:
    parts = _geometry(feature)
    if isinstance(parts, str):
        return parts
    geometry, props = parts
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "LineString":
        lines: list[object] = [coords]
    elif kind == "MultiLineString" and isinstance(coords, list) and coords:
        lines = list(coords)
    else:
        return NOT_A_LINE
    speed, oneway = _speed(props), _oneway(props)
    if isinstance(speed, str):
        return speed
    if isinstance(oneway, str):
        return oneway
    out: list[Road] = []
    for coords_ in lines:
        line = _line(coords_)
        if isinstance(line, str):
            return line
        out.append(Road(line[::-1] if oneway < 0 else line, speed, oneway != 0))
    return out


def parse_residents(text: str) -> list[Place]:
    """The resident places of a GeoJSON file; raises MalformedFile or FeatureProblems."""
    problems: list[tuple[int, str]] = []
    places: list[Place] = []
    for n, feature in enumerate(_features(text), start=1):
        found = _place(n, feature)
        if isinstance(found, str):
            problems.append((n, found))
        else:
            places.append(found)
    if problems:
        raise FeatureProblems(problems)
    if not places:
        raise FeatureProblems([(1, NO_PLACES)])
    return places


def _place(n: int, feature: object) -> Place | str:
    parts = _geometry(feature)
    if isinstance(parts, str):
        return parts
    geometry, props = parts
    raw = props.get("population", props.get("pop"))
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_POPULATION:
        return BAD_POPULATION
    kind = geometry.get("type")
    if kind == "Point":
        point = _position(geometry.get("coordinates"))
        return BAD_POSITION if point is None else Place(n, point[0], point[1], raw)
    if kind not in ("Polygon", "MultiPolygon"):
        return NOT_A_PLACE
    try:
        check_boundary(geometry)
    except GeometryError:
        return BAD_CELL
    except (TypeError, ValueError, OverflowError):
        return BAD_POSITION
    centre = shapely.geometry.shape(geometry).representative_point()
    return Place(n, float(centre.x), float(centre.y), raw)


def outside(places: list[Place], boundary: dict[str, Any]) -> list[tuple[int, str]]:
    """The places not inside ``boundary`` (a GeoJSON Polygon or MultiPolygon)."""
    shape = shapely.geometry.shape(boundary)
    if not shape.is_valid:
        shape = shapely.validation.make_valid(shape)
    shapely.prepare(shape)
    points = shapely.points([(p.lon, p.lat) for p in places])
    inside = shapely.covers(shape, points)
    return [(p.feature, OUTSIDE) for p, ok in zip(places, inside, strict=True) if not ok]
