"""The coverage API: imports by upload, circles, runs, the 8-minute table, errors, roles."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.coverage.models import RoadNetwork
from tests.integration.coverage.coverage_files import collection, point, residents, street_grid
from tests.integration.workorders.wo_factory import NOW, World, make_world

BASE = "/api/v1/coverage"


class Api:
    def __init__(self, client: TestClient, session: Session, world: World) -> None:
        self.client = client
        self.tokens = {
            name: accounts.create_token(session, SYSTEM, username=tu.username, name="t", now=NOW)
            for name, tu in world.users.items()
        }

    def __call__(self, who: str, method: str, path: str, **kw: Any) -> Any:
        self.client.cookies.clear()
        headers = {"Authorization": f"Bearer {self.tokens[who]}", "Accept-Language": "en"}
        return self.client.request(method, BASE + path, headers=headers, **kw)


@pytest.fixture
def api(client: TestClient, session: Session) -> Api:
    return Api(client, session, make_world(session))


def _upload(api: Api, who: str, path: str, content: bytes, unit: str = "D000") -> Any:
    files = {"file": ("data.geojson", content, "application/geo+json")}
    return api(who, "POST", path, data={"unit": unit}, files=files)


def test_a_director_imports_and_everyone_in_scope_reads_the_circles(api: Api) -> None:
    r = _upload(api, "director", "/networks", street_grid())
    assert r.status_code == 201, r.text
    assert r.json()["lines"] == 30
    r = _upload(api, "director", "/grids", residents())
    assert r.status_code == 201, r.text
    assert r.json()["population"] == 1000
    runs = api("director", "GET", "/runs").json()
    walk = next(x for x in runs if x["mode"] == "walk")
    assert (walk["unit"], walk["method"], walk["share"]) == ("D000", "network", 0.8)
    assert walk["suggestions"][0]["population"] == 200
    circles = api("officer", "GET", "/circles?mode=walk").json()
    assert [c["station"] for c in circles] == ["SA01"]
    assert circles[0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert api("b_officer", "GET", "/circles").json() == []
    assert api("officer", "GET", "/response").status_code == 200
    again = api("director", "POST", "/compute", json={"unit": "d000"})
    assert again.status_code == 200 and len(again.json()) == 2


def test_a_bad_file_is_422_naming_the_features_and_nothing_is_stored(
    api: Api, session: Session
) -> None:
    r = _upload(api, "director", "/networks", collection([point(120.1, 30.2, 1)]))
    assert r.status_code == 422
    error = r.json()["error"]
    assert "feature 1" in error["message"]
    assert error["fields"] == {
        "feature 1": "not a LineString (a road is a LineString or MultiLineString)"
    }
    assert session.scalar(select(func.count()).select_from(RoadNetwork)) == 0
    r = _upload(api, "director", "/grids", collection([point(121.5, 31.2, 10)]))
    assert r.status_code == 422
    assert r.json()["error"]["fields"] == {"feature 1": "outside the unit's boundary"}


def test_only_directors_and_administrators_import(api: Api) -> None:
    assert _upload(api, "chief", "/networks", street_grid()).status_code == 403
    assert _upload(api, "director", "/networks", street_grid(), unit="NOPE").status_code == 404
    assert api("partner", "GET", "/circles").status_code == 403
