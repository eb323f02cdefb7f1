"""Read models of the indices for pages, the API and the CLI, scoped to the caller's units.

Units are ranked district-wide (every station together); a caller sees the rows of the
units in scope, with the ranks they hold among all of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal, scoped, unit_in_scope
from jingwu.errors import Invalid, NotFound
from jingwu.evaluation.indices import computations
from jingwu.evaluation.indices.catalogues import active
from jingwu.evaluation.indices.models import IndexResult, IndicatorValue
from jingwu.evaluation.indices.periods import Period, parse_period
from jingwu.evaluation.indices.results import SAFETY
from jingwu.evaluation.measures import Catalogue, Measure
from jingwu.evaluation.vocab import Source
from jingwu.org.models import Unit

INDICES = ("kpi.satisfaction", "kpi.efficiency", "kpi.social", SAFETY)
TREND = 6
MAX_ROWS = 500


@dataclass(frozen=True)
class RankRow:
    """A unit's index for a period, with its rank, interval and trend (None = missing)."""

    unit: Unit
    value: float | None
    rank: int | None
    rank_p05: float | None
    rank_p95: float | None
    ranked: int
    method: dict[str, Any]
    trend: tuple[tuple[str, float | None], ...]


def check_index(index: str) -> str:
    """``index`` if it is one of the three KPI indices or the safety index."""
    if index not in INDICES:
        raise Invalid("Unknown index {id}.", params={"id": index}, fields={"index": "unknown"})
    return index


def trend_periods(period: Period, n: int = TREND) -> list[Period]:
    """The ``n`` periods of the same length up to ``period``, oldest first."""
    return [period.shift(-k) for k in range(n - 1, -1, -1)]


def ranking(
    session: Session, principal: Principal, *, index: str, period: str, kind: str = "community"
) -> list[RankRow]:
    """Every unit of ``kind`` in scope, ranked on ``index`` for ``period`` (missing last)."""
    check_index(index)
    p = parse_period(period)
    back = [str(x) for x in trend_periods(p)]
    stmt = scoped(
        select(IndexResult, Unit).join(Unit, Unit.id == IndexResult.unit_id),
        principal,
        IndexResult.unit_id,
    ).where(IndexResult.index_id == index, IndexResult.period.in_(back), Unit.kind == kind)
    by_unit: dict[int, dict[str, IndexResult]] = {}
    units: dict[int, Unit] = {}
    for result, unit in session.execute(stmt):
        by_unit.setdefault(unit.id, {})[result.period] = result
        units[unit.id] = unit
    rows = []
    for unit_id, found in by_unit.items():
        now = found.get(str(p))
        if now is None:
            continue
        trend = tuple((q, found[q].value if q in found else None) for q in back)
        rows.append(
            RankRow(
                units[unit_id],
                now.value,
                now.rank,
                now.rank_p05,
                now.rank_p95,
                now.ranked,
                now.method,
                trend,
            )
        )
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.unit.short_code))


def latest_period(session: Session, principal: Principal, *, months: int = 1) -> str | None:
    """The newest month (or quarter) with index results in scope."""
    pattern = "____-__" if months == 1 else "____-Q_"
    stmt = scoped(select(func.max(IndexResult.period)), principal, IndexResult.unit_id)
    return session.scalar(stmt.where(IndexResult.period.like(pattern)))


@dataclass(frozen=True)
class ValueRow:
    """A stored value and the names the pages show with it."""

    row: IndicatorValue
    unit: Unit
    measure: Measure | None  # None: a measure the active catalogue no longer has


def values(
    session: Session,
    principal: Principal,
    *,
    period: str | None = None,
    indicator: str | None = None,
    unit: str | None = None,
    limit: int = MAX_ROWS,
    now: dt.datetime,
) -> list[ValueRow]:
    """Stored values in scope, filtered, at most ``limit``."""
    _, catalogue = active(session, now=now)
    stmt = scoped(
        select(IndicatorValue, Unit).join(Unit, Unit.id == IndicatorValue.unit_id),
        principal,
        IndicatorValue.unit_id,
    )
    if period is not None:
        stmt = stmt.where(IndicatorValue.period == str(parse_period(period)))
    if indicator is not None:
        stmt = stmt.where(IndicatorValue.indicator == indicator)
    if unit is not None:
        stmt = stmt.where(Unit.short_code == unit.strip().upper())
    stmt = stmt.order_by(IndicatorValue.period.desc(), Unit.short_code, IndicatorValue.indicator)
    return [
        ValueRow(v, u, _measure(catalogue, v.indicator))
        for v, u in session.execute(stmt.limit(limit))
    ]


def _measure(catalogue: Catalogue, measure_id: str) -> Measure | None:
    try:
        return catalogue.measure(measure_id)
    except Invalid:
        return None


@dataclass(frozen=True)
class ScoreLine:
    """One measure on a unit's scorecard: its value for the period and its trend."""

    measure: Measure
    value: IndicatorValue | None
    trend: tuple[tuple[str, float | None], ...]


@dataclass(frozen=True)
class Scorecard:
    """A station's every measure for a period, and its indices."""

    unit: Unit
    period: str
    catalogue: Catalogue
    lines: tuple[ScoreLine, ...]
    indices: dict[str, IndexResult]


def scorecard(
    session: Session, principal: Principal, *, code: str, period: str, now: dt.datetime
) -> Scorecard:
    """The unit's scorecard: each measure's value (of the period containing ``period`` for
    less frequent ones), where it came from, and the last periods' values."""
    unit = unit_in_scope(session, principal, code)
    if unit is None:
        raise NotFound("No such unit.")
    p = parse_period(period)
    _, catalogue = active(session, now=now)
    stored = {
        (v.indicator, v.period): v
        for v in session.scalars(select(IndicatorValue).where(IndicatorValue.unit_id == unit.id))
    }
    lines = []
    for m in catalogue:
        own = p.containing(m.frequency)
        back = trend_periods(own)
        trend = tuple(
            (str(q), v.value if (v := stored.get((m.id, str(q)))) is not None else None)
            for q in back
        )
        lines.append(ScoreLine(m, stored.get((m.id, str(own))), trend))
    results = session.scalars(
        select(IndexResult).where(IndexResult.unit_id == unit.id, IndexResult.period == str(p))
    )
    return Scorecard(unit, str(p), catalogue, tuple(lines), {r.index_id: r for r in results})


@dataclass(frozen=True)
class SourceRow:
    """One platform row a computed value read: its kind, reference, and whether it counted."""

    kind: str
    ref: str
    counted: bool | None  # in a share's numerator (None: not a share)


@dataclass(frozen=True)
class ValueDetail:
    """A value, its unit and measure, and where it came from."""

    value: IndicatorValue
    unit: Unit
    measure: Measure | None
    rows: tuple[SourceRow, ...]  # computed values: the rows (at most MAX_ROWS)
    more: bool  # more rows than shown
    entered_by: str | None


def value_detail(
    session: Session, principal: Principal, *, value_id: int, now: dt.datetime
) -> ValueDetail:
    """A stored value with the rows it was computed from, or who entered it from which file."""
    found = session.execute(
        scoped(
            select(IndicatorValue, Unit).join(Unit, Unit.id == IndicatorValue.unit_id),
            principal,
            IndicatorValue.unit_id,
        ).where(IndicatorValue.id == value_id)
    ).first()
    if found is None:
        raise NotFound("No such value.")
    v, unit = found
    _, catalogue = active(session, now=now)
    measure = _measure(catalogue, v.indicator)
    rows: list[SourceRow] = []
    if measure is not None and measure.source is Source.COMPUTED and v.origin == "query":
        sel = computations.selection(measure, parse_period(v.period))
        columns = [sel.ref] if sel.good is None else [sel.ref, sel.good]
        stmt = sel.rows(*columns).where(sel.unit == unit.id).order_by(sel.ref)
        for r in session.execute(stmt.limit(MAX_ROWS + 1)):
            rows.append(SourceRow(sel.kind, str(r[0]), None if sel.good is None else bool(r[1])))
    who = session.get(User, v.entered_by_id) if v.entered_by_id else None
    more = len(rows) > MAX_ROWS
    return ValueDetail(
        v, unit, measure, tuple(rows[:MAX_ROWS]), more, who.username if who else None
    )
