from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.notifications.models import Notification
from jingwu.workorders import reports
from jingwu.workorders.models import Alert, OverdueRecord, WorkOrder
from jingwu.workorders.sweep import sweep_batch
from tests.integration.workorders.wo_factory import NOW, closure, make_world, new_order, step

H = dt.timedelta(hours=1)


def _alerts(session: Session, order: WorkOrder) -> list[tuple[str, int]]:
    rows = session.execute(
        select(Alert.clock, Alert.percent)
        .where(Alert.order_id == order.id)
        .order_by(Alert.crossed_at, Alert.clock)
    )
    return [(c, int(p)) for c, p in rows]


def _notified(session: Session, user_id: int) -> list[str]:
    rows = session.scalars(
        select(Notification.kind).where(Notification.user_id == user_id).order_by(Notification.id)
    )
    return list(rows)


def test_a_pass_warns_at_50_and_80_percent_and_breaches_once(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w, category="fight", description="打架")  # red: 1 h response
    assert sweep_batch(session, now=NOW + H * 0.4).alerts == 0
    assert sweep_batch(session, now=NOW + H * 0.6).alerts == 1
    report = sweep_batch(session, now=NOW + H * 1.5)
    assert (report.alerts, report.overdue) == (2, 1)
    assert _alerts(session, o) == [("response", 50), ("response", 80), ("response", 100)]
    again = sweep_batch(session, now=NOW + H * 1.5)
    assert (again.orders, again.alerts, again.notifications) == (0, 0, 0)


def test_escalation_climbs_chief_street_district_for_a_red_breach(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w, category="fight", description="打架")
    sweep_batch(session, now=NOW + H * 2)
    uid = {n: w.users[n].user.id for n in ("officer", "chief", "street", "director")}
    assert _notified(session, uid["officer"]) == ["wo.warning", "wo.warning", "wo.breach"]
    assert _notified(session, uid["chief"]) == ["wo.warning", "wo.breach"]
    assert _notified(session, uid["street"]) == ["wo.breach"]
    assert _notified(session, uid["director"]) == ["wo.breach"]
    assert _notified(session, w.users["b_street"].user.id) == []
    session.refresh(o)
    assert (o.escalation_level, o.overdue) == (3, True)


def test_the_overdue_record_names_the_assignee_or_else_the_first_receiver(
    session: Session,
) -> None:
    w = make_world(session)
    kept = new_order(session, w, who="officer2")
    handed = new_order(session, w, who="officer2")
    for o in (kept, handed):
        step(session, w, o, "triage", "officer2", NOW, tier="yellow")
    step(session, w, handed, "assign", "officer2", NOW, assignee="auxiliary")
    sweep_batch(session, now=NOW + H * 5)  # yellow: respond within 4 h
    rows = dict(
        session.execute(
            select(OverdueRecord.order_id, OverdueRecord.responsible_id).where(
                OverdueRecord.clock == "response"
            )
        ).all()
    )
    assert rows == {
        kept.id: w.users["officer2"].user.id,
        handed.id: w.users["auxiliary"].user.id,
    }
    record = session.scalar(select(OverdueRecord).where(OverdueRecord.order_id == kept.id))
    assert record is not None and record.deadline_at == NOW + H * 4


def test_a_met_clock_is_not_warned_about(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w)
    step(session, w, o, "triage", "officer", NOW, tier="yellow")
    step(session, w, o, "assign", "officer", NOW, assignee="officer")
    step(session, w, o, "accept", "officer", NOW + H)
    step(session, w, o, "start", "officer", NOW + H)
    step(session, w, o, "resolve", "officer", NOW + H * 2, closure=closure())
    assert sweep_batch(session, now=NOW + H * 30).alerts == 0
    assert o.next_due_at is None


def test_every_community_sees_only_its_own_overdue_records(session: Session) -> None:

    w = make_world(session)
    mine = new_order(session, w)
    new_order(session, w, who="b_officer", station="SB01")
    sweep_batch(session, now=NOW + dt.timedelta(days=3))
    month = reports.accountability(session, w.p["officer"], month="2026-11")
    assert {r.code for r in month.records} == {mine.code}
    assert session.scalar(select(func.count()).select_from(OverdueRecord)) == 4
