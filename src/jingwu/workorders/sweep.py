"""The SLA sweep: warnings at 50 % and 80 %, breaches, escalation and overdue records.

Only orders whose stored ``next_due_at`` has come are read (one indexed range query), in
batches; each batch is one transaction. Idempotence does not rest on timing: every alert is
inserted with ``ON CONFLICT DO NOTHING`` on ``(order, clock, percent)`` and every overdue
record on ``(order, clock)``, and notifications are written only for the rows this
transaction actually inserted (``RETURNING``). Two sweeps at once — or one run twice —
therefore produce each warning, each overdue record and each notification exactly once.
On PostgreSQL the batch is also claimed with ``FOR UPDATE SKIP LOCKED``, so concurrent
sweeps share the work instead of queueing behind each other.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Table, Text, cast, select, update
from sqlalchemy.orm import Session

from jingwu import bulk
from jingwu.accounts.scope import SYSTEM
from jingwu.audit import service as audit
from jingwu.db import Database
from jingwu.notifications import service as notifications
from jingwu.workorders.clocks import Alert as ClockAlert
from jingwu.workorders.clocks import ClockEvent, sweep_order
from jingwu.workorders.escalation import Ladder, add_names, level_for, load_ladder, message_for
from jingwu.workorders.guards import FEEDBACK_WINDOW
from jingwu.workorders.models import Alert, OrderEvent, OverdueRecord, Task, WorkOrder
from jingwu.workorders.schemas import ActionIn
from jingwu.workorders.service_actions import act
from jingwu.workorders.sla import SlaPolicy, escalation_for
from jingwu.workorders.vocab import Action

BATCH = 2000
_US = dt.timedelta(microseconds=1)


@dataclass
class SweepReport:
    """What a sweep did."""

    orders: int = 0
    alerts: int = 0
    overdue: int = 0
    notifications: int = 0
    closed: int = 0

    def add(self, other: SweepReport) -> None:
        """Accumulate another batch's counts."""
        self.orders += other.orders
        self.alerts += other.alerts
        self.overdue += other.overdue
        self.notifications += other.notifications
        self.closed += other.closed


def _claim(session: Session, now: dt.datetime, limit: int, skip_locked: bool) -> list[Row[Any]]:
    stmt = (
        select(
            WorkOrder.id,
            WorkOrder.code,
            WorkOrder.unit_id,
            # The snapshot as text: orders share a handful of policies, parsed once each.
            cast(WorkOrder.sla, Text).label("sla"),
            WorkOrder.received_at,
            WorkOrder.tier,
            WorkOrder.suggested_tier,
            WorkOrder.responsible_id,
            WorkOrder.escalation_level,
        )
        .where(WorkOrder.next_due_at <= now)
        .order_by(WorkOrder.next_due_at)
        .limit(limit)
    )
    if skip_locked and session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=WorkOrder)
    return list(session.execute(stmt))


def _events(session: Session, ids: list[int]) -> dict[int, list[ClockEvent]]:
    out: dict[int, list[ClockEvent]] = defaultdict(list)
    rows = session.execute(
        select(OrderEvent.order_id, OrderEvent.action, OrderEvent.at)
        .where(OrderEvent.order_id.in_(ids), OrderEvent.kind == "action")
        .order_by(OrderEvent.order_id, OrderEvent.seq)
    )
    for order_id, action, at in rows:
        out[order_id].append(ClockEvent(Action(action), at))
    return out


def _emitted(session: Session, ids: list[int]) -> dict[int, set[tuple[str, int]]]:
    out: dict[int, set[tuple[str, int]]] = defaultdict(set)
    rows = session.execute(
        select(Alert.order_id, Alert.clock, Alert.percent).where(Alert.order_id.in_(ids))
    )
    for order_id, clock, percent in rows:
        out[order_id].add((clock, int(percent)))
    return out


def sweep_batch(
    session: Session, *, now: dt.datetime, limit: int = BATCH, skip_locked: bool = True
) -> SweepReport:
    """Sweep up to ``limit`` due orders in the session's transaction.

    ``skip_locked=False`` makes concurrent sweeps read the same orders (tests use it to
    prove that the unique keys alone keep every record single).
    """
    orders = _claim(session, now, limit, skip_locked)
    if not orders:
        return SweepReport()
    ids = [o.id for o in orders]
    events, emitted = _events(session, ids), _emitted(session, ids)
    due: list[tuple[Row[Any], ClockAlert]] = []
    next_due: dict[int, dt.datetime | None] = {}
    policies: dict[str, SlaPolicy] = {}
    for o in orders:
        policy = policies.get(o.sla)
        if policy is None:
            policy = policies[o.sla] = SlaPolicy.from_dict(json.loads(o.sla))
        step = sweep_order(policy, o.received_at, events[o.id], now, emitted=emitted[o.id])
        due.extend((o, alert) for alert in step.alerts)
        next_due[o.id] = step.next_due_at
    inserted = _write_alerts(session, due, now)
    report = SweepReport(orders=len(orders), alerts=len(inserted))
    ladder = load_ladder(session, {o.unit_id for o, _ in inserted})
    add_names(session, ladder, [o.responsible_id for o, _ in inserted])
    report.overdue = _write_overdue(session, inserted, ladder, now)
    report.notifications = _notify(session, inserted, ladder, now)
    _update_orders(session, orders, inserted, next_due)
    audit.record(
        session,
        principal=None,
        action="workorders.sweep",
        object_type="work_orders",
        detail={"orders": report.orders, "alerts": report.alerts, "overdue": report.overdue},
        now=now,
    )
    return report


def _tier(o: Row[Any]) -> str:
    return str(o.tier or o.suggested_tier)


# Pure and called once or twice per alert: remember the answers per (tier, percent).
_ladder_for = functools.cache(escalation_for)


def _write_alerts(
    session: Session, due: list[tuple[Row[Any], ClockAlert]], now: dt.datetime
) -> list[tuple[Row[Any], ClockAlert]]:
    if not due:
        return []
    rows = [
        {
            "order_id": o.id,
            "unit_id": o.unit_id,
            "clock": str(a.clock),
            "percent": a.percent,
            "tier": _tier(o),
            "crossed_at": a.at,
            "emitted_at": now,
            "recipients": [str(r) for r in _ladder_for(_tier(o), a.percent)],
        }
        for o, a in due
    ]
    table = Alert.__table__
    assert isinstance(table, Table)
    key = ("order_id", "clock", "percent")
    won = {
        (r[0], r[1], int(r[2]))
        for r in bulk.insert_rows(session, table, rows, skip_conflicts_on=key, returning=key)
    }
    return [(o, a) for o, a in due if (o.id, str(a.clock), a.percent) in won]


def _write_overdue(
    session: Session,
    inserted: list[tuple[Row[Any], ClockAlert]],
    ladder: Ladder,
    now: dt.datetime,
) -> int:
    rows = []
    for o, a in inserted:
        if not a.is_breach:
            continue
        person = ladder.responsible(o.unit_id, o.responsible_id)
        rows.append(
            {
                "order_id": o.id,
                "unit_id": o.unit_id,
                "clock": str(a.clock),
                "tier": _tier(o),
                "responsible_id": person[0] if person else None,
                "responsible_name": person[1] if person else "",
                "deadline_at": a.at - _US,  # the breach is 1 µs past the deadline
                "detected_at": now,
                "handling_note": "",
            }
        )
    if not rows:
        return 0
    table = OverdueRecord.__table__
    assert isinstance(table, Table)
    bulk.insert_rows(session, table, rows, skip_conflicts_on=("order_id", "clock"))
    return len(rows)


def _notify(
    session: Session,
    inserted: list[tuple[Row[Any], ClockAlert]],
    ladder: Ladder,
    now: dt.datetime,
) -> int:
    messages: list[notifications.Message] = []
    for o, a in inserted:
        users = ladder.recipients(o.unit_id, o.responsible_id, _ladder_for(_tier(o), a.percent))
        message = message_for(str(a.clock), a.percent)
        params = {"code": o.code, "percent": a.percent}
        link = f"/work-orders/{o.code}"
        kind = "wo.breach" if a.is_breach else "wo.warning"
        messages.extend(notifications.Message(u, kind, message, params, link) for u in users)
    return notifications.notify_many(session, messages, now=now)


def _update_orders(
    session: Session,
    orders: list[Row[Any]],
    inserted: list[tuple[Row[Any], ClockAlert]],
    next_due: dict[int, dt.datetime | None],
) -> None:
    level: dict[int, int] = {}
    breached: set[int] = set()
    for o, a in inserted:
        level[o.id] = max(level.get(o.id, o.escalation_level), level_for(_tier(o), a.percent))
        if a.is_breach:
            breached.add(o.id)
    rows = []
    for o in orders:
        row: dict[str, Any] = {"id": o.id, "next_due_at": next_due[o.id]}
        if o.id in level:
            row["escalation_level"] = level[o.id]
        if o.id in breached:
            row["overdue"] = True
        rows.append(row)
    # Grouped by the set of columns: one statement shape per group.
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[tuple(row)].append(row)
    table = WorkOrder.__table__
    assert isinstance(table, Table)
    for group in groups.values():
        bulk.update_by_id(session, table, group)
    # Orders loaded earlier in this session must not show the values from before the sweep.
    ids = set(next_due)
    for obj in list(session.identity_map.values()):
        if isinstance(obj, WorkOrder) and obj.id in ids:
            session.expire(obj)


def close_expired(session: Session, *, now: dt.datetime, limit: int = BATCH) -> int:
    """Close resolved orders whose feedback window ended without a reopen (as the system)."""

    stmt = (
        select(WorkOrder.code)
        .where(WorkOrder.state == "resolved", WorkOrder.resolved_at <= now - FEEDBACK_WINDOW)
        .order_by(WorkOrder.resolved_at)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    codes = list(session.scalars(stmt))
    for code in codes:
        act(session, SYSTEM, code=code, action="close", data=ActionIn(), now=now)
    return len(codes)


def remind_tasks(session: Session, *, now: dt.datetime, limit: int = BATCH) -> int:
    """Tell the person responsible for an order once when one of its tasks passes its deadline.

    Claimed with a conditional UPDATE (``reminded_at IS NULL``), so each task is reminded
    once however many sweeps run.
    """
    due = (
        select(Task.id)
        .where(Task.status == "open", Task.due_at <= now, Task.reminded_at.is_(None))
        .limit(limit)
    )
    claimed = list(
        session.execute(
            update(Task)
            .where(Task.id.in_(due), Task.reminded_at.is_(None))
            .values(reminded_at=now)
            .returning(Task.order_id)
        ).scalars()
    )
    if not claimed:
        return 0
    rows = session.execute(
        select(WorkOrder.code, WorkOrder.responsible_id).where(WorkOrder.id.in_(set(claimed)))
    ).all()
    messages = [
        notifications.Message(
            uid,
            "wo.task_overdue",
            "A department task of work order {code} is past its deadline.",
            {"code": code},
            f"/work-orders/{code}",
        )
        for code, uid in rows
        if uid is not None
    ]
    notifications.notify_many(session, messages, now=now)
    return len(claimed)


def run_sweep(
    db: Database, *, now: dt.datetime, batch: int = BATCH, skip_locked: bool = True
) -> SweepReport:
    """One full sweep pass: every due order, a transaction per batch; then window closes."""
    total = SweepReport()
    while True:
        with db.unit_of_work() as session:
            part = sweep_batch(session, now=now, limit=batch, skip_locked=skip_locked)
        total.add(part)
        if part.orders < batch:
            break
    with db.unit_of_work() as session:
        remind_tasks(session, now=now)
    while True:
        with db.unit_of_work() as session:
            closed = close_expired(session, now=now, limit=batch)
        total.closed += closed
        if closed < batch:
            break
    return total
