"""The search page, repeat reports merged from the order page, and the printable receipt."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.workorders.models import WorkOrder
from tests.conftest import FrozenClock
from tests.factories.accounts import csrf, sign_in
from tests.integration.workorders.wo_factory import NOW, World, make_world, new_order
from tests.web.workorders.test_wo_api import BODY, Api

H = dt.timedelta(hours=1)


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def _login(client: TestClient, world: World, who: str, clock: FrozenClock) -> None:
    assert sign_in(client, world.users[who], clock.now).status_code == 303


def test_the_search_page_finds_by_phone_and_stays_in_scope(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    mine = new_order(session, world, reporter_phone="13900001111")
    theirs = new_order(
        session, world, who="b_officer", station="SB01", reporter_phone="13900001111"
    )
    _login(client, world, "officer", clock)
    page = client.get("/work-orders/search", params={"q": "139-0000-1111"}).text
    assert mine.code in page and theirs.code not in page
    assert 'id="search-total"' in page and "来电人电话" in page
    empty = client.get("/work-orders/search", params={"q": "不存在的内容"}).text
    assert 'id="no-results"' in empty
    assert client.get("/work-orders/search", params={"q": "x" * 101}).status_code == 422


def test_the_api_list_takes_the_same_search(
    client: TestClient, world: World, session: Session
) -> None:
    call = Api(client, session, world)
    hit = new_order(session, world, address="学院路 8 号")
    new_order(session, world, address="文三路 1 号")
    r = call("officer", "GET", "/api/v1/work-orders?q=学院路")
    assert r.status_code == 200 and [i["code"] for i in r.json()["items"]] == [hit.code]


def test_a_repeat_report_is_merged_from_the_order_page(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    first = new_order(session, world, now=NOW - H)
    again = new_order(session, world, description="楼上又在装修，第二次反映")
    _login(client, world, "auxiliary", clock)
    page = client.get(f"/work-orders/{again.code}").text
    assert 'id="candidates"' in page and f'data-code="{first.code}"' in page
    assert "同一来电人" in page
    r = client.post(
        f"/work-orders/{again.code}/actions/mark_duplicate",
        data={"duplicate_of": first.code, "reason": "同一事项", "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(f"/work-orders/{again.code}").text
    assert 'id="merged-into"' in page and f'href="/work-orders/{first.code}"' in page
    primary = client.get(f"/work-orders/{first.code}").text
    assert 'id="merged-here"' in primary and f'href="/work-orders/{again.code}"' in primary
    assert 'data-action="merged"' in primary
    session.expire_all()
    state = session.scalar(select(WorkOrder.state).where(WorkOrder.id == again.id))
    assert state == "duplicate"


def test_a_finished_order_is_offered_for_no_merge_and_a_forced_one_is_refused_in_words(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    first = new_order(session, world, now=NOW - H)
    first.state = "resolved"
    again = new_order(session, world, description="楼上又在装修，第二次反映")
    _login(client, world, "auxiliary", clock)
    page = client.get(f"/work-orders/{again.code}").text
    listed = page.split(f'data-code="{first.code}"', 1)[1].split("</li>", 1)[0]
    assert "mark_duplicate" not in listed and "已办结，不能将本工单并入" in listed
    r = client.post(
        f"/work-orders/{again.code}/actions/mark_duplicate",
        data={"duplicate_of": first.code, "reason": "同一事项", "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert r.status_code == 422 and f"工单 {first.code} 已不在办理中（已办结）" in r.text


def test_the_receipt_gives_the_code_the_station_phone_and_the_response_time(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    world.units["SA01"].phone = "0571-86565700"
    o = new_order(session, world, channel="walk_in")
    _login(client, world, "officer", clock)
    assert 'id="receipt-link"' in client.get(f"/work-orders/{o.code}").text
    page = client.get(f"/work-orders/{o.code}/receipt").text
    assert f'<strong id="receipt-code">{o.code}</strong>' in page
    assert "0571-86565700" in page and f"提供受理编号 {o.code}" in page
    assert "前与您联系" in page  # the response deadline, while it runs
    assert "138****5678" in page and "13812345678" not in page
    assert "data-print" in page and "onclick" not in page


def test_another_stations_receipt_is_404(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    o = new_order(session, world)
    _login(client, world, "b_officer", clock)
    assert client.get(f"/work-orders/{o.code}/receipt").status_code == 404


def test_nul_bytes_are_bad_input_never_a_server_error(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    call = Api(client, session, world)
    r = call("officer", "POST", "/api/v1/work-orders", {**BODY, "description": "楼上\x00噪音"})
    assert r.status_code == 422 and "description" in r.json()["error"]["fields"]
    assert call("officer", "GET", "/api/v1/work-orders?q=a%00b").status_code == 422
    _login(client, world, "officer", clock)
    assert client.get("/work-orders/search", params={"q": "a\x00b"}).status_code == 422
