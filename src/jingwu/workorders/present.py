"""Turning orders and read models into the API's output shapes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.workorders.clocks import ClockEvent, ClockReading
from jingwu.workorders.models import Feedback, WorkOrder
from jingwu.workorders.queries import (
    ListRow,
    OrderDetail,
    Reporter,
    allowed_actions,
    due_at,
    order_and_people,
    reporter,
)
from jingwu.workorders.schemas import (
    ClockOut,
    EventOut,
    FeedbackOut,
    OrderDetailOut,
    OrderListItem,
    OrderOut,
    TaskOut,
)
from jingwu.workorders.service_core import clock_events, readings, user_names
from jingwu.workorders.service_tasks import task_rows
from jingwu.workorders.timeline import timeline
from jingwu.workorders.vocab import Action


def station_of(code: str) -> str:
    """The station part of an order code."""
    return code.split("-", 1)[0]


def clock_out(r: ClockReading) -> ClockOut:
    return ClockOut(
        clock=str(r.clock),
        status=str(r.status),
        deadline=r.deadline,
        remaining_seconds=int(r.remaining.total_seconds()),
        paused_seconds=int(r.paused.total_seconds()),
        percent=r.percent,
    )


def _order_fields(
    order: WorkOrder,
    who: Reporter,
    names: dict[int, str],
    clocks: list[ClockOut],
    actions: list[str],
) -> dict[str, object]:
    def name(uid: int | None) -> str | None:
        return None if uid is None else names.get(uid)

    reasons = [str(r.get("en", "")) for r in order.suggestion.get("reasons", [])]
    return {
        "code": order.code,
        "station": station_of(order.code),
        "channel": order.channel,
        "category": order.category,
        "module": order.module,
        "description": order.description,
        "lon": order.lon,
        "lat": order.lat,
        "address": order.address,
        "reporter_name": who.name,
        "reporter_phone": who.phone,
        "reporter_id_number": who.id_number,
        "pii_masked": who.masked,
        "state": order.state,
        "tier": order.tier,
        "suggested_tier": order.suggested_tier,
        "suggestion_reasons": reasons,
        "override_reason": order.override_reason,
        "received_at": order.received_at,
        "first_receiver": name(order.received_by_id),
        "responsible": name(order.responsible_id),
        "assignee": name(order.assignee_id),
        "responded_at": order.responded_at,
        "resolved_at": order.resolved_at,
        "closed_at": order.closed_at,
        "overdue": order.overdue,
        "escalation_level": order.escalation_level,
        "clocks": clocks,
        "allowed_actions": actions,
        "source_ref": order.source_ref,
    }


def order_out(
    session: Session, principal: Principal, order: WorkOrder, *, now: dt.datetime
) -> OrderOut:
    """The order as the API shows it after a create or an action (reporter masked)."""
    events = clock_events(session, order.id)
    read = readings(order, events, max([now, *(e.at for e in events)]))
    names = user_names(session, [order.received_by_id, order.responsible_id, order.assignee_id])
    who = reporter(session, principal, order, unmask=False, now=now)
    fields = _order_fields(
        order, who, names, [clock_out(r) for r in read.values()], allowed_actions(order, principal)
    )
    return OrderOut.model_validate(fields)


def detail_out(d: OrderDetail, *, language: str = "en") -> OrderDetailOut:
    """The order with its timeline and tasks."""
    fields = _order_fields(
        d.order, d.reporter, d.people, [clock_out(r) for r in d.clocks.values()], d.actions
    )
    events = [
        EventOut(
            seq=n,
            at=e.at,
            kind=e.kind,
            action=e.action,
            from_state=e.from_state,
            to_state=e.to_state,
            actor=e.actor,
            actor_role=e.actor_role,
            reason=e.reason,
        )
        for n, e in enumerate(d.timeline, start=1)
    ]
    tasks = [
        TaskOut(
            id=t.task.id,
            target=t.target_en if language == "en" else t.target,
            instructions=t.task.instructions,
            due_at=t.task.due_at,
            status=t.task.status,
            result=t.task.result,
        )
        for t in d.tasks
    ]
    return OrderDetailOut.model_validate({**fields, "events": events, "tasks": tasks})


def detail_view(
    session: Session,
    principal: Principal,
    *,
    code: str,
    now: dt.datetime,
    unmask: bool = False,
    language: str = "en",
) -> OrderDetailOut:
    """The API's order: what :func:`detail_out` shows of the order page's data, read with
    the fewest queries (the order with its people, the timeline, the tasks)."""
    order, names = order_and_people(session, principal, code=code)
    entries = timeline(session, order)
    # The clocks read the same event rows (actions only, in order): no second query.
    actions = [ClockEvent(Action(e.action), e.at) for e in entries if e.kind == "action"]
    who = reporter(session, principal, order, unmask=unmask, now=now)
    # A writer that committed after this request read the clock may have stamped an event
    # a little later than ``now``: read the clocks at that event, not before it.
    at = max([now, *(a.at for a in actions)])
    clocks = [clock_out(r) for r in readings(order, actions, at).values()]
    fields = _order_fields(order, who, names, clocks, allowed_actions(order, principal))
    events = [
        EventOut(
            seq=n,
            at=e.at,
            kind=e.kind,
            action=e.action,
            from_state=e.from_state,
            to_state=e.to_state,
            actor=e.actor,
            actor_role=e.actor_role,
            reason=e.reason,
        )
        for n, e in enumerate(entries, start=1)
    ]
    tasks = [
        TaskOut(
            id=t.id,
            target=t.target_en if language == "en" else t.target,
            instructions=t.instructions,
            due_at=t.due_at,
            status=t.status,
            result=t.result,
        )
        for t in task_rows(session, order.id)
    ]
    return OrderDetailOut.model_validate({**fields, "events": events, "tasks": tasks})


def list_item(order: WorkOrder | ListRow) -> OrderListItem:
    """A row of the order list."""
    return OrderListItem(
        code=order.code,
        station=station_of(order.code),
        category=order.category,
        state=order.state,
        tier=order.tier,
        received_at=order.received_at,
        due_at=due_at(order),
        overdue=order.overdue,
    )


def feedback_out(fb: Feedback, order: WorkOrder) -> FeedbackOut:
    """A recorded rating and where it left the order."""
    return FeedbackOut(
        code=order.code,
        round=fb.round,
        via=fb.via,
        rating=fb.rating,
        resolved=fb.resolved,
        comment=fb.comment,
        at=fb.at,
        reopened=fb.reopened,
        state=order.state,
    )
