"""The demo's synthetic street grid and residents are valid files of the right size."""

from __future__ import annotations

from jingwu.coverage import demo, geojson

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [
            [120.105, 30.262],
            [120.1485, 30.262],
            [120.1485, 30.304],
            [120.105, 30.304],
            [120.105, 30.262],
        ]
    ],
}


def test_the_demo_streets_are_a_valid_road_file_with_a_park_left_out() -> None:
    roads = geojson.parse_roads(demo.roads((120.105, 30.262, 120.1485, 30.304)).decode())
    assert len(roads) > 30
    assert any(r.oneway for r in roads) and any(r.speed_kmh == 50 for r in roads)
    inside_park = [p for r in roads for p in r.coords if demo._in_park(*p)]
    assert inside_park == []


def test_the_demo_residents_lie_inside_the_district_and_add_up() -> None:
    places = geojson.parse_residents(demo.residents(SQUARE, 186_000).decode())
    assert geojson.outside(places, SQUARE) == []
    assert abs(sum(p.population for p in places) - 186_000) < len(places)
