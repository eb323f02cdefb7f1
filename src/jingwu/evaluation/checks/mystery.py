"""Mystery visits (EVAL-5): the half-year's plan, the scored visits, and their statistics.

At least 200 visits per district every half-year. The plan spreads the visits over the
district's stations in proportion to their residents (at least one each), by the seeded
largest-remainder allocation of :mod:`jingwu.evaluation.sampling`, so anyone can repeat it
from the published seed. Each visit fills in the scoring sheet (:mod:`.sheet`).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.errors import Conflict, Invalid
from jingwu.evaluation import sampling
from jingwu.evaluation.checks import pools, sheet
from jingwu.evaluation.checks.models import MysteryPlan, MysteryVisit
from jingwu.evaluation.checks.periods import half_days, half_of, local_date
from jingwu.org.models import Unit

MAX_PLANNED = 5000
MAX_VISITOR = 32
MAX_NOTE = 2000


def create_plan(
    session: Session,
    principal: Principal,
    *,
    unit: str,
    half: str,
    total: int = sampling.MIN_MYSTERY_VISITS,
    seed: int | None = None,
    now: dt.datetime,
) -> MysteryPlan:
    """Plan a half-year's visits of a district (or street) over its stations."""
    principal.require("evaluation.inspect")
    where = pools.unit_in_scope(session, principal, unit, field="unit")
    half_days(half)
    if not 1 <= total <= MAX_PLANNED:
        raise Invalid(
            "Plan 1 to {n} visits.", params={"n": MAX_PLANNED}, fields={"total": "1-5000"}
        )
    stations = pools.stations_below(session, where)
    if not stations:
        raise Invalid("The unit has no stations to visit.", fields={"unit": "no stations"})
    chosen_seed = seed if seed is not None else secrets.randbelow(2**31)
    weights = {s.short_code: float(s.residents or 1) for s in stations}
    plan = MysteryPlan(
        unit_id=where.id,
        half=half,
        total=total,
        seed=chosen_seed,
        allocation=sampling.allocate(weights, total, seed=chosen_seed, minimum=1),
        created_at=now,
        created_by_id=principal.user_id,
    )
    try:
        with session.begin_nested():
            session.add(plan)
            session.flush()
    except IntegrityError:
        raise Conflict(
            "The visits of {half} are planned already.", params={"half": half}, code="planned"
        ) from None
    return plan


def _visit_code(session: Session, station: Unit, day: dt.date) -> str:
    prefix = f"{station.short_code}-{day:%Y%m%d}-V"
    taken = session.scalar(
        select(func.count()).select_from(MysteryVisit).where(MysteryVisit.code.startswith(prefix))
    )
    return f"{prefix}{int(taken or 0) + 1:02d}"


def _check_visit(
    unit: Unit, visited_at: dt.datetime, visitor: str, scenario: str, note: str, now: dt.datetime
) -> None:
    if unit.kind != "community":
        raise Invalid("Visits are made to stations.", fields={"station": "a station"})
    if visited_at > now:
        raise Invalid("A visit cannot lie in the future.", fields={"visited_at": "future"})
    if not visitor.strip() or len(visitor.strip()) > MAX_VISITOR:
        raise Invalid("Give the visitor's code.", fields={"visitor": "required"})
    if scenario not in sheet.SCENARIOS:
        raise Invalid("Choose a walk-in or a phone visit.", fields={"scenario": "unknown"})
    if len(note) > MAX_NOTE:
        raise Invalid("A note has at most {n} characters.", params={"n": MAX_NOTE})


def record_visit(
    session: Session,
    principal: Principal,
    *,
    station: str,
    visited_at: dt.datetime,
    visitor: str,
    scenario: str,
    scores: dict[str, object],
    note: str = "",
    now: dt.datetime,
) -> MysteryVisit:
    """Record one visit and its scoring sheet."""
    principal.require("evaluation.inspect")
    unit = pools.unit_in_scope(session, principal, station, field="station")
    _check_visit(unit, visited_at, visitor, scenario, note, now)
    scored = sheet.score_sheet(scores)
    day = local_date(visited_at)
    visit = MysteryVisit(
        code=_visit_code(session, unit, day),
        unit_id=unit.id,
        half=half_of(day),
        visited_at=visited_at,
        visitor=visitor.strip(),
        scenario=scenario,
        scores=scored.scores,
        total=scored.total,
        environment=scored.environment,
        passed=scored.passed,
        note=note.strip(),
        entered_at=now,
        entered_by_id=principal.user_id,
    )
    try:
        with session.begin_nested():
            session.add(visit)
            session.flush()
    except IntegrityError:
        raise Conflict("Another visit was recorded at the same moment; try again.") from None
    return visit


@dataclass(frozen=True)
class StationLine:
    """One station's visits in a half-year."""

    unit: Unit
    planned: int
    visits: int
    passed: int
    mean: float | None


@dataclass(frozen=True)
class HalfReport:
    """A half-year's visits in scope: sample size, mean with interval, pass rate."""

    half: str
    n: int
    mean: sheet.MeanInterval | None
    environment: float | None
    passing: sampling.ProportionReport | None
    plan: MysteryPlan | None
    stations: list[StationLine]


def half_report(session: Session, principal: Principal, *, half: str) -> HalfReport:
    """The visits of ``half`` in the principal's scope, and the plan of its top unit."""
    half_days(half)
    visits = list(
        session.scalars(
            scoped(select(MysteryVisit), principal, MysteryVisit.unit_id).where(
                MysteryVisit.half == half
            )
        )
    )
    plan = session.scalar(
        scoped(select(MysteryPlan), principal, MysteryPlan.unit_id)
        .join(Unit, Unit.id == MysteryPlan.unit_id)
        .where(MysteryPlan.half == half)
        .order_by(func.length(Unit.path))
        .limit(1)
    )
    n = len(visits)
    passed = sum(v.passed for v in visits)
    return HalfReport(
        half=half,
        n=n,
        mean=sheet.mean_interval([v.total for v in visits]) if n else None,
        environment=sum(v.environment for v in visits) / n if n else None,
        passing=sampling.report(passed, n) if n else None,
        plan=plan,
        stations=_stations(session, principal, visits, plan),
    )


def _stations(
    session: Session, principal: Principal, visits: list[MysteryVisit], plan: MysteryPlan | None
) -> list[StationLine]:
    units = session.scalars(
        scoped(select(Unit), principal, Unit.id)
        .where(Unit.kind == "community")
        .order_by(Unit.short_code)
    ).all()
    planned = {str(k): int(v) for k, v in (plan.allocation if plan else {}).items()}
    lines = []
    for unit in units:
        mine = [v for v in visits if v.unit_id == unit.id]
        lines.append(
            StationLine(
                unit,
                planned.get(unit.short_code, 0),
                len(mine),
                sum(v.passed for v in mine),
                sum(v.total for v in mine) / len(mine) if mine else None,
            )
        )
    return lines


def recent_visits(
    session: Session, principal: Principal, *, half: str, limit: int = 50
) -> list[tuple[MysteryVisit, Unit]]:
    """The half-year's latest visits in scope, with their station."""
    stmt = (
        scoped(select(MysteryVisit, Unit), principal, MysteryVisit.unit_id)
        .join(Unit, Unit.id == MysteryVisit.unit_id)
        .where(MysteryVisit.half == half)
        .order_by(MysteryVisit.visited_at.desc())
        .limit(limit)
    )
    return [(v, u) for v, u in session.execute(stmt)]
