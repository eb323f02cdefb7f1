"""An order's timeline as the pages and the API show it: its events (the actor by name) and
its SLA alerts, in time order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, aliased

from jingwu.accounts.models import User
from jingwu.workorders.models import Alert, OrderEvent, WorkOrder

__all__ = ["TimelineEntry", "last_contact", "people_in", "timeline"]


@dataclass
class TimelineEntry:
    """An event or an SLA alert, in time order."""

    at: dt.datetime
    kind: str
    action: str
    from_state: str | None
    to_state: str | None
    actor: str
    actor_role: str
    reason: str
    data: dict[str, Any] | None


_ACTOR = aliased(User)
_EVENTS = (
    select(
        OrderEvent.at,
        OrderEvent.kind,
        OrderEvent.action,
        OrderEvent.from_state,
        OrderEvent.to_state,
        # the person's name as the page shows it (the username stays on the event row)
        func.coalesce(_ACTOR.display_name, OrderEvent.actor_name),
        OrderEvent.actor_role,
        OrderEvent.reason,
        OrderEvent.data,
    )
    .outerjoin(_ACTOR, _ACTOR.id == OrderEvent.actor_id)
    .where(OrderEvent.order_id == bindparam("order_id"))
    .order_by(OrderEvent.seq)
)
_ALERTS = (
    select(Alert.crossed_at, Alert.clock, Alert.percent, Alert.recipients)
    .where(Alert.order_id == bindparam("order_id"))
    .order_by(Alert.id)
)


def timeline(session: Session, order: WorkOrder) -> list[TimelineEntry]:
    """The order's events and alerts, oldest first."""
    # Columns, not ORM objects, from statements built once: this runs on every order read.
    session.flush()  # what the session's autoflush would do before a query
    conn, key = session.connection(), {"order_id": order.id}
    entries = [TimelineEntry(*row) for row in conn.execute(_EVENTS, key)]
    for at, clock, percent, recipients in conn.execute(_ALERTS, key):
        action = "breach" if percent >= 100 else "warning"
        data = {"clock": clock, "percent": percent, "recipients": recipients}
        entries.append(TimelineEntry(at, "alert", action, None, None, "system", "system", "", data))
    return sorted(entries, key=lambda e: e.at)


def people_in(entries: list[TimelineEntry]) -> list[int | None]:
    """The users named by hand-over events (assign, reassign), to show them by name."""
    out: list[int | None] = []
    for e in entries:
        if e.kind == "action" and e.action in ("assign", "reassign") and e.data:
            out.extend(v for v in (e.data.get("from"), e.data.get("to")) if isinstance(v, int))
    return out


def last_contact(entries: list[TimelineEntry]) -> dt.datetime | None:
    """The latest contact recorded since the order was last reopened, or None."""
    found: dt.datetime | None = None
    for e in entries:
        if e.kind == "action" and e.action == "reopen":
            found = None
        elif e.kind == "action" and e.action == "record_contact":
            found = e.at
    return found
