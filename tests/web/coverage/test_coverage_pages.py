"""The coverage page through the ASGI client: shares, places, sites, the 8-minute table."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.coverage import service, service_import
from tests.conftest import FrozenClock
from tests.factories.accounts import sign_in
from tests.integration.coverage.coverage_files import residents, street_grid
from tests.integration.workorders.wo_factory import NOW, World, make_world
from tests.untranslated import english


@pytest.fixture
def world(session: Session) -> World:
    w = make_world(session)
    for importer, content in (
        (service_import.import_roads, street_grid()),
        (service_import.import_residents, residents()),
    ):
        importer(session, SYSTEM, unit="D000", filename="demo.geojson", content=content, now=NOW)
    service.compute(session, SYSTEM, unit="D000", now=NOW)
    return w


def test_a_director_sees_the_share_the_places_and_the_sites_in_chinese(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    assert sign_in(client, world.users["director"], clock.now).status_code == 303
    page = client.get("/coverage")
    assert page.status_code == 200
    assert 'id="share-d000">80.0 %' in page.text
    assert "按路网计算" in page.text and 'id="uncovered-d000"' in page.text
    assert 'id="suggestions-d000"' in page.text and 'id="cov-map"' in page.text
    assert english(page.text) == []
    drive = client.get("/coverage?mode=drive")
    assert 'id="share-d000">100.0 %' in drive.text
    in_english = client.get("/coverage?lang=en")
    assert "Over the road network" in in_english.text


def test_a_station_officer_sees_their_circle_but_not_the_districts_share(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    assert sign_in(client, world.users["officer"], clock.now).status_code == 303
    page = client.get("/coverage").text
    assert 'id="no-runs"' in page
    assert page.count('<tr><td translate="no">单位SA01</td>') == 1


def test_the_map_layers_hold_boundaries_circles_places_and_sites(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    assert sign_in(client, world.users["director"], clock.now).status_code == 303
    layers = client.get("/api/v1/coverage/map?mode=walk").json()
    kinds = {f["properties"]["layer"] for f in layers["features"]}
    assert kinds == {"boundary", "station", "circle", "uncovered", "suggestion"}


def test_the_dashboard_shows_the_share_within_15_minutes_walk(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    assert sign_in(client, world.users["director"], clock.now).status_code == 303
    page = client.get("/").text
    assert "步行 15 分钟内可达居民" in page and "80.0 %" in page
