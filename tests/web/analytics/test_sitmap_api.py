"""The situational map's layer API through the app: a layer per viewport in scope, bad
boxes refused with a translated message, layers needing their domain's permission; the
patrol import by upload (all lines or none, audited) and its page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.audit.models import AuditEntry
from jingwu.patrols.models import PatrolRoute
from tests.integration.workorders.wo_factory import NOW, World, make_world

BOX = "bbox=120.09,30.19,120.14,30.22"


class Api:
    def __init__(self, client: TestClient, session: Session, world: World) -> None:
        self.client = client
        self.tokens = {
            name: accounts.create_token(session, SYSTEM, username=tu.username, name="t", now=NOW)
            for name, tu in world.users.items()
        }

    def __call__(self, who: str, method: str, path: str, lang: str = "en", **kw: Any) -> Any:
        self.client.cookies.clear()
        headers = {"Authorization": f"Bearer {self.tokens[who]}", "Accept-Language": lang}
        return self.client.request(method, path, headers=headers, **kw)


@pytest.fixture
def api(client: TestClient, session: Session) -> Api:
    return Api(client, session, make_world(session))


def _line(*coords: tuple[float, float], name: str = "") -> dict[str, Any]:
    geometry = {"type": "LineString", "coordinates": [list(c) for c in coords]}
    return {"type": "Feature", "properties": {"name": name}, "geometry": geometry}


def _file(*features: dict[str, Any]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _upload(api: Api, who: str, content: bytes, unit: str = "SA01", kind: str = "track") -> Any:
    files = {"file": ("round.geojson", content, "application/geo+json")}
    return api(who, "POST", "/api/v1/patrols", data={"unit": unit, "kind": kind}, files=files)


def test_a_chief_imports_routes_and_officers_in_scope_see_them_on_the_map(
    api: Api, session: Session
) -> None:
    r = _upload(api, "chief", _file(_line((120.101, 30.201), (120.108, 30.208), name="早班")))
    assert r.status_code == 201, r.text
    assert r.json()["imported"] == 1 and r.json()["routes"][0]["unit"] == "SA01"
    event = session.scalars(select(AuditEntry).where(AuditEntry.action == "patrols.import")).one()
    assert event.detail["lines"] == 1
    mine = api("officer", "GET", f"/api/v1/analytics/map/patrols?{BOX}&zoom=14").json()
    assert [f["properties"]["name"] for f in mine["features"]] == ["早班"]
    assert mine["coverage"]["hotspots"] == 0
    theirs = api("b_officer", "GET", f"/api/v1/analytics/map/patrols?{BOX}&zoom=14").json()
    assert theirs["features"] == []
    assert [r["name"] for r in api("street", "GET", "/api/v1/patrols").json()] == ["早班"]
    assert api("b_officer", "GET", "/api/v1/patrols").json() == []


@pytest.mark.parametrize(
    ("content", "where"),
    [
        (_file({"type": "Feature", "geometry": {"type": "Point", "coordinates": [120.1, 30.2]}}),
         "feature 1"),
        (_file(_line((120.101, 30.201), (120.108, 30.208)), _line()), "feature 2"),
        (_file(_line((120.101, 30.201), (120.2, 30.201))), "feature 1"),  # leaves SA01
        (_file(), "file"),
    ],
)  # fmt: skip
def test_a_bad_file_is_422_naming_the_line_and_nothing_is_stored(
    api: Api, session: Session, content: bytes, where: str
) -> None:
    r = _upload(api, "chief", content)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert where in error["fields"] and "Nothing imported" in error["message"]
    assert session.scalar(select(func.count()).select_from(PatrolRoute)) == 0


def test_the_refusal_reads_in_chinese(api: Api) -> None:
    files = {"file": ("x.geojson", _file(_line((120.101, 30.201), (120.2, 30.201))))}
    r = api("chief", "POST", "/api/v1/patrols", lang="zh-CN", data={"unit": "SA01"}, files=files)
    assert r.status_code == 422 and "未导入任何内容" in r.json()["error"]["message"]
    assert "超出辖区边界" in r.json()["error"]["message"]


def test_who_may_import_and_where(api: Api) -> None:
    good = _file(_line((120.101, 30.201), (120.108, 30.208)))
    assert _upload(api, "officer", good).status_code == 403
    assert _upload(api, "street", good).status_code == 403
    assert _upload(api, "b_chief", good).status_code == 404  # SA01 is not in SB01's scope
    assert _upload(api, "director", good, unit="SB01").status_code == 422  # not inside SB01
    assert api("inspector", "GET", "/api/v1/patrols").status_code == 403


def test_a_bad_viewport_is_422_with_a_translated_message(api: Api) -> None:
    r = api("officer", "GET", "/api/v1/analytics/map/devices?bbox=121,30,120,31&zoom=12")
    assert r.status_code == 422 and "viewport" in r.json()["error"]["message"]
    zh = api("officer", "GET", "/api/v1/analytics/map/devices?bbox=1,2,3&zoom=12", lang="zh-CN")
    assert zh.status_code == 422 and "地图视口无效" in zh.json()["error"]["message"]
    assert api("officer", "GET", f"/api/v1/analytics/map/nothing?{BOX}&zoom=12").status_code == 422
    assert api("officer", "GET", f"/api/v1/analytics/map/devices?{BOX}&zoom=30").status_code == 422


def test_every_layer_answers_and_the_inspector_has_no_patrols(api: Api) -> None:
    for layer in ("stations", "circles", "residents", "incidents", "hotspots", "orders",
                  "devices", "alerts", "patrols", "uncovered"):  # fmt: skip
        r = api("director", "GET", f"/api/v1/analytics/map/{layer}?{BOX}&zoom=13")
        assert r.status_code == 200, (layer, r.text)
        assert r.json()["layer"] == layer
    assert (
        api("inspector", "GET", f"/api/v1/analytics/map/patrols?{BOX}&zoom=13").status_code == 403
    )
    assert api("partner", "GET", f"/api/v1/analytics/map/stations?{BOX}&zoom=13").status_code == 403


def test_the_patrols_page_lists_and_imports(api: Api) -> None:
    page = api("chief", "GET", "/patrols", lang="zh-CN")
    assert page.status_code == 200 and "巡逻路线" in page.text and 'id="patrol-import"' in page.text
    assert 'id="patrol-import"' not in api("officer", "GET", "/patrols").text
