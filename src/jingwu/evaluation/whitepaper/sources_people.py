"""Figures from the citizens' feedback and the dispute mediations."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.evaluation.whitepaper.sources import Dates, Window, month, newest, tallies
from jingwu.evaluation.whitepaper.tally import Tally
from jingwu.workorders.models import Feedback, WorkOrder
from jingwu.workorders.models_cases import FollowUp, Mediation

IDS = (
    "wp.feedback",
    "safety.livelihood.rating_mean",
    "wp.satisfied",
    "safety.livelihood.resolved_by_citizen",
    "safety.livelihood.reopen_share",
    "wp.mediations",
    "safety.livelihood.mediation_agreed",
    "safety.livelihood.follow_up_on_time",
)


def _feedback(session: Session, principal: Principal, win: Window, t: dict[str, Tally]) -> Dates:
    stmt = scoped(
        select(Feedback.unit_id, Feedback.at, Feedback.rating, Feedback.resolved),
        principal,
        Feedback.unit_id,
    ).where(Feedback.at.between(win.start, win.end))
    times = []
    for unit, at, rating, resolved in session.execute(stmt):
        m = month(at)
        times.append(at)
        t["wp.feedback"].add(m, unit)
        t["safety.livelihood.rating_mean"].add(m, unit, rating)
        t["wp.satisfied"].add(m, unit, rating >= 4)
        t["safety.livelihood.resolved_by_citizen"].add(m, unit, resolved)
    reopened = set(session.scalars(select(Feedback.order_id).where(Feedback.reopened.is_(True))))
    resolved_orders = scoped(
        select(WorkOrder.id, WorkOrder.unit_id, WorkOrder.resolved_at),
        principal,
        WorkOrder.unit_id,
    ).where(WorkOrder.resolved_at.between(win.start, win.end))
    for order, unit, done in session.execute(resolved_orders):
        if done is not None:
            t["safety.livelihood.reopen_share"].add(month(done), unit, order in reopened)
    return {"feedback": newest(times)}


def _mediations(session: Session, principal: Principal, win: Window, t: dict[str, Tally]) -> Dates:
    stmt = scoped(
        select(Mediation.unit_id, Mediation.opened_at, Mediation.ended_at, Mediation.status),
        principal,
        Mediation.unit_id,
    )
    times = []
    for unit, opened, ended, status in session.execute(stmt):
        if win.has(opened):
            times.append(opened)
            t["wp.mediations"].add(month(opened), unit)
        if ended is not None and win.has(ended) and status in {"agreed", "failed"}:
            times.append(ended)
            t["safety.livelihood.mediation_agreed"].add(month(ended), unit, status == "agreed")
    follow = scoped(
        select(FollowUp.unit_id, FollowUp.due_at, FollowUp.done_at), principal, FollowUp.unit_id
    ).where(FollowUp.due_at.between(win.start, win.end))
    for unit, due, done in session.execute(follow):
        on_time = done is not None and done <= due
        t["safety.livelihood.follow_up_on_time"].add(month(due), unit, on_time)
    return {"mediation": newest(times)}


def collect(session: Session, principal: Principal, win: Window) -> tuple[dict[str, Tally], Dates]:
    """The feedback and mediation figures of the window, with their newest records."""
    t = tallies(*IDS)
    dates = _feedback(session, principal, win, t)
    dates |= _mediations(session, principal, win, t)
    return t, dates
