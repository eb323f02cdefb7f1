from __future__ import annotations

import json

import pytest

from jingwu.org import importer
from tests.factories.org import org_code, square

HEADER = "kind,parent_code,name,short_code,division_code,org_code,lon,lat,floor_area_m2\n"


def test_a_good_csv_parses_every_row() -> None:
    text = HEADER + f"community,SA00,新社区警务室,SA09,330106001009,{org_code()},120.1,30.2,65\n"
    units = importer.parse_csv(text)
    assert units[0].short_code == "SA09" and units[0].floor_area_m2 == 65


def test_bad_rows_are_reported_by_line_with_the_reason() -> None:
    text = (
        HEADER
        + f"community,SA00,好的,SA09,330106001009,{org_code()},120.1,30.2,65\n"
        + "community,SA00,缺代码,,330106001009,X,120.1,30.2,65\n"
        + f"community,SA00,坏坐标,SA10,330106001010,{org_code()},720.1,30.2,65\n"
        + f"community,SA00,坏代码,SA11,330106001011,{org_code()[:-1]}Z,120.1,30.2,65\n"
    )
    with pytest.raises(importer.ImportProblems) as exc:
        importer.parse_csv(text)
    lines = dict(exc.value.problems)
    assert set(lines) == {3, 4, 5}
    assert "short_code" in lines[3]
    assert "lon" in lines[4]
    assert "check character" in lines[5]


def test_geojson_features_carry_boundaries() -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": square(120.1, 30.2),
                "properties": {
                    "kind": "community",
                    "parent_code": "SA00",
                    "name": "边界社区警务室",
                    "short_code": "SA12",
                    "division_code": "330106001012",
                    "org_code": org_code(),
                },
            }
        ],
    }
    units = importer.parse_geojson(json.dumps(doc))
    assert units[0].boundary is not None


def test_an_open_ring_is_refused() -> None:
    bad = square(120.1, 30.2)
    bad["coordinates"][0].pop()
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": bad,
                "properties": {
                    "kind": "community",
                    "parent_code": "SA00",
                    "name": "开口",
                    "short_code": "SA13",
                    "division_code": "330106001013",
                    "org_code": org_code(),
                },
            }
        ],
    }
    with pytest.raises(importer.ImportProblems, match="ring"):
        importer.parse_geojson(json.dumps(doc))
