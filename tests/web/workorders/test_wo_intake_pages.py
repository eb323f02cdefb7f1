"""The intake form: the stations of the user's scope, only the channels the role may use,
a map point, a partner's own start page, and a draft received once."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.workorders.models import WorkOrder
from tests.conftest import FrozenClock
from tests.factories.accounts import csrf, sign_in
from tests.integration.workorders.wo_factory import World, make_world, new_order
from tests.web.workorders.test_wo_api import BODY, Api

FORM = {
    "station": "SA01",
    "channel": "walk_in",
    "category": "noise",
    "description": "楼上深夜装修噪音",
    "address": "文三路 100 号",
}


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def _login(client: TestClient, world: World, who: str, clock: FrozenClock) -> None:
    assert sign_in(client, world.users[who], clock.now).status_code == 303


def _post(client: TestClient, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": csrf(client)}, follow_redirects=False)


def _options(page: str, select_id: str) -> list[str]:
    block = page.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"', block)


def test_an_officer_picks_among_the_stations_and_channels_it_may_use(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    _login(client, world, "officer", clock)
    page = client.get("/work-orders/new").text
    assert _options(page, "station") == ["SA01"]
    assert 'value="SA01" selected' in page
    assert _options(page, "channel") == ["walk_in", "phone"]
    assert 'id="point-map"' in page and 'type="hidden" name="lon"' in page


def test_a_street_head_receives_no_orders_and_is_not_offered_the_form(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    _login(client, world, "street", clock)
    page = client.get("/work-orders/new")
    assert page.status_code == 403
    assert 'id="intake-form"' not in page.text
    assert 'id="tab-new"' not in client.get("/work-orders").text


def test_a_partners_form_defaults_to_the_partner_channel_and_offers_only_it(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    _login(client, world, "partner", clock)
    page = client.get("/work-orders/new").text
    assert _options(page, "channel") == ["partner"]
    assert {"SA01", "SA02", "SB01"} <= set(_options(page, "station"))
    r = _post(client, "/work-orders/new", {**FORM, "channel": "partner"})
    assert r.status_code == 303, r.text
    code = r.headers["location"].rsplit("/", 1)[1]
    assert session.scalar(select(WorkOrder.channel).where(WorkOrder.code == code)) == "partner"


def test_a_partners_start_page_shows_the_orders_it_filed(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    theirs = new_order(session, world, who="partner", channel="partner")
    other = new_order(session, world)
    _login(client, world, "partner", clock)
    home = client.get("/").text
    assert 'href="/work-orders/new"' in home and 'href="/work-orders"' in home
    listed = client.get("/work-orders").text
    assert theirs.code in listed and other.code not in listed
    assert 'href="/work-orders/board"' not in listed  # only its own tabs


def test_the_point_chosen_on_the_map_is_stored_with_the_address_text(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    _login(client, world, "officer", clock)
    r = _post(client, "/work-orders/new", {**FORM, "lon": "120.10512", "lat": "30.20488"})
    assert r.status_code == 303
    code = r.headers["location"].rsplit("/", 1)[1]
    row = session.execute(
        select(WorkOrder.lon, WorkOrder.lat, WorkOrder.address).where(WorkOrder.code == code)
    ).one()
    assert tuple(row) == (120.10512, 30.20488, "文三路 100 号")


def test_a_draft_posted_twice_becomes_one_order(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    _login(client, world, "officer", clock)
    draft = {**FORM, "draft_id": "0f5e7c1a-6b8d-4e39-9a51-2d1c7e4b8f60"}
    first = _post(client, "/work-orders/new", draft)
    again = _post(client, "/work-orders/new", draft)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    n = session.scalar(select(func.count()).select_from(WorkOrder))
    assert n == 1


def test_a_refused_channel_is_shown_in_chinese_beside_the_form(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    _login(client, world, "auxiliary", clock)
    r = _post(client, "/work-orders/new", {**FORM, "channel": "sensor"})
    assert r.status_code == 403 and 'id="request-error"' in r.text


def test_the_api_answers_a_replayed_draft_with_200_and_the_same_order(
    client: TestClient, session: Session, world: World
) -> None:
    call = Api(client, session, world)
    body = {**BODY, "draft_id": "b6a0c4f2-2d4e-4f7a-9c1b-5e8d3a7f6c21"}
    first = call("officer", "POST", "/api/v1/work-orders", body)
    again = call("officer", "POST", "/api/v1/work-orders", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["code"] == again.json()["code"]
    taken = call("officer2", "POST", "/api/v1/work-orders", body)
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "draft_taken"
    doc = client.get("/api/openapi.json").json()
    assert {"200", "201", "409"} <= set(doc["paths"]["/api/v1/work-orders"]["post"]["responses"])


def test_the_service_worker_is_served_open_with_its_scope(client: TestClient) -> None:
    r = client.get("/work-orders/sw.js")  # not signed in: a browser fetches it on its own
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/javascript")
    assert r.headers["service-worker-allowed"] == "/work-orders/"
    assert "no-cache" in r.headers["cache-control"]
    assert 'importScripts("/work-orders/static/drafts-store.js")' in r.text
    assert client.get("/work-orders/static/drafts-store.js").status_code == 200


def test_the_form_carries_a_draft_id_field_and_the_drafts_banner(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    _login(client, world, "officer", clock)
    page = client.get("/work-orders/new").text
    assert 'name="draft_id" id="draft_id"' in page and 'id="drafts-banner"' in page
    assert "/work-orders/static/drafts.js" in page
