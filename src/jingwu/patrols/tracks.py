"""Patrol lines read from GeoJSON or GPX, checked, and measured against hotspot cells (pure).

A file holds one or more lines: GeoJSON LineStrings or MultiLineStrings (each part a line),
or GPX tracks (each segment a line) and routes. Every problem is collected, so that a refusal
names all of them; the caller stores the file's lines all or none.
"""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import shapely
import shapely.geometry

from jingwu.geo import haversine_m

MAX_LINES = 2_000
MAX_POINTS = 50_000  # per line: a day's GPS track at one point every two seconds

# Reasons, English message ids translated at the edge.
NOT_A_LINE = "not a LineString"
EMPTY = "an empty line (fewer than two distinct positions)"
BAD_POSITION = "a position is not [longitude, latitude] in range"
TOO_LONG = "more than 50,000 positions"
OUTSIDE = "leaves the district's boundary"

Position = tuple[float, float]
Box = tuple[float, float, float, float]  # west, south, east, north


class MalformedFile(ValueError):
    """The file is neither a GeoJSON object nor a GPX document."""


class LineProblems(ValueError):
    """Lines that cannot be imported: (where, reason) pairs, the first first."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class Line:
    """One patrol line: where it came from in the file, its name and its positions."""

    where: str  # "feature 3", "track 1 segment 2"
    name: str
    coords: tuple[Position, ...]

    @property
    def bbox(self) -> Box:
        lons = [p[0] for p in self.coords]
        lats = [p[1] for p in self.coords]
        return min(lons), min(lats), max(lons), max(lats)

    @property
    def length_m(self) -> float:
        return sum(haversine_m(*a, *b) for a, b in zip(self.coords, self.coords[1:], strict=False))


def parse(text: str) -> list[Line]:
    """The lines of a GeoJSON or GPX text; MalformedFile or LineProblems when it has none
    or any line is bad."""
    head = text.lstrip()[:1]
    lines, problems = _gpx(text) if head == "<" else _geojson(text)
    if not lines and not problems:
        problems.append(("file", "holds no line"))
    if len(lines) > MAX_LINES:
        problems.append(("file", f"holds more than {MAX_LINES} lines"))
    if problems:
        raise LineProblems(problems)
    return lines


def _check(where: str, name: str, raw: object) -> Line | tuple[str, str]:
    """A line from raw positions, or the reason it is refused."""
    if not isinstance(raw, list):
        return where, NOT_A_LINE
    if len(raw) > MAX_POINTS:
        return where, TOO_LONG
    coords: list[Position] = []
    for pos in raw:
        if not isinstance(pos, list | tuple) or len(pos) < 2:
            return where, BAD_POSITION
        lon, lat = pos[0], pos[1]
        if any(isinstance(c, bool) or not isinstance(c, int | float) for c in (lon, lat)):
            return where, BAD_POSITION
        lon, lat = float(lon), float(lat)
        if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
            return where, BAD_POSITION
        if not coords or coords[-1] != (lon, lat):
            coords.append((lon, lat))
    if len(coords) < 2:
        return where, EMPTY
    return Line(where, name[:120], tuple(coords))


def _collect(
    found: list[Line | tuple[str, str]],
) -> tuple[list[Line], list[tuple[str, str]]]:
    lines = [f for f in found if isinstance(f, Line)]
    problems = [f for f in found if not isinstance(f, Line)]
    return lines, problems


def _geojson(text: str) -> tuple[list[Line], list[tuple[str, str]]]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedFile(f"not JSON (line {exc.lineno})") from None
    if not isinstance(doc, dict):
        raise MalformedFile("not a GeoJSON object")
    if doc.get("type") == "FeatureCollection" and isinstance(doc.get("features"), list):
        features = doc["features"]
    elif doc.get("type") == "Feature":
        features = [doc]
    elif "coordinates" in doc:
        features = [{"type": "Feature", "geometry": doc, "properties": {}}]
    else:
        raise MalformedFile("not a GeoJSON feature collection")
    found: list[Line | tuple[str, str]] = []
    for n, feature in enumerate(features, start=1):
        found.extend(_feature(f"feature {n}", feature))
    return _collect(found)


def _feature(where: str, feature: Any) -> list[Line | tuple[str, str]]:
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    props = feature.get("properties") if isinstance(feature, dict) else None
    name = str((props or {}).get("name") or "") if isinstance(props, dict) else ""
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if kind == "LineString":
        return [_check(where, name, coords)]
    if kind == "MultiLineString" and isinstance(coords, list) and coords:
        return [_check(f"{where} part {i}", name, c) for i, c in enumerate(coords, start=1)]
    if kind == "MultiLineString":
        return [(where, EMPTY)]
    return [(where, NOT_A_LINE)]


_DECLARATION = re.compile(r"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _gpx(text: str) -> tuple[list[Line], list[tuple[str, str]]]:
    if _DECLARATION.search(text):  # no entity expansion, no external references
        raise MalformedFile("a GPX file may not declare a DOCTYPE or entities")
    try:
        root = ET.fromstring(text)  # noqa: S314 - declarations refused above
    except ET.ParseError as exc:
        raise MalformedFile(f"not well-formed XML (line {exc.position[0]})") from None
    if _local(root.tag) != "gpx":
        raise MalformedFile("not a GPX document")
    found: list[Line | tuple[str, str]] = []
    for t, trk in enumerate((e for e in root if _local(e.tag) == "trk"), start=1):
        name = _name(trk)
        segments = [e for e in trk if _local(e.tag) == "trkseg"]
        if not segments:
            found.append((f"track {t}", EMPTY))
        for s, seg in enumerate(segments, start=1):
            found.append(_check(f"track {t} segment {s}", name, _points(seg, "trkpt")))
    for r, rte in enumerate((e for e in root if _local(e.tag) == "rte"), start=1):
        found.append(_check(f"route {r}", _name(rte), _points(rte, "rtept")))
    return _collect(found)


def _name(element: ET.Element) -> str:
    for child in element:
        if _local(child.tag) == "name" and child.text:
            return child.text.strip()
    return ""


def _points(element: ET.Element, tag: str) -> list[Any]:
    out: list[Any] = []
    for pt in element:
        if _local(pt.tag) != tag:
            continue
        try:
            out.append([float(pt.attrib["lon"]), float(pt.attrib["lat"])])
        except (KeyError, ValueError):
            out.append(None)
    return out


def outside(lines: Sequence[Line], boundary: dict[str, Any]) -> list[tuple[str, str]]:
    """The lines that leave ``boundary`` (a GeoJSON Polygon or MultiPolygon)."""
    shape = shapely.geometry.shape(boundary)
    if not shape.is_valid:
        shape = shapely.make_valid(shape)
    shapely.prepare(shape)
    geoms = [shapely.linestrings(list(line.coords)) for line in lines]
    inside = shapely.covers(shape, geoms)
    return [(line.where, OUTSIDE) for line, ok in zip(lines, inside, strict=True) if not ok]


def covered_cells(cells: Sequence[Box], lines: Sequence[Sequence[Position]]) -> list[bool]:
    """For each cell (west, south, east, north), whether any line passes through it
    (touching its edge counts)."""
    if not cells:
        return []
    if not lines:
        return [False] * len(cells)
    tree = shapely.STRtree([shapely.linestrings(list(c)) for c in lines])
    boxes = [shapely.box(*c) for c in cells]
    hits = tree.query(boxes, predicate="intersects")
    covered = [False] * len(cells)
    for i in set(hits[0].tolist()):
        covered[i] = True
    return covered
