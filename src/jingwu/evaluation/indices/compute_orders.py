"""Computations from the work orders: deadlines met, rates, channels, feedback, tasks,
mediations and disputes (the queries of ``docs/evaluation.md``)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from sqlalchemy import and_, exists, func, literal, not_, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from jingwu.evaluation.indices.compute_base import (
    Sample,
    Selection,
    Station,
    Window,
    counted,
    per_10k,
    texts,
)
from jingwu.evaluation.measures import Measure
from jingwu.evidence.models import EvidenceItem
from jingwu.workorders.models import (
    Feedback,
    FollowUp,
    Mediation,
    OverdueRecord,
    Task,
    WorkOrder,
)
from jingwu.workorders.vocab import Module, State

_LEFT_OUT = (State.TRANSFERRED, State.REJECTED, State.DUPLICATE)


def _filters(m: Measure) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if tiers := texts(m, "tiers"):
        out.append(WorkOrder.tier.in_(tiers))
    if categories := texts(m, "categories"):
        out.append(WorkOrder.category.in_(categories))
    return out


def _in(column: Any, w: Window) -> list[ColumnElement[bool]]:
    return [column >= w.start, column < w.end]


_OVERDUE = {c: aliased(OverdueRecord, name=f"overdue_{c}") for c in ("response", "completion")}


def _late(clock: str) -> ColumnElement[bool]:
    """The order has an overdue record of ``clock`` (the sweep writes one at each breach:
    deadlines of stopped clocks are not kept on the order); the selection outer-joins
    :func:`_overdue` (a hash join: a correlated EXISTS costs an index probe per order)."""
    return _OVERDUE[clock].id.is_not(None)


def _overdue(*clocks: str) -> tuple[tuple[Any, ColumnElement[bool]], ...]:
    """The outer joins :func:`_late` reads (an order has at most one record per clock)."""
    joins = ((_OVERDUE[c], c) for c in clocks)
    return tuple((o, and_(o.order_id == WorkOrder.id, o.clock == c)) for o, c in joins)


_DONE_OR_DUE = func.coalesce(WorkOrder.resolved_at, WorkOrder.completion_due_at)


def _completion_window(w: Window) -> ColumnElement[bool]:
    """Resolved in the window, or still open when its deadline passed in the window."""
    return or_(
        and_(*_in(WorkOrder.resolved_at, w)),
        and_(WorkOrder.resolved_at.is_(None), *_in(WorkOrder.completion_due_at, w)),
    )


def on_time(m: Measure, w: Window) -> Selection:
    """Orders answered (``clock`` response) or done (completion) by their deadline."""
    if m.param("clock") == "response":
        waiting = and_(WorkOrder.responded_at.is_(None), WorkOrder.response_due_at >= w.end)
        where = [
            *_in(WorkOrder.received_at, w),
            WorkOrder.state.not_in(_LEFT_OUT),
            not_(waiting),  # received late in the period and still within its time
            *_filters(m),
        ]
        good = and_(WorkOrder.responded_at.is_not(None), not_(_late("response")))
        at: Any = WorkOrder.received_at
        clock = "response"
    else:
        where = [_completion_window(w), WorkOrder.state.not_in(_LEFT_OUT), *_filters(m)]
        good = and_(WorkOrder.resolved_at.is_not(None), not_(_late("completion")))
        at = _DONE_OR_DUE
        clock = "completion"
    return Selection(
        "order", WorkOrder.code, WorkOrder.unit_id, tuple(where), good, at=at, outer=_overdue(clock)
    )


def served(m: Measure, w: Window) -> Selection:
    """Orders done or due in the window, resolved in time; rejected ones count as not."""
    rejected = and_(WorkOrder.state == State.REJECTED, *_in(WorkOrder.received_at, w))
    where = [
        or_(_completion_window(w), rejected),
        WorkOrder.state.not_in((State.TRANSFERRED, State.DUPLICATE)),
        *_filters(m),
    ]
    good = and_(
        WorkOrder.resolved_at.is_not(None),
        not_(_late("completion")),
        WorkOrder.state != State.REJECTED,
    )
    at = func.coalesce(WorkOrder.resolved_at, WorkOrder.completion_due_at, WorkOrder.received_at)
    return Selection(
        "order",
        WorkOrder.code,
        WorkOrder.unit_id,
        tuple(where),
        good,
        at=at,
        outer=_overdue("completion"),
    )


def received(m: Measure, w: Window) -> Selection:
    """Orders received in the window (duplicates left out); a share counts ``channels``."""
    where = [*_in(WorkOrder.received_at, w), WorkOrder.state != State.DUPLICATE, *_filters(m)]
    channels = texts(m, "channels")
    good = WorkOrder.channel.in_(channels) if channels else None
    return Selection(
        "order", WorkOrder.code, WorkOrder.unit_id, tuple(where), good, at=WorkOrder.received_at
    )


def order_rate(session: Session, m: Measure, w: Window, where: list[Station]) -> dict[int, Sample]:
    """Orders received per 10,000 residents."""
    return per_10k(counted(session, received(m, w)), where)


def with_evidence(m: Measure, w: Window) -> Selection:
    """Orders resolved in the window that have an evidence item."""
    good = exists(select(EvidenceItem.id).where(EvidenceItem.order_code == WorkOrder.code))
    where = (*_in(WorkOrder.resolved_at, w), *_filters(m))
    return Selection(
        "order", WorkOrder.code, WorkOrder.unit_id, where, good, at=WorkOrder.resolved_at
    )


def response_minutes(m: Measure, w: Window) -> Selection:
    """Orders received in the window (their response times give the median)."""
    where = (*_in(WorkOrder.received_at, w), WorkOrder.state.not_in(_LEFT_OUT), *_filters(m))
    return Selection("order", WorkOrder.code, WorkOrder.unit_id, where)


def median_response(
    session: Session, m: Measure, w: Window, _where: list[Station]
) -> dict[int, Sample]:
    """Median minutes to the first response; unanswered orders count up to the period's end.

    PostgreSQL takes the median itself (``percentile_cont``); elsewhere the minutes are
    read and the median taken here."""
    sel = response_minutes(m, w)
    if session.get_bind().dialect.name == "postgresql":
        end = literal(w.end)
        until = func.least(func.coalesce(WorkOrder.responded_at, end), end)
        minutes = func.greatest(0.0, func.extract("epoch", until - WorkOrder.received_at) / 60.0)
        median = func.percentile_cont(0.5).within_group(minutes)
        stmt = sel.rows(WorkOrder.unit_id, func.count(), median).group_by(WorkOrder.unit_id)
        return {
            int(unit): Sample(float(x), float(n), {"rows": n})
            for unit, n, x in session.execute(stmt)
            if n
        }
    found: dict[int, list[float]] = defaultdict(list)
    for unit, got, answered in session.execute(
        sel.rows(WorkOrder.unit_id, WorkOrder.received_at, WorkOrder.responded_at)
    ):
        until_ = answered if answered is not None and answered < w.end else w.end
        found[int(unit)].append(max(0.0, (until_ - got).total_seconds() / 60.0))
    return {
        unit: Sample(statistics.median(xs), float(len(xs)), {"rows": len(xs)})
        for unit, xs in found.items()
    }


def feedback(m: Measure, w: Window) -> Selection:
    """Feedback given in the window; a share counts those saying the problem was resolved."""
    return Selection(
        "feedback",
        Feedback.id,
        Feedback.unit_id,
        tuple(_in(Feedback.at, w)),
        Feedback.resolved.is_(True),
        at=Feedback.at,
    )


def reopened(m: Measure, w: Window) -> Selection:
    """Orders resolved in the window; a share counts those reopened by feedback."""
    good = exists(
        select(Feedback.id).where(Feedback.order_id == WorkOrder.id, Feedback.reopened.is_(True))
    )
    where = tuple(_in(WorkOrder.resolved_at, w))
    return Selection(
        "order", WorkOrder.code, WorkOrder.unit_id, where, good, at=WorkOrder.resolved_at
    )


def tasks(m: Measure, w: Window) -> Selection:
    """Department tasks due in the window, not cancelled; done by their due time."""
    where = (*_in(Task.due_at, w), Task.status != "cancelled")
    good = and_(Task.done_at.is_not(None), Task.done_at <= Task.due_at)
    return Selection("task", Task.id, Task.unit_id, where, good, at=Task.due_at)


def mediations(m: Measure, w: Window) -> Selection:
    """Mediations ended in the window; agreed ones."""
    where = (*_in(Mediation.ended_at, w), Mediation.status.in_(("agreed", "failed")))
    agreed = Mediation.status == "agreed"
    return Selection(
        "mediation", Mediation.id, Mediation.unit_id, where, agreed, at=Mediation.ended_at
    )


def follow_ups(m: Measure, w: Window) -> Selection:
    """Follow-up visits due in the window; done by their due time."""
    good = and_(FollowUp.done_at.is_not(None), FollowUp.done_at <= FollowUp.due_at)
    where = tuple(_in(FollowUp.due_at, w))
    return Selection("follow_up", FollowUp.id, FollowUp.unit_id, where, good, at=FollowUp.due_at)


def disputes(m: Measure, w: Window) -> Selection:
    """Dispute orders closed in the window; resolved unless a mediation of theirs failed."""
    failed = exists(
        select(Mediation.id).where(Mediation.order_id == WorkOrder.id, Mediation.status == "failed")
    )
    where = (*_in(WorkOrder.closed_at, w), WorkOrder.module == Module.DISPUTE)
    good = not_(failed)
    return Selection(
        "order", WorkOrder.code, WorkOrder.unit_id, where, good, at=WorkOrder.closed_at
    )
