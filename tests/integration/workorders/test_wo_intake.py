from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.errors import Forbidden, Invalid, NotFound
from jingwu.workorders import service
from jingwu.workorders.models import OrderEvent, WorkOrder
from tests.integration.workorders.wo_factory import NOW, intake_data, make_world, new_order


def test_intake_gives_the_station_day_code_and_counts_per_day(session: Session) -> None:
    w = make_world(session)
    first = new_order(session, w)
    second = new_order(session, w, now=NOW + dt.timedelta(minutes=5))
    # 16:30 UTC is 00:30 the next day in Shanghai: a new day, a new count.
    next_day = new_order(session, w, now=dt.datetime(2026, 11, 29, 16, 30, tzinfo=dt.UTC))
    other = new_order(session, w, who="other_officer", station="SA02")
    assert (first.code, second.code) == ("SA01-20261129-0001", "SA01-20261129-0002")
    assert next_day.code == "SA01-20261130-0001"
    assert other.code == "SA02-20261129-0001"


def test_the_receiving_officer_is_the_first_receiver_and_responsible(session: Session) -> None:
    w = make_world(session)
    order = new_order(session, w, who="auxiliary")
    assert order.received_by_id == order.responsible_id == w.users["auxiliary"].user.id
    assert order.state == "received"
    event = session.scalar(select(OrderEvent).where(OrderEvent.order_id == order.id))
    assert event is not None and (event.kind, event.actor_role) == ("intake", "auxiliary")


def test_reporter_data_is_encrypted_at_rest_and_the_phone_blind_indexed(session: Session) -> None:
    w = make_world(session)
    order = new_order(session, w, reporter_id_number="11010519491231002X")
    raw = session.execute(
        text(
            "SELECT reporter_name, reporter_phone, reporter_id_number "
            "FROM work_orders WHERE id = :i"
        ),
        {"i": order.id},
    ).one()
    assert all(v.startswith("v1.") for v in raw)
    assert "13812345678" not in "".join(raw)
    assert order.reporter_phone_index == service.phone_index("13812345678")
    session.expire(order)
    assert order.reporter_phone == "13812345678"


def test_a_provisional_policy_makes_untriaged_orders_sweepable(session: Session) -> None:
    w = make_world(session)
    order = new_order(session, w, category="fight", description="两人在小区门口打架")
    assert order.suggested_tier == "red" and order.sla_provisional
    assert order.sla["response_minutes"] == 60
    assert order.response_due_at == NOW + dt.timedelta(hours=1)
    assert order.next_due_at == NOW + dt.timedelta(minutes=30)


def test_the_repeat_caller_rule_uses_the_blind_index(session: Session) -> None:
    w = make_world(session)
    for k in range(3):
        new_order(session, w, now=NOW + dt.timedelta(hours=k), address=f"别处 {k} 号")
    fourth = new_order(session, w, now=NOW + dt.timedelta(hours=4), address="另一处")
    codes = [r["code"] for r in fourth.suggestion["reasons"]]
    assert "repeat_caller" in codes and fourth.suggested_tier == "orange"


def test_a_sensor_order_from_the_system_carries_its_source(session: Session) -> None:
    make_world(session)
    order = service.intake(
        session,
        SYSTEM,
        data=intake_data(
            channel="sensor",
            category="sensor_alert",
            suggested_tier="red",
            source_ref="iot-alert:123",
            reporter_name=None,
            reporter_phone=None,
        ),
        now=NOW,
    )
    assert order.suggested_tier == "red" and order.source_ref == "iot-alert:123"
    assert order.received_by_id is None


def test_an_auxiliary_may_not_file_a_sensor_order(session: Session) -> None:
    w = make_world(session)
    with pytest.raises(Forbidden, match="auxiliary"):
        new_order(session, w, who="auxiliary", channel="sensor")
    assert session.scalar(select(WorkOrder.id)) is None


def test_intake_for_a_station_outside_the_scope_is_refused_as_unknown(session: Session) -> None:
    w = make_world(session)
    with pytest.raises(Invalid) as exc:
        new_order(session, w, station="SB01")
    assert exc.value.fields == {"station": "unknown station"}


def test_get_order_is_scoped(session: Session) -> None:
    w = make_world(session)
    order = new_order(session, w)
    assert service.get_order(session, w.p["street"], code=order.code).id == order.id
    for outsider in ("other_officer", "b_officer", "b_street"):
        with pytest.raises(NotFound):
            service.get_order(session, w.p[outsider], code=order.code)


def test_completed_since_lists_resolved_orders_for_analytics(session: Session) -> None:
    w = make_world(session)
    order = new_order(session, w)
    order.state, order.resolved_at = "resolved", NOW + dt.timedelta(hours=3)
    new_order(session, w)  # still open
    session.flush()
    rows = service.completed_since(session, since=NOW, limit=10)
    assert [(r.code, r.module, r.resolved_at) for r in rows] == [
        (order.code, "dispute", NOW + dt.timedelta(hours=3))
    ]
    assert service.completed_since(session, since=NOW + dt.timedelta(hours=4), limit=10) == []
