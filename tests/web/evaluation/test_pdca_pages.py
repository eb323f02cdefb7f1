"""The improvement-list and case-library pages and API through the ASGI client."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.evaluation.improvement.models import Case, PdcaItem
from tests.conftest import FrozenClock
from tests.factories.accounts import csrf, sign_in
from tests.integration.workorders.wo_factory import NOW, World, make_world, new_order

BASE = "/api/v1/evaluation"


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def _login(client: TestClient, world: World, who: str, clock: FrozenClock) -> None:
    assert sign_in(client, world.users[who], clock.now).status_code == 303


def _post(client: TestClient, path: str, data: dict[str, Any], **kw: Any) -> Any:
    return client.post(
        path, data={**data, "csrf_token": csrf(client)}, follow_redirects=False, **kw
    )


def test_a_chief_opens_the_list_moves_an_item_and_attaches_evidence(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    _login(client, world, "chief", clock)
    page = client.get("/evaluation/pdca")
    assert page.status_code == 200 and 'id="open-list"' in page.text
    r = _post(client, "/evaluation/pdca", {"unit": "SA01", "quarter": "2026-Q4"})
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert page.text.count('class="pdca-row') == 12 and "求助响应提速" in page.text
    assert 'id="completion-rate"' in page.text
    item = session.scalars(select(PdcaItem).order_by(PdcaItem.id)).first()
    assert item is not None
    r = _post(
        client,
        f"/evaluation/pdca/items/{item.id}/move",
        {"to": "do", "note": "制定提速方案", "back": "board"},
    )
    assert r.status_code == 303 and "quarter=2026-Q4" in r.headers["location"]
    r = _post(client, f"/evaluation/pdca/items/{item.id}/move", {"to": "act", "note": "跳步"})
    assert r.status_code == 409 and "逐阶段" in r.text
    token = csrf(client)
    r = client.post(
        f"/evaluation/pdca/items/{item.id}/evidence?csrf_token={token}",
        files={"file": ("方案.txt", b"plan", "text/plain")},
        data={"note": "方案"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(f"/evaluation/pdca/items/{item.id}").text
    assert "制定提速方案" in page and "方案.txt" in page
    r = _post(client, f"/evaluation/pdca/items/{item.id}/assign", {"owner": "officer"})
    assert r.status_code == 303
    r = _post(
        client,
        "/evaluation/pdca/rectifications",
        {"unit": "SA01", "title": "消防通道整改", "due": "2026-12-20", "source_ref": "STD-1"},
    )
    assert r.status_code == 303 and "/evaluation/pdca/items/" in r.headers["location"]


def test_an_officer_reads_but_cannot_keep_the_list(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    _login(client, world, "officer", clock)
    page = client.get("/evaluation/pdca")
    assert page.status_code == 200 and 'id="open-list"' not in page.text
    r = _post(client, "/evaluation/pdca", {"unit": "SA01", "quarter": "2026-Q4"})
    assert r.status_code == 403


def test_a_case_is_promoted_from_the_cases_page_and_found(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    order = new_order(session, world, description="张三反映邻居噪音 13812345678")
    order.state, order.closure = "closed", {"summary": "协调张三与邻居达成一致"}
    session.flush()
    _login(client, world, "chief", clock)
    r = _post(client, "/evaluation/cases", {"code": order.code, "tags": "噪音，协调"})
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "13812345678" not in page and "张三" not in page and "协调" in page
    found = client.get("/evaluation/cases", params={"q": "邻居", "tag": "噪音"}).text
    assert 'id="cases-figure"' in found and order.code not in found.split('id="cases"')[0]
    assert session.scalar(select(Case.code)) in found
    r = _post(client, "/evaluation/cases", {"code": order.code})
    assert r.status_code == 409


def test_the_api_keeps_lists_and_cases(
    client: TestClient, world: World, session: Session, clock: FrozenClock
) -> None:
    tokens = {
        name: accounts.create_token(
            session, SYSTEM, username=world.users[name].username, name="t", now=NOW
        )
        for name in ("chief", "officer", "b_chief")
    }

    def call(who: str, method: str, path: str, **kw: Any) -> Any:
        client.cookies.clear()
        headers = {"Authorization": f"Bearer {tokens[who]}"}
        return client.request(method, BASE + path, headers=headers, **kw)

    r = call("chief", "POST", "/pdca", json={"unit": "SA01", "quarter": "2026-Q4"})
    assert r.status_code == 201 and len(r.json()["items"]) == 12
    assert r.json()["completion"]["target"] == 0.95
    item = r.json()["items"][0]["id"]
    assert (
        call("chief", "POST", "/pdca", json={"unit": "SA01", "quarter": "2026-Q4"}).status_code
        == 409
    )
    assert (
        call(
            "officer", "POST", f"/pdca/items/{item}/moves", json={"to": "do", "note": "x"}
        ).status_code
        == 403
    )
    r = call("chief", "POST", f"/pdca/items/{item}/moves", json={"to": "do", "note": "开始执行"})
    assert r.status_code == 201 and r.json()["item"]["stage"] == "do"
    assert call("b_chief", "GET", f"/pdca/items/{item}").status_code == 404
    r = call("officer", "GET", "/pdca", params={"quarter": "2026-Q4"})
    assert r.status_code == 200 and r.json()["unit"] == "SA01" and r.json()["opened"]
    r = call(
        "chief",
        "POST",
        f"/pdca/items/{item}/evidence",
        files={"file": ("a.txt", b"abc", "text/plain")},
    )
    assert r.status_code == 201 and r.json()["size"] == 3
    due = (NOW + dt.timedelta(days=10)).date().isoformat()
    r = call(
        "chief", "POST", "/pdca/rectifications", json={"unit": "SA01", "title": "整改", "due": due}
    )
    assert r.status_code == 201 and r.json()["kind"] == "rectification"
    order = new_order(session, world)
    order.state = "closed"
    session.flush()
    r = call("chief", "POST", "/cases", json={"code": order.code, "tags": ["噪音"]})
    assert r.status_code == 201 and "张三" not in r.json()["text"]
    code = r.json()["code"]
    assert call("officer", "GET", f"/cases/{code}").status_code == 200
    assert call("b_chief", "GET", f"/cases/{code}").status_code == 404
    assert call("officer", "GET", "/cases", params={"tag": "噪音"}).json()["total"] == 1
    months = call("officer", "GET", "/case-counts", params={"year": 2026}).json()
    assert len(months) == 12 and months[10]["count"] == 1 and months[10]["target"] == 50
