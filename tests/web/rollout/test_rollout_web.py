"""The rollout pages and API: the dashboard in Chinese, a status move from the page, plan
uploads (a bad one is 422 naming its lines, nothing stored), roles, and a city's rankings."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.evaluation.indices.models import IndexResult
from jingwu.rollout.models import RolloutStation, RolloutTarget
from tests.integration.rollout.rollout_world import NOW, RolloutWorld, build, plan

BASE = "/api/v1/rollout"


class Client:
    def __init__(self, client: TestClient, session: Session, world: RolloutWorld) -> None:
        self.client = client
        self.world = world
        self.tokens = {
            name: accounts.create_token(session, SYSTEM, username=p.username, name="t", now=NOW)
            for name, p in world.who.items()
        }

    def __call__(self, who: str, method: str, path: str, lang: str = "en", **kw: Any) -> Any:
        self.client.cookies.clear()
        headers = {"Authorization": f"Bearer {self.tokens[who]}", "Accept-Language": lang}
        return self.client.request(method, path, headers=headers, **kw)


@pytest.fixture
def c(client: TestClient, session: Session) -> Client:
    world = build(session)
    plan(session)
    return Client(client, session, world)


def test_the_progress_api_counts_what_the_city_oversees(c: Client) -> None:
    body = c("city", "GET", f"{BASE}/progress").json()
    assert body["total"]["target"] == 4
    assert [s["key"] for s in body["streets"]] == ["SA00", "SB00"]
    assert [d["key"] for d in body["districts"]] == ["D000"]
    other = c("other_city", "GET", f"{BASE}/progress").json()
    assert other["total"]["target"] == 2
    assert [s["key"] for s in other["streets"]] == ["SC00"]
    codes = [s["code"] for s in c("street", "GET", f"{BASE}/stations").json()]
    assert codes == ["SA01", "SA02"]
    assert c("officer", "GET", f"{BASE}/progress").status_code == 403


def test_a_move_through_the_api_follows_the_rules(c: Client) -> None:
    r = c(
        "chief", "POST", f"{BASE}/stations/SA01/status", lang="zh-CN", json={"status": "building"}
    )
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "角色“警务室负责人”不能将警务室变更为“建设中”。"
    r = c("street", "POST", f"{BASE}/stations/sa01/status", json={"status": "building"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "building"
    r = c("chief", "POST", f"{BASE}/stations/SA01/status", json={"status": "self_assessed"})
    assert r.status_code == 200 and r.json()["moves"] == []
    r = c("inspector", "POST", f"{BASE}/stations/SA01/status", json={"status": "building"})
    assert r.status_code == 422
    assert r.json()["error"]["message"] == "Say why the station goes back to building."
    r = c("chief", "POST", f"{BASE}/stations/SB01/status", json={"status": "building"})
    assert r.status_code == 404
    r = c("street", "POST", f"{BASE}/stations/SA02/status", json={"status": "done"})
    assert r.status_code == 422


def test_a_bad_plan_upload_is_422_naming_its_lines_and_nothing_is_stored(
    c: Client, session: Session
) -> None:
    before = session.scalar(select(func.count()).select_from(RolloutTarget))
    text = "phase,street,target,stations\n2026,SA00,1,SB01\n2026,SB00,x,\n"
    files = {"file": ("plan.csv", text.encode(), "text/csv")}
    r = c("director", "POST", f"{BASE}/plan", files=files)
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["message"].startswith("Nothing imported: line 2:")
    assert error["fields"] == {
        "line 2": "a station does not belong to this street",
        "line 3": "not a whole number from 0 to 10000",
    }
    zh = c("director", "POST", f"{BASE}/plan", lang="zh-CN", files=files).json()["error"]
    assert zh["message"].startswith("未导入任何内容：第 2 行：有警务室不属于该街道")
    assert session.scalar(select(func.count()).select_from(RolloutTarget)) == before
    good = {"file": ("plan.json", b'[{"phase": "2026-H2", "street": "SA00", "target": 0}]', "")}
    r = c("director", "POST", f"{BASE}/plan", files=good)
    assert r.status_code == 200 and r.json() == {"rows": 1, "stations": 0}
    assert c("city", "POST", f"{BASE}/plan", files=good).status_code == 403


def test_the_dashboard_page_is_chinese_and_moves_a_station(c: Client, session: Session) -> None:
    page = c("street", "GET", "/rollout", lang="zh-CN")
    assert page.status_code == 200
    assert "示范警务室创建" in page.text and "单位SA01" in page.text and "单位SB01" not in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = c(
        "street",
        "POST",
        "/rollout/stations/SA01/status",
        data={"status": "building", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    row = session.scalar(
        select(RolloutStation).where(RolloutStation.unit_id == c.world.units["SA01"].id)
    )
    assert row is not None and row.status == "building"
    r = c(
        "street",
        "POST",
        "/rollout/stations/SA01/status",
        lang="zh-CN",
        data={"status": "verified", "csrf_token": token},
    )
    assert r.status_code == 403 or r.status_code == 422
    assert "逐级推进" in r.text or "不能将警务室变更" in r.text


def test_a_city_ranks_its_districts_and_not_another_citys(c: Client, session: Session) -> None:
    for code, value in (("D000", 71.0), ("D100", 64.0), ("SA01", 80.0)):
        rank = 1 if code != "D100" else 2
        session.add(
            IndexResult(
                index_id="kpi.satisfaction",
                unit_id=c.world.units[code].id,
                period="2026-11",
                value=value,
                rank=rank,
                rank_p05=float(rank),
                rank_p95=float(rank),
                ranked=2 if code != "SA01" else 1,
                method={"kind": "kpi"},
                catalogue_version="1",
                computed_at=NOW,
            )
        )
    session.flush()
    page = c("city", "GET", "/evaluation?level=district&period=2026-11", lang="zh-CN")
    assert page.status_code == 200
    assert "单位D000" in page.text and "单位D100" not in page.text
    stations = c("city", "GET", "/evaluation?period=2026-11", lang="zh-CN")
    assert "单位SA01" in stations.text and "单位D000" not in stations.text.split('id="ranking"')[1]
    other = c("other_city", "GET", "/evaluation?level=district&period=2026-11")
    assert "单位D100" in other.text and "单位D000" not in other.text
