"""Computations from the work orders: deadlines met, rates, channels, feedback, tasks,
mediations and disputes (the queries of ``docs/evaluation.md``)."""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from sqlalchemy import and_, exists, not_, select
from sqlalchemy.orm import Session
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
from jingwu.workorders.models import Feedback, FollowUp, Mediation, Task, WorkOrder
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


def on_time(m: Measure, w: Window) -> Selection:
    """Orders answered (``clock`` response) or done (completion) by their deadline."""
    if m.param("clock") == "response":
        where = [*_in(WorkOrder.received_at, w), WorkOrder.state.not_in(_LEFT_OUT), *_filters(m)]
        good = and_(
            WorkOrder.responded_at.is_not(None), WorkOrder.responded_at <= WorkOrder.response_due_at
        )
    else:
        where = [
            *_in(WorkOrder.completion_due_at, w),
            WorkOrder.state.not_in(_LEFT_OUT),
            *_filters(m),
        ]
        good = and_(
            WorkOrder.resolved_at.is_not(None), WorkOrder.resolved_at <= WorkOrder.completion_due_at
        )
    return Selection("order", WorkOrder.code, WorkOrder.unit_id, tuple(where), good)


def served(m: Measure, w: Window) -> Selection:
    """Orders due in the window resolved by their deadline; rejected ones count as not."""
    left_out = (State.TRANSFERRED, State.DUPLICATE)
    where = [*_in(WorkOrder.completion_due_at, w), WorkOrder.state.not_in(left_out), *_filters(m)]
    good = and_(
        WorkOrder.resolved_at.is_not(None),
        WorkOrder.resolved_at <= WorkOrder.completion_due_at,
        WorkOrder.state != "rejected",
    )
    return Selection("order", WorkOrder.code, WorkOrder.unit_id, tuple(where), good)


def received(m: Measure, w: Window) -> Selection:
    """Orders received in the window (duplicates left out); a share counts ``channels``."""
    where = [*_in(WorkOrder.received_at, w), WorkOrder.state != State.DUPLICATE, *_filters(m)]
    channels = texts(m, "channels")
    good = WorkOrder.channel.in_(channels) if channels else None
    return Selection("order", WorkOrder.code, WorkOrder.unit_id, tuple(where), good)


def order_rate(session: Session, m: Measure, w: Window, where: list[Station]) -> dict[int, Sample]:
    """Orders received per 10,000 residents."""
    return per_10k(counted(session, received(m, w)), where)


def with_evidence(m: Measure, w: Window) -> Selection:
    """Orders resolved in the window that have an evidence item."""
    good = exists(select(EvidenceItem.id).where(EvidenceItem.order_code == WorkOrder.code))
    where = (*_in(WorkOrder.resolved_at, w), *_filters(m))
    return Selection("order", WorkOrder.code, WorkOrder.unit_id, where, good)


def response_minutes(m: Measure, w: Window) -> Selection:
    """Orders received in the window (their response times give the median)."""
    where = (*_in(WorkOrder.received_at, w), WorkOrder.state.not_in(_LEFT_OUT), *_filters(m))
    return Selection("order", WorkOrder.code, WorkOrder.unit_id, where)


def median_response(
    session: Session, m: Measure, w: Window, _where: list[Station]
) -> dict[int, Sample]:
    """Median minutes to the first response; unanswered orders count up to the period's end."""
    sel = response_minutes(m, w)
    minutes: dict[int, list[float]] = defaultdict(list)
    for unit, got, answered in session.execute(
        sel.rows(WorkOrder.unit_id, WorkOrder.received_at, WorkOrder.responded_at)
    ):
        until = answered if answered is not None and answered < w.end else w.end
        minutes[int(unit)].append(max(0.0, (until - got).total_seconds() / 60.0))
    return {
        unit: Sample(statistics.median(xs), float(len(xs)), {"rows": len(xs)})
        for unit, xs in minutes.items()
    }


def feedback(m: Measure, w: Window) -> Selection:
    """Feedback given in the window; a share counts those saying the problem was resolved."""
    return Selection(
        "feedback",
        Feedback.id,
        Feedback.unit_id,
        tuple(_in(Feedback.at, w)),
        Feedback.resolved.is_(True),
    )


def reopened(m: Measure, w: Window) -> Selection:
    """Orders resolved in the window; a share counts those reopened by feedback."""
    good = exists(
        select(Feedback.id).where(Feedback.order_id == WorkOrder.id, Feedback.reopened.is_(True))
    )
    return Selection(
        "order", WorkOrder.code, WorkOrder.unit_id, tuple(_in(WorkOrder.resolved_at, w)), good
    )


def tasks(m: Measure, w: Window) -> Selection:
    """Department tasks due in the window, not cancelled; done by their due time."""
    where = (*_in(Task.due_at, w), Task.status != "cancelled")
    good = and_(Task.done_at.is_not(None), Task.done_at <= Task.due_at)
    return Selection("task", Task.id, Task.unit_id, where, good)


def mediations(m: Measure, w: Window) -> Selection:
    """Mediations ended in the window; agreed ones."""
    where = (*_in(Mediation.ended_at, w), Mediation.status.in_(("agreed", "failed")))
    return Selection(
        "mediation", Mediation.id, Mediation.unit_id, where, Mediation.status == "agreed"
    )


def follow_ups(m: Measure, w: Window) -> Selection:
    """Follow-up visits due in the window; done by their due time."""
    good = and_(FollowUp.done_at.is_not(None), FollowUp.done_at <= FollowUp.due_at)
    return Selection(
        "follow_up", FollowUp.id, FollowUp.unit_id, tuple(_in(FollowUp.due_at, w)), good
    )


def disputes(m: Measure, w: Window) -> Selection:
    """Dispute orders closed in the window; resolved unless a mediation of theirs failed."""
    failed = exists(
        select(Mediation.id).where(Mediation.order_id == WorkOrder.id, Mediation.status == "failed")
    )
    where = (*_in(WorkOrder.closed_at, w), WorkOrder.module == Module.DISPUTE)
    return Selection("order", WorkOrder.code, WorkOrder.unit_id, where, not_(failed))
