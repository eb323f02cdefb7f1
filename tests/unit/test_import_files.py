"""Import files that are malformed or hostile: one problem with its line or feature number,
never a crash; malformed files (MalformedFile) apart from bad rows (the importers' problems)."""

from __future__ import annotations

import csv
import json
from typing import Any

import pytest

from jingwu import geo
from jingwu.importfiles import MalformedFile, has_nul
from jingwu.iot import devicefile
from jingwu.org import importer
from tests.factories.org import org_code, square

HEADER = "kind,parent_code,name,short_code,division_code,org_code,lon,lat\n"


def _row(short: str = "SA09", **over: str) -> str:
    values = {
        "kind": "community", "parent_code": "SA00", "name": "新社区警务室", "short_code": short,
        "division_code": "330106001009", "org_code": org_code(), "lon": "120.1", "lat": "30.2",
    } | over  # fmt: skip
    return ",".join(values.values()) + "\n"


def _feature(geometry: Any = None, **props: Any) -> dict[str, Any]:
    properties = {
        "kind": "community", "parent_code": "SA00", "name": "边界社区警务室",
        "short_code": "SA12", "division_code": "330106001012", "org_code": org_code(),
    } | props  # fmt: skip
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _collection(*features: Any) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_a_field_over_the_csv_limit_is_a_malformed_file_at_its_line() -> None:
    text = HEADER + _row() + _row("SA10", name="长" * (csv.field_size_limit() + 10))
    with pytest.raises(MalformedFile) as exc:
        importer.parse_csv(text)
    assert exc.value.line == 3 and "field limit" in exc.value.reason


def test_a_nul_byte_is_a_malformed_file_at_its_line() -> None:
    with pytest.raises(MalformedFile) as exc:
        importer.parse_csv(HEADER + _row() + _row("SA10", name="坏\x00名"))
    assert exc.value.line == 3
    with pytest.raises(MalformedFile) as exc:
        devicefile.parse_devices("code,station,class,lon,lat\nA\x00,SA01,environment,1,2\n")
    assert exc.value.line == 2


def test_geojson_nested_a_hundred_thousand_deep_is_malformed() -> None:
    with pytest.raises(MalformedFile, match="nested"):
        importer.parse_geojson("[" * 100_000 + "]" * 100_000)


@pytest.mark.parametrize(
    "text",
    [
        '{"type": "FeatureCollection", "features": {"a": 1}}',
        '{"type": "FeatureCollection", "features": "x"}',
        '{"type": "Feature"}',
        "[1, 2]",
        '{"type": "FeatureCollection", "features": [\x00]}',
        "not json at all",
    ],
)
def test_what_is_not_a_feature_collection_is_malformed(text: str) -> None:
    with pytest.raises(MalformedFile):
        importer.parse_geojson(text)


def test_bad_features_are_named_by_number() -> None:
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[120, 30], [120.1, 30.1], [120.1, 30], [120, 30.1], [120, 30]]],
    }
    text = _collection(
        _feature(square(120.1, 30.2)),
        "a string",
        _feature(square(120.1, 30.2), short_code="SA13", name="零\u0000字节"),
        _feature(bow_tie, short_code="SA14"),
        _feature({"type": "Point", "coordinates": "x"}, short_code="SA15"),
        _feature({"type": "Polygon", "coordinates": [[[10**400, 1]] * 4]}, short_code="SA16"),
        {"type": "Feature", "properties": [1, 2]},
    )
    with pytest.raises(importer.ImportProblems) as exc:
        importer.parse_geojson(text)
    problems = dict(exc.value.problems)
    assert set(problems) == {2, 3, 4, 5, 6, 7}
    assert "NUL" in problems[3] and "simple polygon" in problems[4]


def test_a_deeply_nested_boundary_cell_is_a_bad_row() -> None:
    deep = '"' + "[" * 20_000 + "]" * 20_000 + '"'
    with pytest.raises(importer.ImportProblems) as exc:
        importer.parse_csv(HEADER.replace("\n", ",boundary\n") + _row().replace("\n", f",{deep}\n"))
    assert exc.value.problems[0][0] == 2


def test_boundaries_must_be_simple_polygons_within_the_vertex_limit() -> None:
    geo.check_boundary(square(120.1, 30.2))
    n = geo.MAX_BOUNDARY_VERTICES + 1
    ring = [[120 + 0.01 * k / n, 30.0 + (k % 2) * 0.001] for k in range(n - 1)]
    with pytest.raises(geo.GeometryError, match="at most"):
        geo.check_boundary({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})
    hole_outside = square(120.1, 30.2)
    hole_outside["coordinates"].append(square(121.0, 31.0)["coordinates"][0])
    with pytest.raises(geo.GeometryError, match="simple polygon"):
        geo.check_boundary(hole_outside)
    flat = {"type": "Polygon", "coordinates": [[[1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [1.0, 1.0]]]}
    with pytest.raises(geo.GeometryError):
        geo.check_boundary(flat)


def test_nul_characters_are_found_at_any_depth() -> None:
    value: Any = "x\x00"
    for _ in range(5000):
        value = [value]
    assert has_nul({"a": value}) and not has_nul({"a": [["fine"]]})


def test_duplicate_short_codes_name_the_line_of_the_second() -> None:
    with pytest.raises(importer.ImportProblems) as exc:
        importer.parse_csv(HEADER + _row("SA09") + _row("SA10") + _row("SA09"))
    assert exc.value.problems == [(4, "short code SA09 appears twice (first on 2)")]
