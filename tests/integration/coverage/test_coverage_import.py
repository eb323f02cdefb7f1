"""Importing road networks and resident grids: all or nothing, errors by feature."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.coverage import service, service_import
from jingwu.coverage.models import (
    CoverageRun,
    ResidentGrid,
    ResidentPlace,
    RoadLine,
    RoadNetwork,
    ServiceCircle,
)
from jingwu.errors import Invalid, NotFound
from tests.factories.org import NOW, make_tree
from tests.integration.coverage.coverage_files import (
    collection,
    line,
    point,
    residents,
    street_grid,
)


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _roads(session: Session, content: bytes) -> RoadNetwork:
    return service_import.import_roads(
        session, SYSTEM, unit="D000", filename="roads.geojson", content=content, now=NOW
    )


def _people(session: Session, content: bytes) -> ResidentGrid:
    return service_import.import_residents(
        session, SYSTEM, unit="D000", filename="people.geojson", content=content, now=NOW
    )


def test_a_network_and_a_grid_give_stored_circles_and_the_share_covered(
    session: Session,
) -> None:
    units = make_tree(session)
    network = _roads(session, street_grid())
    grid = _people(session, residents())
    runs = service.compute(session, SYSTEM, unit="D000", now=NOW)
    assert network.lines == 30
    assert _count(session, RoadLine) == 30
    assert (grid.places, grid.population) == (3, 1000)
    walk = next(r for r in runs if r.mode == "walk")
    drive = next(r for r in runs if r.mode == "drive")
    assert (walk.method, walk.stations) == ("network", 1)  # only SA01 has a point
    assert (walk.covered, walk.total) == (800, 1000)
    assert drive.covered == 1000
    assert walk.uncovered[0]["population"] == 200
    assert walk.suggestions[0]["adds"] == 200
    circles = session.scalars(select(ServiceCircle)).all()
    assert {(c.unit_id, c.mode) for c in circles} == {
        (units["SA01"].id, "walk"),
        (units["SA01"].id, "drive"),
    }
    assert all(c.geometry["type"] in ("Polygon", "MultiPolygon") for c in circles)


def test_without_a_network_the_circles_are_straight_line_and_say_so(session: Session) -> None:
    make_tree(session)
    _people(session, residents())
    runs = service.compute(session, SYSTEM, unit="D000", now=NOW)
    assert {r.method for r in runs} == {"straight_line"}
    assert {c.method for c in session.scalars(select(ServiceCircle))} == {"straight_line"}


def test_computing_again_replaces_the_stored_circles(session: Session) -> None:
    make_tree(session)
    service.compute(session, SYSTEM, unit="D000", now=NOW)
    service.compute(session, SYSTEM, unit="D000", now=NOW)
    assert _count(session, ServiceCircle) == 2
    assert _count(session, CoverageRun) == 2


def test_a_road_file_without_linestrings_is_refused_naming_the_features(
    session: Session,
) -> None:
    make_tree(session)
    content = collection([point(120.105, 30.205, 1), point(120.106, 30.206, 1)])
    with pytest.raises(Invalid) as caught:
        _roads(session, content)
    assert caught.value.params["n"] == 1
    assert caught.value.params["count"] == 2
    assert set(caught.value.fields) == {"feature 1", "feature 2"}
    assert _count(session, RoadNetwork) == _count(session, RoadLine) == 0


def test_one_bad_line_among_good_ones_imports_nothing(session: Session) -> None:
    make_tree(session)
    good = line([(120.1, 30.2), (120.11, 30.2)])
    bad_speed = line([(120.1, 30.2), (120.1, 30.21)], maxspeed="fast")
    short = line([(120.1, 30.2)])
    with pytest.raises(Invalid) as caught:
        _roads(session, collection([good, bad_speed, short]))
    assert caught.value.fields == {
        "feature 2": "speed must be a number of km/h above 0 and at most 200",
        "feature 3": "a line needs at least two positions",
    }
    assert _count(session, RoadLine) == 0


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"type": "Feature"}', b"\xff\xfe", b'{"type": "FeatureCollection"}'],
)
def test_a_malformed_file_is_refused(session: Session, content: bytes) -> None:
    make_tree(session)
    with pytest.raises(Invalid, match="Nothing imported"):
        _roads(session, content)
    assert _count(session, RoadNetwork) == 0


def test_a_resident_grid_outside_the_district_is_refused(session: Session) -> None:
    make_tree(session)
    content = collection([point(120.105, 30.205, 10), point(121.5, 31.2, 10)])
    with pytest.raises(Invalid) as caught:
        _people(session, content)
    assert caught.value.fields == {"feature 2": "outside the unit's boundary"}
    assert _count(session, ResidentGrid) == _count(session, ResidentPlace) == 0


def test_a_self_intersecting_cell_and_a_bad_population_are_refused(session: Session) -> None:
    make_tree(session)
    bow = [[120.101, 30.201], [120.103, 30.203], [120.103, 30.201], [120.101, 30.203]]
    cell = {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [[*bow, bow[0]]]},
        "properties": {"population": 5},
    }
    with pytest.raises(Invalid) as caught:
        _people(session, collection([cell, point(120.105, 30.205, -3)]))
    assert caught.value.fields == {
        "feature 1": "the cell is not a simple polygon (self-intersecting or open)",
        "feature 2": "population must be a whole number from 0 to 10,000,000",
    }


def test_cells_count_at_their_centre(session: Session) -> None:
    make_tree(session)
    ring = [[120.101, 30.201], [120.103, 30.201], [120.103, 30.203], [120.101, 30.203]]
    cell = {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
        "properties": {"pop": 40},
    }
    grid = _people(session, collection([cell]))
    place = session.scalars(select(ResidentPlace).where(ResidentPlace.grid_id == grid.id)).one()
    assert (round(place.lon, 3), round(place.lat, 3), place.population) == (120.102, 30.202, 40)


def test_a_unit_outside_the_scope_is_not_found(session: Session) -> None:
    make_tree(session)
    with pytest.raises(NotFound):
        service_import.import_roads(
            session, SYSTEM, unit="NOPE", filename="r.geojson", content=street_grid(), now=NOW
        )
