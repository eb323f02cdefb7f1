"""The alert queue through the ASGI client: confirming files a triaged order, another tier
needs a reason, and a red alert shows on the chief's notification badge at once."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.iot.ingest import Batch
from jingwu.iot.pipeline import Pipeline
from jingwu.reference.service import seed_defaults
from jingwu.workorders.models import OrderEvent, WorkOrder
from tests.conftest import FrozenClock, TransactionalDatabase
from tests.factories.accounts import csrf, make_user, sign_in
from tests.integration.iot.iot_factory import event, network, topic


def _alarm(db: TransactionalDatabase, clock: FrozenClock, device: Any, name: str) -> int:
    p = Pipeline(db, clock)
    p.start()
    batch = Batch()
    p.feed(batch, topic(device, "SA01", "event"), event(0, name), clock())
    return int(p.commit(batch).alerts[0])


def _htmx(client: TestClient) -> dict[str, str]:
    return {"HX-Request": "true", "X-CSRF-Token": csrf(client)}


def test_confirming_red_files_an_order_already_triaged_red(
    client: TestClient, session: Session, clock: FrozenClock, db: TransactionalDatabase
) -> None:
    seed_defaults(session)
    net = network(session)
    assert sign_in(client, make_user(session, net["units"]["SA01"], "officer"), clock.now)
    alert_id = _alarm(db, clock, net["smoke"][0][0], "smoke_alarm")
    page = client.get("/iot/alerts").text
    assert 'name="reason"' in page
    r = client.post(f"/iot/alerts/{alert_id}/confirm", data={"tier": "red"}, headers=_htmx(client))
    assert r.status_code == 200, r.text
    order = session.scalar(select(WorkOrder).where(WorkOrder.source_ref == f"iot-alert:{alert_id}"))
    assert order is not None and (order.state, order.tier) == ("triaged", "red")
    assert order.code in r.text
    detail = client.get(f"/work-orders/{order.code}").text
    assert "烟雾报警" in detail  # the explanation is in the timeline


def test_another_tier_without_a_reason_keeps_the_row_and_says_why_in_chinese(
    client: TestClient, session: Session, clock: FrozenClock, db: TransactionalDatabase
) -> None:
    seed_defaults(session)
    net = network(session)
    assert sign_in(client, make_user(session, net["units"]["SA01"], "officer"), clock.now)
    alert_id = _alarm(db, clock, net["smoke"][0][0], "smoke_alarm")
    url = f"/iot/alerts/{alert_id}/confirm"
    r = client.post(url, data={"tier": "yellow"}, headers=_htmx(client))
    assert r.status_code == 422
    assert f'id="alert-{alert_id}"' in r.text and "须说明理由" in r.text
    assert session.scalar(select(WorkOrder)) is None
    data = {"tier": "yellow", "reason": "误报：厨房油烟"}
    assert client.post(url, data=data, headers=_htmx(client)).status_code == 200
    order = session.scalar(select(WorkOrder))
    assert order is not None and (order.state, order.tier) == ("triaged", "yellow")
    reasons = session.scalars(
        select(OrderEvent.reason).where(
            OrderEvent.order_id == order.id, OrderEvent.action == "triage"
        )
    ).all()
    assert reasons == ["误报：厨房油烟"]


def test_a_red_alert_shows_on_the_chiefs_badge_at_once(
    client: TestClient, session: Session, clock: FrozenClock, db: TransactionalDatabase
) -> None:
    net = network(session)
    assert sign_in(client, make_user(session, net["units"]["SA01"], "chief"), clock.now)
    before = client.get("/notifications/badge").text
    assert re.search(r'data-unread="0"', before)
    _alarm(db, clock, net["smoke"][0][0], "smoke_alarm")
    assert re.search(r'data-unread="1"', client.get("/notifications/badge").text)
    listed = client.get("/notifications").text
    assert "红色传感器告警" in listed and "/iot/alerts#alert-" in listed
