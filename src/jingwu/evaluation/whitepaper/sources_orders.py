"""Figures from the work orders and their department tasks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.evaluation.whitepaper.sources import Dates, Window, month, newest, tallies
from jingwu.evaluation.whitepaper.tally import Tally
from jingwu.workorders.models import Task, WorkOrder

_NOT_TIMED = {"transferred", "rejected", "duplicate"}
_HAZARDS = {"fire_hazard", "dangerous_goods", "public_facility"}
_PAPERWORK = {"household_registration", "id_card", "residence_permit", "certificate"}
_PAPERWORK |= {"exit_entry"}
_VIOLENCE = {"fight", "domestic_violence"}
_LONGEST = dt.timedelta(days=60)  # the longest completion term an order due in the year has
_DEADLINES = {
    "safety.prevention.red_closed_5d": {"red"},
    "safety.livelihood.yellow_done_24h": {"yellow"},
    "wp.completed_on_time": None,
}
IDS = (
    "wp.orders",
    "wp.orders_red",
    "wp.orders_orange",
    "wp.orders_yellow",
    "kpi.satisfaction.response",
    "safety.prevention.red_response_1h",
    "safety.prevention.red_closed_5d",
    "safety.livelihood.yellow_done_24h",
    "wp.completed_on_time",
    "safety.livelihood.median_response_minutes",
    "wp.completion_hours",
    "wp.escalated",
    "safety.hazards.rectified_on_time",
    "safety.livelihood.online_paperwork",
    "safety.order.violence_rate",
    "safety.prevention.dept_tasks_on_time",
)


def _orders(session: Session, principal: Principal, win: Window) -> list[Any]:
    """The orders received, due or resolved in the window (only the columns used)."""
    cols = (
        WorkOrder.unit_id,
        WorkOrder.tier,
        WorkOrder.category,
        WorkOrder.channel,
        WorkOrder.state,
        WorkOrder.received_at,
        WorkOrder.responded_at,
        WorkOrder.resolved_at,
        WorkOrder.sla,
        WorkOrder.paused_seconds,
        WorkOrder.escalation_level,
    )
    inside = or_(
        WorkOrder.received_at.between(win.start - _LONGEST, win.end),
        WorkOrder.resolved_at.between(win.start, win.end),
    )
    stmt = scoped(select(*cols), principal, WorkOrder.unit_id).where(inside)
    return list(session.execute(stmt))


def deadlines(o: Any) -> tuple[dt.datetime | None, dt.datetime | None]:
    """An order's response and completion deadlines from its SLA terms (the stored due
    times are cleared once a clock stops); the completion clock stands still while paused."""
    sla = o.sla or {}
    resp, comp = sla.get("response_minutes"), sla.get("completion_minutes")
    start = o.received_at
    return (
        None if resp is None else start + dt.timedelta(minutes=resp),
        None if comp is None else start + dt.timedelta(minutes=comp, seconds=o.paused_seconds or 0),
    )


def _received(t: dict[str, Tally], o: Any, win: Window) -> None:
    m, unit = month(o.received_at), o.unit_id
    t["wp.orders"].add(m, unit)
    if f"wp.orders_{o.tier}" in t:
        t[f"wp.orders_{o.tier}"].add(m, unit)
    t["wp.escalated"].add(m, unit, o.escalation_level > 0)
    if o.category in _PAPERWORK:
        t["safety.livelihood.online_paperwork"].add(m, unit, o.channel == "online")
    if o.category in _VIOLENCE and o.state != "duplicate":
        t["safety.order.violence_rate"].add(m, unit)
    if o.state in _NOT_TIMED:
        return
    waited = (o.responded_at or win.end) - o.received_at
    t["safety.livelihood.median_response_minutes"].add(m, unit, waited.total_seconds() / 60)
    due = deadlines(o)[0]
    if due is not None and (o.responded_at is not None or due <= win.end):
        on_time = o.responded_at is not None and o.responded_at <= due
        t["kpi.satisfaction.response"].add(m, unit, on_time)
        if o.tier == "red":
            t["safety.prevention.red_response_1h"].add(m, unit, on_time)


def _due(t: dict[str, Tally], o: Any, win: Window) -> None:
    due = deadlines(o)[1]
    if due is None or not win.has(due) or o.state in _NOT_TIMED:
        return
    on_time = o.resolved_at is not None and o.resolved_at <= due
    m = month(due)
    for fid, tiers in _DEADLINES.items():
        if tiers is None or o.tier in tiers:
            t[fid].add(m, o.unit_id, on_time)
    if o.category in _HAZARDS:
        t["safety.hazards.rectified_on_time"].add(m, o.unit_id, on_time)


def _tasks(session: Session, principal: Principal, win: Window, t: Tally) -> None:
    stmt = scoped(select(Task.unit_id, Task.due_at, Task.done_at), principal, Task.unit_id)
    stmt = stmt.where(Task.due_at.between(win.start, win.end), Task.status != "cancelled")
    for unit, due, done in session.execute(stmt):
        t.add(month(due), unit, done is not None and done <= due)


def collect(session: Session, principal: Principal, win: Window) -> tuple[dict[str, Tally], Dates]:
    """The order figures of the window and the newest order received in it."""
    t = tallies(*IDS)
    received: list[dt.datetime] = []
    for o in _orders(session, principal, win):
        if win.has(o.received_at):
            received.append(o.received_at)
            _received(t, o, win)
        _due(t, o, win)
        if win.has(o.resolved_at):
            hours = (o.resolved_at - o.received_at).total_seconds() / 3600
            t["wp.completion_hours"].add(month(o.resolved_at), o.unit_id, hours)
    _tasks(session, principal, win, t["safety.prevention.dept_tasks_on_time"])
    return t, {"work_orders": newest(list(received))}
