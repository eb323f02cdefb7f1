from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.workorders import service_tasks
from jingwu.workorders.models import OrderEvent, WorkOrder
from jingwu.workorders.schemas import TaskIn
from tests.integration.workorders.wo_factory import NOW, closure, make_world, new_order, step

H = dt.timedelta(hours=1)


def _events(session: Session, order: WorkOrder) -> list[tuple[str, str | None, str | None, str]]:
    rows = session.execute(
        select(OrderEvent.action, OrderEvent.from_state, OrderEvent.to_state, OrderEvent.actor_role)
        .where(OrderEvent.order_id == order.id)
        .order_by(OrderEvent.seq)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_a_yellow_order_goes_from_intake_to_closed_with_an_event_per_step(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w)
    step(session, w, o, "triage", "officer", NOW + H * 0.1, tier="yellow")
    step(session, w, o, "assign", "chief", NOW + H * 0.2, assignee="auxiliary")
    step(session, w, o, "accept", "auxiliary", NOW + H * 0.3)
    step(session, w, o, "start", "auxiliary", NOW + H * 0.4)
    step(session, w, o, "resolve", "auxiliary", NOW + H * 2, closure=closure())
    step(session, w, o, "close", "officer", NOW + H * 3, citizen_confirmed=True)
    assert o.state == "closed" and o.responded_at == NOW + H * 0.3
    assert o.assignee_id == o.responsible_id == w.users["auxiliary"].user.id
    assert _events(session, o) == [
        ("intake", "received", "received", "officer"),
        ("triage", "received", "triaged", "officer"),
        ("assign", "triaged", "assigned", "chief"),
        ("accept", "assigned", "accepted", "auxiliary"),
        ("start", "accepted", "in_progress", "auxiliary"),
        ("resolve", "in_progress", "resolved", "auxiliary"),
        ("close", "resolved", "closed", "officer"),
    ]
    assert o.next_due_at is None and not o.overdue


def test_triage_keeps_both_the_suggestion_and_the_override_with_its_reason(
    session: Session,
) -> None:
    w = make_world(session)
    o = new_order(session, w, category="fight", description="两人打架")
    with pytest.raises(Invalid) as exc:
        step(session, w, o, "triage", "officer", NOW, tier="orange")
    assert "reason" in exc.value.fields
    step(session, w, o, "triage", "officer", NOW, tier="orange", reason="已分开，无人受伤")
    assert (o.suggested_tier, o.tier, o.override_reason) == ("red", "orange", "已分开，无人受伤")
    assert not o.sla_provisional and o.sla["tier"] == "orange"


def test_a_role_that_may_not_act_gets_403_naming_the_role_and_nothing_changes(
    session: Session,
) -> None:
    w = make_world(session)
    o = new_order(session, w)
    before = session.scalar(select(func.count()).select_from(OrderEvent))
    with pytest.raises(Forbidden, match="auxiliary"):
        step(session, w, o, "triage", "auxiliary", NOW, tier="yellow")
    assert o.state == "received"
    assert session.scalar(select(func.count()).select_from(OrderEvent)) == before


def test_an_allowed_role_in_the_wrong_state_gets_409_naming_the_state(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w)
    with pytest.raises(Conflict, match="received"):
        step(session, w, o, "start", "chief", NOW)
    assert o.state == "received"


def test_a_red_order_needs_three_departments_before_it_is_accepted(session: Session) -> None:

    w = make_world(session)
    o = new_order(session, w, category="fight", description="持刀伤人")
    step(session, w, o, "triage", "officer", NOW, tier="red")
    step(session, w, o, "assign", "officer", NOW, assignee="officer")
    with pytest.raises(Conflict, match="at least 3 departments"):
        step(session, w, o, "accept", "officer", NOW)
    for dept in ("110", "health", "street_office"):
        service_tasks.add_task(
            session,
            w.p["officer"],
            code=o.code,
            data=TaskIn(department=dept, instructions="协同处置", due_at=NOW + H),
            now=NOW,
        )
    step(session, w, o, "accept", "officer", NOW + H * 0.5)
    assert o.state == "accepted" and o.responded_at == NOW + H * 0.5


def test_only_the_assignee_works_the_order_but_the_chief_may_act_for_them(
    session: Session,
) -> None:
    w = make_world(session)
    o = new_order(session, w)
    step(session, w, o, "triage", "officer", NOW, tier="yellow")
    step(session, w, o, "assign", "officer", NOW, assignee="auxiliary")
    with pytest.raises(Forbidden, match="assigned to them"):
        step(session, w, o, "accept", "officer2", NOW)
    step(session, w, o, "accept", "chief", NOW)
    assert o.state == "accepted"


def test_assigning_someone_outside_the_scope_is_refused(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w)
    step(session, w, o, "triage", "officer", NOW, tier="yellow")
    with pytest.raises(Invalid) as exc:
        step(session, w, o, "assign", "officer", NOW, assignee="b-officer")
    assert exc.value.fields == {"assignee": "unknown user"}


def test_return_hands_the_order_back_to_the_first_receiver(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w)
    step(session, w, o, "triage", "officer", NOW, tier="yellow")
    step(session, w, o, "assign", "officer", NOW, assignee="auxiliary")
    with pytest.raises(Invalid):
        step(session, w, o, "return", "auxiliary", NOW)
    step(session, w, o, "return", "auxiliary", NOW, reason="不属于本辖区")
    assert o.state == "triaged" and o.assignee_id is None
    assert o.responsible_id == w.users["officer"].user.id


def test_hold_pauses_only_the_completion_deadline(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w, category="neighbour", description="邻居漏水")
    step(session, w, o, "triage", "officer", NOW, tier="orange")
    step(session, w, o, "assign", "officer", NOW, assignee="officer")
    step(session, w, o, "record_contact", "officer", NOW + H, note="已电话联系")
    step(session, w, o, "accept", "officer", NOW + H)
    step(session, w, o, "start", "officer", NOW + H)
    due = o.completion_due_at
    step(session, w, o, "hold", "officer", NOW + H * 2, reason="等待物业提供资料")
    assert o.completion_due_at is None and o.next_due_at is None
    step(session, w, o, "resume", "officer", NOW + H * 12)
    assert due is not None and o.completion_due_at == due + H * 10
    assert o.paused_seconds == 36000


def test_a_red_order_cannot_be_held(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w, category="fight", description="打架")
    o.state, o.tier, o.assignee_id = "in_progress", "red", w.users["officer"].user.id
    session.flush()
    with pytest.raises(Conflict, match="may not be paused"):
        step(session, w, o, "hold", "officer", NOW, reason="等待")


def test_mark_duplicate_needs_an_order_the_actor_can_see(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w)
    other = new_order(session, w, who="b_officer", station="SB01")
    with pytest.raises(Invalid) as exc:
        step(session, w, o, "mark_duplicate", "officer", NOW, duplicate_of=other.code)
    assert exc.value.fields == {"duplicate_of": "unknown order"}
    same = new_order(session, w)
    step(session, w, o, "mark_duplicate", "officer", NOW, duplicate_of=same.code)
    assert (o.state, o.duplicate_of) == ("duplicate", same.code)


def test_no_action_reaches_an_order_of_another_community(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w)
    for who in ("other_officer", "b_officer", "b_chief"):
        with pytest.raises(NotFound):
            step(session, w, o, "triage", who, NOW, tier="yellow")
    with pytest.raises(NotFound):
        step(session, w, o, "assign", "b_street", NOW, assignee="officer")
    assert o.state == "received"


def test_reopen_by_the_chief_returns_the_order_to_its_assignee(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w)
    step(session, w, o, "triage", "officer", NOW, tier="yellow")
    step(session, w, o, "assign", "officer", NOW, assignee="officer")
    step(session, w, o, "accept", "officer", NOW)
    step(session, w, o, "start", "officer", NOW)
    step(session, w, o, "resolve", "officer", NOW + H, closure=closure())
    step(session, w, o, "reopen", "chief", NOW + H * 30, reason="回访发现问题依旧")
    assert o.state == "assigned" and o.assignee_id == w.users["officer"].user.id
    assert o.next_due_at is not None
