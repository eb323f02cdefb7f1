"""The indices API: rankings and values scoped to the caller's units, entering and importing
values, recomputing on demand, catalogue versions; bad input refused with 422."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.evaluation.catalogue import SEED
from tests.integration.evaluation.indices.indices_world import seeded
from tests.integration.workorders.wo_factory import NOW, World

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
    return Api(client, session, seeded(session))


def test_a_recompute_on_demand_ranks_the_stations_each_seeing_its_own(api: Api) -> None:
    assert api("officer", "POST", "/recompute", json={"period": "2026-11"}).status_code == 403
    r = api("director", "POST", "/recompute", json={"period": "2026-11"})
    assert r.status_code == 200, r.text
    assert r.json()["periods"] == ["2026-11", "2026-Q4"]
    ranked = api("director", "GET", "/indices?index=kpi.satisfaction&period=2026-11").json()
    codes = [u["unit"] for u in ranked["units"]]
    assert sorted(codes) == ["SA01", "SA02", "SB01"]
    assert ranked["units"][-1]["unit"] == "SB01" and ranked["units"][-1]["value"] is None
    mine = api("officer", "GET", "/indices?index=kpi.satisfaction&period=2026-11").json()
    assert [u["unit"] for u in mine["units"]] == ["SA01"]
    streets = api("director", "GET", "/indices?index=kpi.social&period=2026-Q4&kind=street")
    assert {u["unit"] for u in streets.json()["units"]} == {"SA00", "SB00"}
    assert api("director", "GET", "/indices?index=nope&period=2026-11").status_code == 422


def test_values_carry_their_provenance_and_drill_down_to_their_rows(api: Api) -> None:
    api("director", "POST", "/recompute", json={"period": "2026-11"})
    rows = api("chief", "GET", "/values?period=2026-11&indicator=kpi.satisfaction.response").json()
    assert [r["unit"] for r in rows] == ["SA01"]  # the chief's station only
    assert rows[0]["source"] == "computed" and rows[0]["provenance"]["counts"]["rows"] == 6
    detail = api("chief", "GET", f"/values/{rows[0]['id']}").json()
    assert len(detail["rows"]) == 6 and {r["kind"] for r in detail["rows"]} == {"order"}
    assert sum(r["counted"] for r in detail["rows"]) == 4
    other = api("b_chief", "GET", f"/values/{rows[0]['id']}")
    assert other.status_code == 404


def test_entering_and_importing_values(api: Api) -> None:
    body = {"indicator": "kpi.social.participation", "station": "SA01", "period": "2026-Q4"}
    r = api("chief", "POST", "/values", json={**body, "value": 160})
    assert r.status_code == 422 and r.json()["error"]["fields"]["value"]
    r = api("chief", "POST", "/values", json={**body, "value": 35})
    assert r.status_code == 201 and r.json()["origin"] == "form"
    template = api("director", "GET", "/values-template")
    assert template.status_code == 200 and template.text.startswith("indicator,station")
    bad = b"indicator,station,period,value\nkpi.social.participation,ZZ01,2026-Q4,20\n"
    r = api("director", "POST", "/values/import", files={"file": ("v.csv", bad, "text/csv")})
    assert r.status_code == 422 and r.json()["error"]["fields"] == {"line 2": "未知警务室"}
    good = bad.replace(b"ZZ01", b"SB01")
    r = api("director", "POST", "/values/import", files={"file": ("v.csv", good, "text/csv")})
    assert r.status_code == 201 and r.json() == {"rows": 1}


def test_an_administrator_edits_the_catalogue_as_a_new_version(api: Api) -> None:
    assert [v["version"] for v in api("director", "GET", "/catalogue/versions").json()] == [
        "2026.1"
    ]
    data = json.loads(SEED.read_text())
    data["version"] = "2026.2"
    r = api("director", "POST", "/catalogue/versions", json={"catalogue": data})
    assert r.status_code == 403
    data["categories"][0]["weight"] = 30
    r = api("admin", "POST", "/catalogue/versions", json={"catalogue": data})
    assert r.status_code == 422
    data["categories"][0]["weight"] = 20
    r = api("admin", "POST", "/catalogue/versions", json={"catalogue": data, "note": "x"})
    assert r.status_code == 201 and r.json()["active"] is True
    r = api("admin", "POST", "/catalogue/active", json={"version": "2026.1"})
    assert r.status_code == 200 and r.json()["active"] is True
    assert len(api("officer", "GET", "/indicators").json()) == 32 + 12
