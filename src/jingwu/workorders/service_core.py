"""What every work-order use case shares: who acts, the scoped lookup, events and clocks."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, TypeVarTuple

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal, scoped
from jingwu.errors import Conflict, NotFound
from jingwu.workorders.clocks import Clock, ClockEvent, ClockReading, next_due_at, read_clocks
from jingwu.workorders.models import Alert, OrderEvent, WorkOrder
from jingwu.workorders.sla import SlaPolicy
from jingwu.workorders.vocab import Action, Actor

Ts = TypeVarTuple("Ts")

# The reporting citizen acting through a signed feedback link (no account, no unit).
CITIZEN = Principal(user_id=None, username="citizen", role="citizen", unit_id=None, unit_path="/")


class StaleClock(Conflict):
    """The order has an event later than ``now`` (HTTP 409). A caller that read its clock
    before the order's lock was taken (a web request) may read it again and retry."""

    stale_clock = True


def actor_of(principal: Principal) -> Actor:
    """The state table's actor for a principal: the worker/operator is ``system``."""
    if principal.role == "citizen":
        return Actor.CITIZEN
    if principal.user_id is None:
        return Actor.SYSTEM
    return Actor(principal.role)


def visible(stmt: Select[*Ts], principal: Principal) -> Select[*Ts]:
    """Limit a query on work orders to those the principal may read.

    The org scope for everyone; a partner reads only the orders it filed itself.
    """
    stmt = scoped(stmt, principal, WorkOrder.unit_id)
    if principal.role == "partner":
        stmt = stmt.where(WorkOrder.created_by_id == principal.user_id)
    return stmt


_CODE = re.compile(r"^[A-Z0-9-]{1,32}$")


def order_code(code: str) -> str:
    """``code`` as stored (upper case); NotFound at once for what can be no order's code
    (never sent to the database: a NUL byte or a megabyte of text is no order either)."""
    folded = code.strip().upper()
    if not _CODE.match(folded):
        raise NotFound("No work order {code}.", params={"code": folded[:40]})
    return folded


def get_order(
    session: Session, principal: Principal, *, code: str, for_update: bool = False
) -> WorkOrder:
    """The order with ``code`` if the principal's scope covers its station, else NotFound."""
    code = order_code(code)
    stmt = visible(select(WorkOrder), principal).where(WorkOrder.code == code)
    if for_update:
        # PostgreSQL: concurrent actions on one order queue here and re-read its state.
        # SQLite: the write transaction (BEGIN IMMEDIATE) already serialises them.
        stmt = stmt.with_for_update(of=WorkOrder)
    order = session.scalar(stmt)
    if order is None:
        raise NotFound("No work order {code}.", params={"code": code})
    return order


def add_event(
    session: Session,
    order: WorkOrder,
    principal: Principal,
    *,
    kind: str,
    action: str,
    now: dt.datetime,
    to_state: str | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> OrderEvent:
    """Append an event to the order's timeline (the role and unit held at that moment)."""
    # updated_at is the time of the order's last event (set here, and only here).
    last = order.updated_at if order.event_count else None
    if last is not None and now < last:
        raise StaleClock(
            "Time {time} is before the order's last event.", params={"time": now.isoformat()}
        )
    order.event_count = (order.event_count or 0) + 1
    event = OrderEvent(
        order_id=order.id,
        unit_id=order.unit_id,
        seq=order.event_count,
        at=now,
        kind=kind,
        action=action,
        from_state=order.state,
        to_state=to_state if to_state is not None else order.state,
        actor_id=principal.user_id,
        actor_name=principal.username,
        actor_role=str(actor_of(principal)),
        actor_unit_id=principal.unit_id,
        reason=reason,
        data=data,
    )
    session.add(event)
    order.updated_at = now
    return event


# Built once (their cache keys are memoised): every read of an order and every action runs
# them, through the session's connection (columns, no ORM objects).
_CLOCK_EVENTS = (
    select(OrderEvent.action, OrderEvent.at)
    .where(OrderEvent.order_id == bindparam("order_id"), OrderEvent.kind == "action")
    .order_by(OrderEvent.seq)
)
_EMITTED = select(Alert.clock, Alert.percent).where(Alert.order_id == bindparam("order_id"))
_NAMES = select(User.id, User.display_name).where(User.id.in_(bindparam("ids", expanding=True)))


def clock_events(session: Session, order_id: int) -> list[ClockEvent]:
    """The order's state-table actions in order, as the clocks read them."""
    session.flush()  # what the session's autoflush would do before a query
    rows = session.connection().execute(_CLOCK_EVENTS, {"order_id": order_id})
    return [ClockEvent(Action(action), at) for action, at in rows]


def _pending_clock_events(session: Session, order_id: int) -> list[ClockEvent]:
    """The order's actions added to the session and not yet flushed, in order."""
    pending = [
        e
        for e in session.new
        if isinstance(e, OrderEvent) and e.order_id == order_id and e.kind == "action"
    ]
    return [ClockEvent(Action(e.action), e.at) for e in sorted(pending, key=lambda e: e.seq)]


def emitted_keys(session: Session, order_id: int) -> set[tuple[str, int]]:
    """The (clock, percent) alerts already written for the order."""
    rows = session.connection().execute(_EMITTED, {"order_id": order_id})
    return {(clock, int(percent)) for clock, percent in rows}


def readings(
    order: WorkOrder, events: Sequence[ClockEvent], now: dt.datetime
) -> dict[Clock, ClockReading]:
    """Both clocks of the order at ``now``."""
    return read_clocks(SlaPolicy.from_dict(order.sla), order.received_at, events, now)


def refresh_clocks(
    session: Session, order: WorkOrder, now: dt.datetime, *, new: bool = False
) -> None:
    """Store the deadlines, paused time and next sweep instant after an event.

    ``new``: the order was just received (no actions, no alerts yet: nothing to read).
    Nothing is flushed here: the stored actions and the ones still pending in the session
    are read together, so the caller's next flush writes the event and the order's new
    state, deadlines included, in one UPDATE of the order.
    """
    events: list[ClockEvent] = []
    if not new:
        with session.no_autoflush:
            rows = session.connection().execute(_CLOCK_EVENTS, {"order_id": order.id})
            events = [ClockEvent(Action(a), at) for a, at in rows]
        events += _pending_clock_events(session, order.id)
    policy = SlaPolicy.from_dict(order.sla)
    read = read_clocks(policy, order.received_at, events, now)
    response, completion = read[Clock.RESPONSE], read[Clock.COMPLETION]
    order.response_due_at = response.deadline if response.status == "running" else None
    order.completion_due_at = completion.deadline if completion.status == "running" else None
    order.paused_seconds = int(completion.paused.total_seconds())
    if response.breached or completion.breached:
        order.overdue = True
    emitted = set() if new else emitted_keys(session, order.id)
    order.next_due_at = next_due_at(policy, order.received_at, events, now, emitted=emitted)


def user_names(session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    """Display names of users by id."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    session.flush()  # what the session's autoflush would do before a query
    rows = session.connection().execute(_NAMES, {"ids": wanted})
    return {int(i): str(name) for i, name in rows}
