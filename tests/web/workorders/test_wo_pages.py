from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.audit.models import AuditEntry
from jingwu.workorders.models import WorkOrder
from jingwu.workorders.sweep import sweep_batch
from tests.conftest import FrozenClock
from tests.factories.accounts import csrf, sign_in
from tests.integration.workorders.wo_factory import NOW, World, make_world, new_order, step


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def _login(client: TestClient, world: World, who: str, clock: FrozenClock) -> None:
    assert sign_in(client, world.users[who], clock.now).status_code == 303


def _post(client: TestClient, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": csrf(client)}, follow_redirects=False)


def test_the_intake_form_shows_an_error_beside_each_wrong_field(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    _login(client, world, "officer", clock)
    form = client.get("/work-orders/new")
    assert form.status_code == 200 and 'value="SA01"' in form.text
    r = _post(client, "/work-orders/new", {"station": "SA01", "channel": "phone", "category": "",
                                          "description": "x", "reporter_phone": "123"})  # fmt: skip
    assert r.status_code == 422
    for name in ("category", "description", "reporter_phone"):
        assert f'id="err-{name}"' in r.text
    r = _post(client, "/work-orders/new", {"station": "SA01", "channel": "phone",
                                          "category": "noise", "description": "楼上噪音",
                                          "reporter_phone": "13812345678"})  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/work-orders/SA01-20261129-0001"


def test_the_order_page_masks_the_reporter_until_an_audited_unmask(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    o = new_order(session, world)
    _login(client, world, "officer", clock)
    page = client.get(f"/work-orders/{o.code}").text
    assert "138****5678" in page and "13812345678" not in page and 'id="unmask"' in page
    assert 'id="action-triage"' in page and 'id="action-start"' not in page
    assert "13812345678" in client.get(f"/work-orders/{o.code}?unmask=true").text
    assert session.scalars(select(AuditEntry).where(AuditEntry.action == "pii.unmask")).all()


def test_a_refused_action_is_shown_on_the_page_and_changes_nothing(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    o = new_order(session, world)
    _login(client, world, "chief", clock)
    r = _post(client, f"/work-orders/{o.code}/actions/start", {})
    assert r.status_code == 409 and 'id="action-error"' in r.text
    r = _post(client, f"/work-orders/{o.code}/actions/triage", {"tier": "red"})
    assert r.status_code == 422 and "reason" in r.text
    r = _post(client, f"/work-orders/{o.code}/actions/triage", {"tier": "yellow"})
    assert r.status_code == 303
    session.expire_all()
    assert session.scalar(select(WorkOrder.state).where(WorkOrder.id == o.id)) == "triaged"


def test_another_communitys_order_page_is_404(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    o = new_order(session, world)
    _login(client, world, "b_officer", clock)
    assert client.get(f"/work-orders/{o.code}").status_code == 404
    assert (
        _post(client, f"/work-orders/{o.code}/actions/triage", {"tier": "yellow"}).status_code
        == 404
    )
    assert o.code not in client.get("/work-orders/board").text
    assert o.code not in client.get("/work-orders").text


def test_queue_and_board_show_my_orders_with_countdowns(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    late = new_order(session, world, category="fight", description="打架")
    fresh = new_order(session, world, now=NOW + dt.timedelta(minutes=50))
    sweep_batch(session, now=NOW + dt.timedelta(hours=2))
    clock.now = NOW + dt.timedelta(hours=2)
    _login(client, world, "officer", clock)
    queue = client.get("/work-orders").text
    assert queue.index(late.code) < queue.index(fresh.code) and "wo-countdown" in queue
    board = client.get("/work-orders/board").text
    assert late.code in board and 'id="col-untriaged"' in board


@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_every_work_order_page_renders_in_both_languages(
    client: TestClient, world: World, clock: FrozenClock, session: Session, language: str
) -> None:
    o = new_order(session, world, category="neighbour", description="邻居纠纷")
    step(session, world, o, "triage", "officer", NOW, tier="orange")
    sweep_batch(session, now=NOW + dt.timedelta(days=9))
    _login(client, world, "street", clock)
    client.get(f"/lang/{language}")
    # The street station files no orders itself (walk-ins and calls reach the stations).
    assert client.get("/work-orders/new").status_code == 403
    for path in ("/work-orders", "/work-orders/board", f"/work-orders/{o.code}",
                 "/work-orders/mediations", "/work-orders/accountability?month=2026-12",
                 "/work-orders/draws", "/work-orders/dashboard", "/notifications"):  # fmt: skip
        r = client.get(path)
        assert r.status_code == 200, (path, r.status_code)
    assert ("Work orders" in r.text) == (language == "en")


def test_the_badge_counts_unread_notifications_live(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    new_order(session, world, category="fight", description="打架")
    _login(client, world, "officer", clock)
    assert 'data-unread="0"' in client.get("/notifications/badge").text
    sweep_batch(session, now=NOW + dt.timedelta(hours=2))
    badge = client.get("/notifications/badge").text
    assert 'data-unread="3"' in badge and 'hx-trigger="every' in badge
    assert _post(client, "/notifications/read", {}).status_code == 303
    assert 'data-unread="0"' in client.get("/notifications/badge").text


def test_the_order_page_offers_a_partner_no_form_or_link_it_would_be_refused(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    o = new_order(session, world, who="partner", channel="partner", category="parking")
    _login(client, world, "partner", clock)
    page = client.get(f"/work-orders/{o.code}").text
    for refused in (
        "/evidence/orders/",  # evidence.view
        f"/work-orders/{o.code}/mediation",  # workorders.mediations
        f"/work-orders/{o.code}/tasks",  # workorders.tasks
        f"/work-orders/{o.code}/attachments?",  # workorders.record
        f"/work-orders/{o.code}/feedback",
        f"/work-orders/{o.code}/actions/",
    ):
        assert refused not in page, refused


def test_the_mediation_link_shows_only_when_a_case_exists(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    o = new_order(session, world, category="parking")
    _login(client, world, "inspector", clock)  # may read cases, may open none
    page = client.get(f"/work-orders/{o.code}").text
    assert 'id="mediation-link"' not in page and 'id="no-mediation"' in page
    assert f'action="/work-orders/{o.code}/tasks"' not in page  # no workorders.tasks
