"""The supervisor's actions — reassign, retier, escalate — and what a resolve may count as
the contact with the reporter. :mod:`~jingwu.workorders.service_actions` authorises them
through the state table and records the event; these functions apply them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal
from jingwu.errors import Conflict, Invalid
from jingwu.notifications import service as notifications
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.escalation import LEVELS, load_ladder
from jingwu.workorders.guards import escalation_target
from jingwu.workorders.models import OrderEvent, WorkOrder
from jingwu.workorders.schemas import ActionIn
from jingwu.workorders.service_core import actor_of
from jingwu.workorders.sla import policy_for
from jingwu.workorders.vocab import Action, State, Tier

# Before someone is assigned, the order is held by its responsible person (who triages or
# assigns it); from then on by its assignee, who is also the one answerable for it.
_UNASSIGNED = frozenset({State.RECEIVED, State.TRIAGED})
_RUNG_OF_LEVEL = {level: rung for rung, level in LEVELS.items()}

_LAST_REOPEN = (
    select(func.max(OrderEvent.seq))
    .where(OrderEvent.order_id == bindparam("order_id"), OrderEvent.action == Action.REOPEN)
    .scalar_subquery()
)
_LAST_CONTACT = select(func.max(OrderEvent.at)).where(
    OrderEvent.order_id == bindparam("order_id"),
    OrderEvent.kind == "action",
    OrderEvent.action == Action.RECORD_CONTACT,
    OrderEvent.seq > func.coalesce(_LAST_REOPEN, 0),
)


def contact_recorded_at(session: Session, order_id: int) -> dt.datetime | None:
    """The latest "record contact" since the order was last reopened (a new resolution needs
    a new contact), or None."""
    session.flush()
    at = session.connection().execute(_LAST_CONTACT, {"order_id": order_id}).scalar()
    return at if isinstance(at, dt.datetime) else None


def check_station(user: User, order: WorkOrder) -> None:
    """The person given an order works at its station (nobody else could open it)."""
    if user.unit_id != order.unit_id:
        raise Invalid(
            "{name} works at another station: an order is given to the people of its station.",
            params={"name": user.display_name},
            fields={"assignee": "Choose someone of the order's station."},
            code="other_station",
        )


def holder_of(order: WorkOrder) -> int | None:
    """Who holds the order now: the assignee once assigned, else the responsible person."""
    return order.responsible_id if order.state in _UNASSIGNED else order.assignee_id


def reassign(
    s: Session, o: WorkOrder, p: Principal, d: ActionIn, u: User | None, now: dt.datetime
) -> None:
    """Hand the order to ``u`` in whatever open state it is; the work goes on from there."""
    assert u is not None
    if holder_of(o) == u.id:
        raise Conflict(
            "{name} holds this order already.", params={"name": u.display_name}, code="same_holder"
        )
    if o.state in _UNASSIGNED:
        o.responsible_id = u.id
    else:
        o.assignee_id = o.responsible_id = u.id
    notifications.notify(
        s,
        user_ids=[u.id],
        kind="wo.reassigned",
        message="Work order {code} was handed over to you.",
        params={"code": o.code},
        link=f"/work-orders/{o.code}",
        now=now,
    )


def retier(
    s: Session, o: WorkOrder, p: Principal, d: ActionIn, _: User | None, now: dt.datetime
) -> None:
    """Give the order the new tier and that tier's policy; the clocks, read again from the
    receipt with the new budgets, then give the new deadlines."""
    new = Tier(d.tier or "")
    o.tier = str(new)
    o.sla = policy_for(new, DEFAULT_CATALOGUE.get(o.category)).to_dict()
    o.sla_provisional = False


def escalate(
    s: Session, o: WorkOrder, p: Principal, d: ActionIn, _: User | None, now: dt.datetime
) -> None:
    """Raise the escalation level one rung (at least above the actor's own) and tell the
    people of every rung passed, as the SLA sweep's escalation does."""
    before = o.escalation_level or 0
    target = escalation_target(actor_of(p), before)
    assert target is not None  # the guard refused the action otherwise
    o.escalation_level = target
    rungs = [_RUNG_OF_LEVEL[level] for level in range(before + 1, target + 1)]
    ladder = load_ladder(s, {o.unit_id})
    users = [u for u in ladder.recipients(o.unit_id, None, rungs) if u != p.user_id]
    notifications.notify(
        s,
        user_ids=users,
        kind="wo.escalated",
        message="Work order {code} was escalated to you: {reason}",
        params={"code": o.code, "reason": d.reason},
        link=f"/work-orders/{o.code}",
        now=now,
    )
