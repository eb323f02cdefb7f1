"""The spot-check API: documented statuses, bounded inputs, scope, the error shape."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.evaluation.checks import sheet
from jingwu.evaluation.checks.models import CheckDraw, SurveyImport
from jingwu.evidence.logkeys import load_log_keys
from jingwu.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.evaluation.checks.checks_world import sign
from tests.integration.workorders.wo_factory import NOW, World, make_world

BASE = "/api/v1/evaluation"


class Api:
    def __init__(self, client: TestClient, session: Session, world: World) -> None:
        self.client = client
        self.tokens = {
            name: accounts.create_token(session, SYSTEM, username=tu.username, name="t", now=NOW)
            for name, tu in world.users.items()
        }

    def __call__(self, who: str, method: str, path: str, **kw: Any) -> Any:
        self.client.cookies.clear()
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.client.request(method, BASE + path, headers=headers, **kw)


@pytest.fixture
def api(client: TestClient, session: Session) -> Api:
    return Api(client, session, make_world(session))


def _commit(api: Api, who: str = "inspector", **over: Any) -> Any:
    body = {"kind": "station", "unit": "D000", "period": "2026-11", "quota": "2"}
    return api(who, "POST", "/draws", json={**body, **over})


def test_a_draw_through_the_api_from_commitment_to_verification(
    api: Api, session: Session, runtime: Runtime, clock: FrozenClock
) -> None:
    r = _commit(api)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["code"] == "D000-202611-S" and made["seed"] is None and made["pairs"] == []
    assert made["commit_log_index"] is not None
    again = _commit(api, quota="3")
    assert again.status_code == 409 and again.json()["error"]["code"] == "committed"
    r = api("inspector", "POST", "/draws/D000-202611-S/draw")
    assert r.status_code == 200 and len(r.json()["pairs"]) == 2 and r.json()["seed"]
    target = r.json()["pairs"][0]["target"]
    r = api(
        "inspector",
        "POST",
        "/draws/D000-202611-S/outcomes",
        json={"target": target, "status": "done"},
    )
    assert r.status_code == 200 and r.json()["pairs"][0]["status"] == "done"
    sign(session, load_log_keys(runtime.settings), clock.now)
    r = api("director", "GET", "/draws/D000-202611-S/verification")
    assert r.status_code == 200 and r.json()["ok"] is True
    listed = api("officer", "GET", "/draws?year=2026").json()
    assert listed == []  # the officer's scope is a station; the draw is the district's
    listed = api("director", "GET", "/draws?year=2026&kind=station").json()
    assert [d["code"] for d in listed] == ["D000-202611-S"] and listed[0]["recorded"] == 1
    cover = api("director", "GET", "/coverage?year=2026").json()
    assert cover["stations"] == 3 and cover["checked"] == 2 and cover["target"] == 1.0
    assert api("officer", "GET", "/published-checks?year=2026").json() == []
    published = api("director", "GET", "/published-checks?year=2026").json()
    assert len(published) == 2 and not any("inspector" in str(p) for p in published)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"kind": "people"}, 422, "kind"),
        ({"unit": "D000; drop"}, 422, "unit"),
        ({"period": "2026-13"}, 422, "period"),
        ({"team": 9}, 422, "team"),
        ({"extra": 1}, 422, "extra"),
        ({"quota": "x"}, 422, None),
        ({"unit": "SB00"}, 422, "unit"),  # outside the street head's scope: unknown
    ],
)
def test_bad_draw_input_is_a_422_naming_the_field(
    api: Api, session: Session, body: dict[str, Any], status: int, field: str | None
) -> None:
    r = _commit(api, "street", **{"unit": "SA00", **body})
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["message"]
    if field:
        assert any(field in name for name in error["fields"]), error
    assert session.scalar(select(func.count()).select_from(CheckDraw)) == 0


def test_roles_and_scope_are_enforced(api: Api) -> None:
    assert _commit(api, "officer").status_code == 403
    assert api("partner", "GET", "/draws?year=2026").status_code == 403
    assert _commit(api).status_code == 201
    assert api("street", "GET", "/draws/D000-202611-S").status_code == 404
    assert api("street", "POST", "/draws/D000-202611-S/draw").status_code == 404
    assert api("director", "GET", "/draws?year=1999").status_code == 422
    assert api("director", "GET", "/draws").status_code == 200  # this year by default
    assert api("director", "GET", "/draws/bad%20code").status_code == 422
    anonymous = api.client.get(BASE + "/draws?year=2026")
    assert anonymous.status_code == 401


def test_visits_experts_surveys_and_indicator_values(api: Api, session: Session) -> None:
    visit = {
        "station": "SA01",
        "visited_at": "2026-11-20T10:30:00+08:00",
        "visitor": "V01",
        "scenario": "phone",
        "scores": {i.id: i.points for i in sheet.SHEET},
    }
    r = api("inspector", "POST", "/mystery-visits", json=visit)
    assert r.status_code == 201 and r.json()["passed"] is True and r.json()["half"] == "2026-H2"
    bad = {**visit, "scores": {"reception.wait": 3}}
    assert api("inspector", "POST", "/mystery-visits", json=bad).status_code == 422
    half = api("director", "GET", "/mystery-visits?half=2026-H2").json()
    assert half["n"] == 1 and half["enough"] is False and half["mean"] == 100.0
    r = api(
        "director",
        "POST",
        "/experts",
        json={"unit": "D000", "name": "周敏", "field": "expert.psychology"},
    )
    assert r.status_code == 201 and r.json()["code"] == "D000-EX001"
    r = api(
        "inspector",
        "POST",
        "/expert-reviews",
        json={
            "expert": "D000-EX001",
            "unit": "SA01",
            "reviewed_on": "2026-11-02",
            "score": 91,
            "text": "接待用语亲切，疏导得当。",
        },
    )
    assert r.status_code == 201 and r.json()["field"] == "expert.psychology"
    assert api("director", "GET", "/experts?year=2026").json()["fields_covered"] == 1
    csv = (
        b"unit,period,indicator,respondents,score,share\n"
        b"SA01,2026-Q4,kpi.satisfaction.environment,100,84,\n"
    )
    r = api("street", "POST", "/surveys", files={"file": ("q4.csv", csv, "text/csv")})
    assert r.status_code == 201 and r.json()["unit"] == "SA00" and r.json()["rows"] == 1
    r = api("street", "POST", "/surveys", files={"file": ("q4.csv", csv, "text/csv")})
    assert r.status_code == 409
    r = api("street", "POST", "/surveys", files={"file": ("x.csv", b"nope\n", "text/csv")})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"line 1": "列名不符"}
    assert session.scalar(select(func.count()).select_from(SurveyImport)) == 1
    values = api(
        "director", "GET", "/indicator-values?indicator=kpi.satisfaction.environment"
    ).json()
    (value,) = values
    assert value["unit"] == "SA01" and value["period"] == "2026-Q4"
    assert value["value"] == pytest.approx((84 + 100) / 2)  # the survey and the visit
    assert value["provenance"]["kind"] == "combined"


def test_every_evaluation_check_route_documents_its_statuses(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = {p: ops for p, ops in spec["paths"].items() if p.startswith(BASE)}
    assert len(paths) >= 12
    for path, ops in paths.items():
        for method, op in ops.items():
            codes = set(op["responses"])
            assert {"401", "403"} <= codes, (method, path)
            if method == "post" or op.get("parameters"):
                assert "422" in codes, (method, path)
