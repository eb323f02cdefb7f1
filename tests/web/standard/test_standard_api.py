"""The standard's JSON API: versions, scorecards, module mix, bad versions, roles."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.standard.models import StandardVersionRow
from jingwu.standard.requirements import shipped, version_to_data
from tests.integration.workorders.wo_factory import NOW, World, make_world

BASE = "/api/v1/standard"


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


def test_versions_and_scorecards_are_read_in_scope(api: Api) -> None:
    versions = api("chief", "GET", "/versions").json()
    assert [v["version"] for v in versions] == ["1.0", "2.0"]
    cards = api("street", "GET", "/scorecards?version=2.0").json()
    assert sorted(c["station"] for c in cards) == ["SA01", "SA02"]
    one = api("chief", "GET", "/scorecards/SA01").json()
    statuses = {v["requirement"]: v["status"] for v in one["verdicts"]}
    assert statuses["org4.floor_area"] == "met" and one["version"] == "1.0"
    assert api("chief", "GET", "/scorecards/SB01").status_code == 404
    assert api("partner", "GET", "/scorecards").status_code == 403
    mix = api("director", "GET", "/stations/SA01/modules").json()
    assert [m["expected"] for m in mix["modules"]] == [40, 30, 30]


def test_an_inconsistent_version_is_422_and_nothing_is_stored(api: Api, session: Session) -> None:
    data = version_to_data(shipped("1.0"))
    data["version"] = "3.0"
    data["requirements"][0]["measure"]["params"]["min"] = 95
    files = {"file": ("v3.json", json.dumps(data).encode(), "application/json")}
    r = api("admin", "POST", "/versions", files=files)
    assert r.status_code == 422
    assert "above its maximum" in r.json()["error"]["message"]
    assert session.scalar(select(func.count()).select_from(StandardVersionRow)) == 0
    assert api("director", "POST", "/versions", files=files).status_code == 403
    data["requirements"][0]["measure"]["params"]["min"] = 50
    files = {"file": ("v3.json", json.dumps(data).encode(), "application/json")}
    assert api("admin", "POST", "/versions", files=files).status_code == 201
    assert api("admin", "POST", "/versions", files=files).status_code == 409


def test_the_chief_assesses_through_the_api_and_only_the_inspector_verifies(api: Api) -> None:
    body = {"requirement": "zone.accessibility", "claims_met": True, "note": "翻译机"}
    r = api("chief", "POST", "/stations/SA01/assessments", json=body)
    assert r.status_code == 201, r.text
    assessment = r.json()["id"]
    files = {"file": ("a.jpg", b"\xff\xd8", "image/jpeg")}
    r = api(
        "chief",
        "POST",
        f"/assessments/{assessment}/files",
        data={"evidence_kind": "photos"},
        files=files,
    )
    assert r.status_code == 201, r.text
    assert (
        api(
            "chief", "POST", f"/assessments/{assessment}/verification", json={"accept": True}
        ).status_code
        == 403
    )
    r = api("inspector", "POST", f"/assessments/{assessment}/verification", json={"accept": True})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
