"""Figures from the spot checks, mystery visits, imported surveys and expert reviews."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.evaluation.checks import queries as check_queries
from jingwu.evaluation.checks.models import (
    CheckOutcome,
    ExpertReview,
    MysteryVisit,
    SurveyImport,
    SurveyResult,
)
from jingwu.evaluation.checks.periods import LOCAL
from jingwu.evaluation.whitepaper.sources import Dates, Window, month, newest, tallies
from jingwu.evaluation.whitepaper.tally import Result, Tally

SURVEYED = (
    "kpi.satisfaction.environment",
    "kpi.satisfaction.innovation",
    "safety.order.safety_feeling",
)
IDS = (
    "wp.checks",
    "wp.checks_found",
    "wp.mystery",
    "wp.mystery_score",
    "wp.mystery_passed",
    "wp.mystery_environment",
    "wp.survey_respondents",
    *SURVEYED,
    "wp.expert_score",
)
_PERIOD_END = {"Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12, "H1": 6, "H2": 12}


def period_month(period: str) -> int:
    """The month a survey period ends in: ``2026-Q2`` → 6, ``2026-03`` → 3, ``2026`` → 12."""
    tail = period[5:]
    if not tail:
        return 12
    return _PERIOD_END.get(tail) or int(tail)


def _outcomes(session: Session, principal: Principal, win: Window, t: dict[str, Tally]) -> Dates:
    stmt = scoped(
        select(CheckOutcome.unit_id, CheckOutcome.recorded_at, CheckOutcome.status),
        principal,
        CheckOutcome.unit_id,
    ).where(CheckOutcome.recorded_at.between(win.start, win.end))
    times = []
    for unit, at, status in session.execute(stmt):
        times.append(at)
        t["wp.checks"].add(month(at), unit)
        t["wp.checks_found"].add(month(at), unit, status in {"found", "follow_up"})
    return {"checks": newest(times)}


def coverage(session: Session, principal: Principal, win: Window) -> Result:
    """Stations checked since the year began: the share at each month's end, and per station
    100 (checked) or 0."""
    through = f"{win.year}-{win.through:02d}" if win.through else f"{win.year}-00"
    view = check_queries.coverage(session, principal, year=win.year, through=through)
    if not view.pool:
        return Result(None, (None,) * 12, {})
    shares = [100.0 * n / view.pool for _, n in view.by_month]
    months = tuple(shares + [None] * (12 - len(shares)))
    unchecked = {u.id for u in view.unchecked}
    stations = {
        u.id: 0.0 if u.id in unchecked else 100.0
        for u in check_queries.stations(session, principal)
    }
    return Result(100.0 * view.checked / view.pool, months, stations)


def _mystery(session: Session, principal: Principal, win: Window, t: dict[str, Tally]) -> Dates:
    stmt = scoped(select(MysteryVisit), principal, MysteryVisit.unit_id).where(
        MysteryVisit.visited_at.between(win.start, win.end)
    )
    times = []
    for v in session.scalars(stmt):
        m, unit = month(v.visited_at), v.unit_id
        times.append(v.visited_at)
        t["wp.mystery"].add(m, unit)
        t["wp.mystery_score"].add(m, unit, v.total)
        t["wp.mystery_passed"].add(m, unit, v.passed)
        t["wp.mystery_environment"].add(m, unit, v.environment)
    return {"mystery_visits": newest(times)}


def _surveys(session: Session, principal: Principal, win: Window, t: dict[str, Tally]) -> Dates:
    stmt = (
        scoped(select(SurveyResult, SurveyImport.imported_at), principal, SurveyResult.unit_id)
        .join(SurveyImport, SurveyImport.id == SurveyResult.import_id)
        .where(SurveyResult.period.startswith(str(win.year)))
    )
    times, seen = [], set()
    for row, imported in session.execute(stmt):
        m = period_month(row.period)
        times.append(imported)
        if row.indicator in SURVEYED:
            t[row.indicator].add(m, row.unit_id, row.value)
        if (row.import_id, row.unit_id, row.period) not in seen:
            seen.add((row.import_id, row.unit_id, row.period))
            t["wp.survey_respondents"].add(m, row.unit_id, row.respondents)
    return {"surveys": newest(times)}


def _experts(session: Session, principal: Principal, win: Window, t: dict[str, Tally]) -> Dates:
    first, last = win.start.astimezone(LOCAL).date(), win.end.astimezone(LOCAL).date()
    stmt = scoped(
        select(ExpertReview.unit_id, ExpertReview.reviewed_on, ExpertReview.score),
        principal,
        ExpertReview.unit_id,
    ).where(ExpertReview.reviewed_on.between(first, last))
    days = []
    for unit, day, score in session.execute(stmt):
        days.append(dt.datetime(day.year, day.month, day.day, 12, tzinfo=LOCAL))
        t["wp.expert_score"].add(day.month, unit, score)
    return {"expert_reviews": newest(days)}


def collect(
    session: Session, principal: Principal, win: Window
) -> tuple[dict[str, Tally | Result], Dates]:
    """The check and third-party figures of the window, with their newest records."""
    t = tallies(*IDS)
    dates = _outcomes(session, principal, win, t)
    dates |= _mystery(session, principal, win, t)
    dates |= _surveys(session, principal, win, t)
    dates |= _experts(session, principal, win, t)
    found: dict[str, Tally | Result] = dict(t)
    found["wp.coverage"] = coverage(session, principal, win)
    return found, dates
