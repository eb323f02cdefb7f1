"""The chief's own actions on real orders: reassign, retier, escalate; a recorded contact
as the resolve's contact attempt; "assign to me" while triaging."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.errors import Conflict, Forbidden, Invalid
from jingwu.notifications.models import Notification
from jingwu.workorders import service_tasks
from jingwu.workorders.models import OrderEvent, WorkOrder
from jingwu.workorders.schemas import ClosureIn, TaskIn
from tests.integration.workorders.wo_factory import NOW, World, make_world, new_order, step

H = dt.timedelta(hours=1)


def _held_by_auxiliary(session: Session, w: World, **over: object) -> WorkOrder:
    o = new_order(session, w, **over)  # type: ignore[arg-type]
    step(session, w, o, "triage", "officer", NOW + H * 0.1, tier="yellow")
    step(session, w, o, "assign", "chief", NOW + H * 0.2, assignee="auxiliary")
    step(session, w, o, "accept", "auxiliary", NOW + H * 0.3)
    step(session, w, o, "start", "auxiliary", NOW + H * 0.4)
    return o


def _kinds(session: Session, w: World, who: str) -> list[str]:
    uid = w.users[who].user.id
    rows = session.scalars(select(Notification.kind).where(Notification.user_id == uid))
    return list(rows)


def _event(session: Session, o: WorkOrder, action: str) -> OrderEvent:
    rows = session.scalars(
        select(OrderEvent).where(OrderEvent.order_id == o.id, OrderEvent.action == action)
    )
    return list(rows)[-1]


def test_the_chief_takes_an_overdue_order_from_the_auxiliary_and_hands_it_on(
    session: Session,
) -> None:
    w = make_world(session)
    o = _held_by_auxiliary(session, w)
    late = NOW + dt.timedelta(days=2)
    step(session, w, o, "reassign", "chief", late, assignee="officer2", reason="辅警超期未办")
    officer2 = w.users["officer2"].user.id
    assert (o.state, o.assignee_id, o.responsible_id, o.overdue) == (
        "in_progress",
        officer2,
        officer2,
        True,
    )
    event = _event(session, o, "reassign")
    assert event.data == {"from": w.users["auxiliary"].user.id, "to": officer2}
    assert (event.reason, event.actor_role) == ("辅警超期未办", "chief")
    assert "wo.reassigned" in _kinds(session, w, "officer2")
    # the new holder works the order; the old one no longer may
    with pytest.raises(Forbidden):
        step(session, w, o, "hold", "auxiliary", late + H, reason="等材料")
    step(session, w, o, "hold", "officer2", late + H, reason="等材料")


def test_reassigning_a_received_order_changes_who_answers_for_its_triage(
    session: Session,
) -> None:
    w = make_world(session)
    o = new_order(session, w)
    step(session, w, o, "reassign", "chief", NOW + H, assignee="officer2", reason="轮休")
    assert (o.state, o.assignee_id) == ("received", None)
    assert o.responsible_id == w.users["officer2"].user.id


def test_reassigning_to_the_holder_or_outside_the_scope_is_refused(session: Session) -> None:
    w = make_world(session)
    o = _held_by_auxiliary(session, w)
    with pytest.raises(Conflict) as same:
        step(session, w, o, "reassign", "chief", NOW + H, assignee="auxiliary", reason="x")
    assert same.value.code == "same_holder" and same.value.params["name"]
    with pytest.raises(Invalid):
        step(session, w, o, "reassign", "chief", NOW + H, assignee="b-officer", reason="x")
    with pytest.raises(Forbidden):
        step(session, w, o, "reassign", "officer", NOW + H, assignee="officer2", reason="x")
    assert o.assignee_id == w.users["auxiliary"].user.id


def test_the_street_head_reassigns_an_order_of_a_station_below(session: Session) -> None:
    w = make_world(session)
    o = _held_by_auxiliary(session, w)
    step(session, w, o, "reassign", "street", NOW + H, assignee="chief", reason="站长亲办")
    assert o.assignee_id == w.users["chief"].user.id


def test_nobody_of_another_station_is_given_the_order(session: Session) -> None:
    w = make_world(session)
    o = _held_by_auxiliary(session, w)
    # SA02 lies in the street head's scope, but its officer could not open an SA01 order
    with pytest.raises(Invalid) as refused:
        step(session, w, o, "reassign", "street", NOW + H, assignee="other-officer", reason="x")
    assert refused.value.code == "other_station" and "assignee" in refused.value.fields
    assert o.assignee_id == w.users["auxiliary"].user.id
    fresh = new_order(session, w)
    step(session, w, fresh, "triage", "officer", NOW, tier="yellow")
    with pytest.raises(Invalid):
        step(session, w, fresh, "assign", "street", NOW + H, assignee="other-officer")
    assert fresh.state == "triaged"


def test_raising_to_red_recomputes_the_deadlines_from_receipt(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w)
    step(session, w, o, "triage", "officer", NOW + H * 0.1, tier="yellow")
    assert o.response_due_at == NOW + 4 * H and not o.overdue
    step(session, w, o, "retier", "chief", NOW + 2 * H, tier="red", reason="发现持械")
    assert (o.tier, o.sla["tier"], o.sla["pausable"]) == ("red", "red", False)
    # one hour from receipt for a red response: already past, so the order is overdue now
    assert o.response_due_at == NOW + H and o.overdue
    assert o.completion_due_at == NOW + dt.timedelta(days=5)
    event = _event(session, o, "retier")
    assert (event.data or {})["from"] == "yellow" and (event.data or {})["to"] == "red"
    assert event.reason == "发现持械" and event.from_state == event.to_state == "triaged"


def test_lowering_a_tier_is_kept_in_the_timeline_with_each_change(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w)
    step(session, w, o, "triage", "officer", NOW, tier="yellow")
    step(session, w, o, "retier", "chief", NOW + H * 0.1, tier="orange", reason="涉及多户")
    step(session, w, o, "retier", "chief", NOW + H * 0.2, tier="yellow", reason="已核实为单户")
    changes = session.execute(
        select(OrderEvent.data, OrderEvent.reason)
        .where(OrderEvent.order_id == o.id, OrderEvent.action == "retier")
        .order_by(OrderEvent.seq)
    ).all()
    assert [(d["from"], d["to"], r) for d, r in changes] == [
        ("yellow", "orange", "涉及多户"),
        ("orange", "yellow", "已核实为单户"),
    ]
    assert o.sla["tier"] == "yellow"


def test_an_accepted_order_raised_to_red_needs_three_departments(session: Session) -> None:
    w = make_world(session)
    o = _held_by_auxiliary(session, w)
    with pytest.raises(Conflict) as refused:
        step(session, w, o, "retier", "chief", NOW + H, tier="red", reason="升级")
    assert refused.value.code == "departments_required" and refused.value.params["count"] == 0
    assert o.tier == "yellow"
    for dept in ("110", "health", "street_office"):
        data = TaskIn(department=dept, instructions="协同处置", due_at=NOW + 5 * H)
        service_tasks.add_task(session, w.p["chief"], code=o.code, data=data, now=NOW + H)
    step(session, w, o, "retier", "chief", NOW + 2 * H, tier="red", reason="升级")
    assert o.tier == "red"


def test_an_order_on_hold_is_not_raised_to_red(session: Session) -> None:
    w = make_world(session)
    o = _held_by_auxiliary(session, w)
    step(session, w, o, "hold", "auxiliary", NOW + H, reason="等待当事人")
    with pytest.raises(Conflict) as refused:
        step(session, w, o, "retier", "chief", NOW + 2 * H, tier="red", reason="升级")
    assert refused.value.code == "red_on_hold"


def test_escalation_climbs_the_ladder_and_tells_each_rung(session: Session) -> None:
    w = make_world(session)
    o = _held_by_auxiliary(session, w)
    step(session, w, o, "escalate", "auxiliary", NOW + H, reason="当事人情绪激动")
    assert o.escalation_level == 1 and "wo.escalated" in _kinds(session, w, "chief")
    step(session, w, o, "escalate", "chief", NOW + 2 * H, reason="需街道协调")
    assert o.escalation_level == 2 and "wo.escalated" in _kinds(session, w, "street")
    assert "wo.escalated" not in _kinds(session, w, "b_street")
    step(session, w, o, "escalate", "street", NOW + 3 * H, reason="需区级协调")
    assert o.escalation_level == 3 and "wo.escalated" in _kinds(session, w, "director")
    with pytest.raises(Conflict) as top:
        step(session, w, o, "escalate", "chief", NOW + 4 * H, reason="再上报")
    assert top.value.code == "escalation_top"
    levels = session.execute(
        select(OrderEvent.data)
        .where(OrderEvent.order_id == o.id, OrderEvent.action == "escalate")
        .order_by(OrderEvent.seq)
    ).scalars()
    assert [(d["from"], d["to"]) for d in levels] == [(0, 1), (1, 2), (2, 3)]


def test_a_chief_escalating_goes_straight_to_the_street_station(session: Session) -> None:
    w = make_world(session)
    o = _held_by_auxiliary(session, w)
    step(session, w, o, "escalate", "chief", NOW + H, reason="需街道协调")
    assert o.escalation_level == 2
    assert "wo.escalated" not in _kinds(session, w, "chief")  # not told of their own act


def test_a_recorded_contact_is_the_contact_attempt_a_yellow_resolve_needs(
    session: Session,
) -> None:
    w = make_world(session)
    o = _held_by_auxiliary(session, w)
    bare = ClosureIn(summary="已上门修复")
    with pytest.raises(Invalid):
        step(session, w, o, "resolve", "auxiliary", NOW + H, closure=bare)
    step(session, w, o, "record_contact", "auxiliary", NOW + H, note="电话告知处理进度")
    step(session, w, o, "resolve", "auxiliary", NOW + 2 * H, closure=bare)
    assert o.state == "resolved"
    assert o.closure is not None
    assert dt.datetime.fromisoformat(o.closure["contact_attempt_at"]) == NOW + H
    # after a reopen, the old contact no longer counts: the new resolution needs its own
    step(session, w, o, "reopen", "chief", NOW + 3 * H, reason="群众反映未修好")
    step(session, w, o, "accept", "auxiliary", NOW + 3.1 * H)
    step(session, w, o, "start", "auxiliary", NOW + 3.2 * H)
    with pytest.raises(Invalid):
        step(session, w, o, "resolve", "auxiliary", NOW + 4 * H, closure=bare)


def test_triage_may_assign_the_order_to_the_officer_triaging_it(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w, who="chief")
    step(session, w, o, "triage", "officer", NOW + H, tier="yellow", assign_to_me=True)
    assert (o.state, o.assignee_id) == ("assigned", w.users["officer"].user.id)
    actions = session.scalars(
        select(OrderEvent.action).where(OrderEvent.order_id == o.id).order_by(OrderEvent.seq)
    ).all()
    assert actions == ["intake", "triage", "assign"]
