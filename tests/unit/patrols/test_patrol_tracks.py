"""Patrol lines from GeoJSON and GPX: what is read, what is refused (every problem named),
and the hotspot cells the lines pass through against an independent segment-box test."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jingwu.patrols import tracks

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[120.0, 30.0], [120.1, 30.0], [120.1, 30.1], [120.0, 30.1], [120.0, 30.0]]],
}


def _fc(*geometries: Any) -> str:
    features = [{"type": "Feature", "geometry": g, "properties": {"name": f"r{i}"}}
                for i, g in enumerate(geometries, start=1)]  # fmt: skip
    return json.dumps({"type": "FeatureCollection", "features": features})


def _line(*coords: tuple[float, float]) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [list(c) for c in coords]}


def test_it_reads_linestrings_and_the_parts_of_multilinestrings() -> None:
    parts = [[[120.01, 30.01], [120.02, 30.02]], [[120.03, 30.03], [120.04, 30.03]]]
    multi = {"type": "MultiLineString", "coordinates": parts}
    lines = tracks.parse(_fc(_line((120.01, 30.01), (120.05, 30.01)), multi))
    assert [ln.where for ln in lines] == ["feature 1", "feature 2 part 1", "feature 2 part 2"]
    assert lines[0].name == "r1"
    assert lines[0].length_m == pytest.approx(3_855, rel=0.01)  # 0.04° of longitude at 30° N
    assert lines[0].bbox == (120.01, 30.01, 120.05, 30.01)


def test_it_reads_gpx_tracks_segments_and_routes() -> None:
    gpx = """<?xml version="1.0"?>
    <gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">
      <trk><name>早班</name>
        <trkseg><trkpt lat="30.01" lon="120.01"/><trkpt lat="30.02" lon="120.02"/></trkseg>
        <trkseg><trkpt lat="30.03" lon="120.03"/><trkpt lat="30.04" lon="120.03"/></trkseg>
      </trk>
      <rte><rtept lat="30.05" lon="120.05"/><rtept lat="30.06" lon="120.06"/></rte>
    </gpx>"""
    lines = tracks.parse(gpx)
    assert [ln.where for ln in lines] == ["track 1 segment 1", "track 1 segment 2", "route 1"]
    assert lines[0].name == "早班"
    assert lines[2].coords == ((120.05, 30.05), (120.06, 30.06))


@pytest.mark.parametrize(
    ("geometry", "reason"),
    [
        ({"type": "Point", "coordinates": [120.0, 30.0]}, tracks.NOT_A_LINE),
        ({"type": "Polygon", "coordinates": SQUARE["coordinates"]}, tracks.NOT_A_LINE),
        (None, tracks.NOT_A_LINE),
        (_line(), tracks.EMPTY),
        (_line((120.01, 30.01)), tracks.EMPTY),
        (_line((120.01, 30.01), (120.01, 30.01)), tracks.EMPTY),
        ({"type": "MultiLineString", "coordinates": []}, tracks.EMPTY),
        (
            {"type": "LineString", "coordinates": [[120.0, 95.0], [120.1, 30.0]]},
            tracks.BAD_POSITION,
        ),
        (
            {"type": "LineString", "coordinates": [["120", 30.0], [120.1, 30.0]]},
            tracks.BAD_POSITION,
        ),
        ({"type": "LineString", "coordinates": "nonsense"}, tracks.NOT_A_LINE),
    ],
)
def test_it_refuses_what_is_not_a_line(geometry: Any, reason: str) -> None:
    good = _line((120.01, 30.01), (120.02, 30.02))
    with pytest.raises(tracks.LineProblems) as caught:
        tracks.parse(_fc(good, geometry))
    assert caught.value.problems == [("feature 2", reason)]


def test_every_problem_is_named_not_only_the_first() -> None:
    text = _fc(_line(), {"type": "Point", "coordinates": [120, 30]}, _line((1, 1), (2, 2)))
    with pytest.raises(tracks.LineProblems) as caught:
        tracks.parse(text)
    assert [w for w, _ in caught.value.problems] == ["feature 1", "feature 2"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{not json",
        "[]",
        '{"type": "Topology"}',
        "<kml></kml>",
        "<gpx><trk>",
        '<!DOCTYPE gpx [<!ENTITY a "aaaa">]><gpx>&a;</gpx>',
    ],
)
def test_a_file_that_is_neither_geojson_nor_gpx_is_malformed(text: str) -> None:
    with pytest.raises((tracks.MalformedFile, tracks.LineProblems)):
        tracks.parse(text)


def test_an_empty_collection_holds_no_line() -> None:
    with pytest.raises(tracks.LineProblems) as caught:
        tracks.parse(_fc())
    assert caught.value.problems == [("file", "holds no line")]


def test_lines_leaving_the_boundary_are_named() -> None:
    lines = tracks.parse(
        _fc(_line((120.01, 30.01), (120.09, 30.09)), _line((120.05, 30.05), (120.2, 30.05)))
    )
    assert tracks.outside(lines, SQUARE) == [("feature 2", tracks.OUTSIDE)]


# An independent check of the hotspot coverage: Liang–Barsky clipping of each segment
# against each cell, no shapely.
def _segment_meets_box(
    a: tuple[float, float], b: tuple[float, float], box: tuple[float, float, float, float]
) -> bool:
    (x0, y0), (x1, y1) = a, b
    w, s, e, n = box
    dx, dy = x1 - x0, y1 - y0
    lo, hi = 0.0, 1.0
    for p, q in ((-dx, x0 - w), (dx, e - x0), (-dy, y0 - s), (dy, n - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        r = q / p
        if p < 0:
            lo = max(lo, r)
        else:
            hi = min(hi, r)
        if lo > hi:
            return False
    return True


coord = st.integers(0, 40).map(lambda i: 120.0 + i * 0.0025)
lat = st.integers(0, 40).map(lambda i: 30.0 + i * 0.0025)
positions = st.lists(st.tuples(coord, lat), min_size=2, max_size=6)


@given(
    cells=st.lists(st.tuples(st.integers(0, 19), st.integers(0, 19)), max_size=25, unique=True),
    lines=st.lists(positions, max_size=4),
)
def test_the_hotspot_cells_covered_match_a_segment_by_segment_count(
    cells: list[tuple[int, int]], lines: list[list[tuple[float, float]]]
) -> None:
    size = 0.005
    boxes = [(120.0 + c * size + 0.0001, 30.0 + r * size + 0.0001,
              120.0 + (c + 1) * size - 0.0001, 30.0 + (r + 1) * size - 0.0001)
             for c, r in cells]  # fmt: skip
    expected = [
        any(_segment_meets_box(p, q, box) for line in lines for p, q in itertools.pairwise(line))
        for box in boxes
    ]
    assert tracks.covered_cells(boxes, lines) == expected
    share = sum(expected) / len(boxes) if boxes else None
    got = sum(tracks.covered_cells(boxes, lines)) / len(boxes) if boxes else None
    assert got == share
