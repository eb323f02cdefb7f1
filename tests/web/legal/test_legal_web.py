"""The legal search on the web: the public page (Chinese by default), the officers' API and
the provisions suggested on the order page."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.config import Settings
from jingwu.runtime import Runtime
from jingwu.web.app import create_app
from tests.conftest import FrozenClock
from tests.factories.accounts import sign_in
from tests.integration.workorders.wo_factory import World, make_world, new_order
from tests.legal_fixture import fixture_index
from tests.untranslated import english

NOISE = ("中华人民共和国治安管理处罚法", "第八十八条")


@pytest.fixture
def index(settings: Settings) -> Path:
    return fixture_index(settings.var_dir)


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def test_the_public_page_searches_in_chinese_without_signing_in(
    client: TestClient, index: Path
) -> None:
    page = client.get("/legal")
    assert page.status_code == 200
    assert 'id="legal-q"' in page.text and 'id="legal-hits"' not in page.text
    assert english(page.text) == []
    found = client.get("/legal", params={"q": "楼上邻居半夜噪音扰民怎么办"})
    assert found.status_code == 200
    assert english(found.text) == []
    assert f'data-law="{NOISE[0]}" data-article="{NOISE[1]}"' in found.text
    assert found.text.index(NOISE[1]) < found.text.index("第八十九条")
    assert "施行日期" in found.text and "2026-01-01" in found.text
    none = client.get("/legal", params={"q": "量子色动力学"})
    assert 'id="legal-none"' in none.text
    assert "Legal search" in client.get("/legal?lang=en").text


def test_the_public_page_says_when_the_index_is_not_built(client: TestClient) -> None:
    page = client.get("/legal", params={"q": "噪音"})
    assert page.status_code == 200
    assert 'id="legal-not-ready"' in page.text and "管理员" in page.text
    assert english(page.text) == []


def test_the_public_page_refuses_an_overlong_question(client: TestClient, index: Path) -> None:
    assert client.get("/legal", params={"q": "噪" * 201}).status_code == 422


def test_an_officer_searches_through_the_api(
    client: TestClient, index: Path, world: World, clock: FrozenClock
) -> None:
    assert client.get("/api/v1/legal/search", params={"q": "噪音"}).status_code == 401
    assert sign_in(client, world.users["officer"], clock.now).status_code == 303
    r = client.get("/api/v1/legal/search", params={"q": "邻居噪音扰民", "limit": 2})
    assert r.status_code == 200, r.text
    hits = r.json()
    assert len(hits) <= 2 and (hits[0]["law"], hits[0]["article"]) == NOISE
    assert {"law", "article", "score", "text", "effective", "source"} == set(hits[0])
    assert client.get("/api/v1/legal/search", params={"q": ""}).status_code == 422
    assert client.get("/api/v1/legal/search", params={"q": "x", "limit": 51}).status_code == 422


def test_the_api_answers_409_naming_the_load_command_without_an_index(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    assert sign_in(client, world.users["officer"], clock.now).status_code == 303
    r = client.get("/api/v1/legal/search", params={"q": "噪音"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "legal_index_missing"
    assert "jingwu legal load" in r.json()["error"]["message"]


def test_a_partner_may_not_use_the_api(
    client: TestClient, index: Path, world: World, clock: FrozenClock
) -> None:
    assert sign_in(client, world.users["partner"], clock.now).status_code == 303
    assert client.get("/api/v1/legal/search", params={"q": "噪音"}).status_code == 403


def test_the_order_page_suggests_provisions_for_its_category_and_text(
    client: TestClient, index: Path, world: World, clock: FrozenClock, session: Session
) -> None:
    order = new_order(session, world, now=clock.now)
    assert sign_in(client, world.users["officer"], clock.now).status_code == 303
    page = client.get(f"/work-orders/{order.code}")
    assert f'hx-get="/work-orders/{order.code}/legal"' in page.text
    fragment = client.get(f"/work-orders/{order.code}/legal")
    assert fragment.status_code == 200
    assert 'id="legal-suggest"' in fragment.text and "<html" not in fragment.text
    assert f'data-law="{NOISE[0]}" data-article="{NOISE[1]}"' in fragment.text
    assert english(fragment.text) == []


def test_suggestions_keep_to_the_readers_scope(
    client: TestClient, index: Path, world: World, clock: FrozenClock, session: Session
) -> None:
    order = new_order(session, world, now=clock.now)
    assert sign_in(client, world.users["b_officer"], clock.now).status_code == 303
    assert client.get(f"/work-orders/{order.code}/legal").status_code == 404


def test_a_partner_gets_no_suggestions(
    client: TestClient, index: Path, world: World, clock: FrozenClock, session: Session
) -> None:
    order = new_order(session, world, who="partner", now=clock.now, channel="partner")
    assert sign_in(client, world.users["partner"], clock.now).status_code == 303
    assert "legal-slot" not in client.get(f"/work-orders/{order.code}").text
    assert client.get(f"/work-orders/{order.code}/legal").status_code == 403


def test_the_internet_zone_serves_the_page_and_not_the_order_fragment(
    runtime: Runtime, index: Path
) -> None:
    runtime.settings.zone = "internet"
    with TestClient(create_app(runtime), base_url="http://testserver") as c:
        assert c.get("/legal", params={"q": "噪音"}).status_code == 200
        assert c.get("/work-orders/SA01-X/legal").status_code == 404
