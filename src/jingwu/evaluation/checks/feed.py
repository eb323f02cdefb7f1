"""What the spot checks give the indices: indicator values with provenance, and check counts.

:func:`indicator_rows` turns the imported survey rows and the mystery visits into values of
the catalogue's imported measures, one per unit, period and indicator:

- a survey row gives its indicator's value (the latest import of a unit, period and
  indicator wins), with the file, line, importer and respondents as provenance;
- the mystery visits of a station in a quarter give ``kpi.satisfaction.environment``: the
  mean of their environment sections (0–100). When a survey gives the same station and
  quarter a value too, the catalogue's definition asks for both: the value is the mean of
  the two sources' means, and the provenance names both.

:func:`orange_checks` counts the orange re-inspections and home visits drawn per station
and how many had their outcome recorded in time (``draw_checks_done_share``).
Nothing here writes: the indices engineer stores values in tables of their own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.evaluation.checks import ledger
from jingwu.evaluation.checks.models import (
    CheckDraw,
    CheckOutcome,
    MysteryVisit,
    SurveyImport,
    SurveyResult,
)
from jingwu.evaluation.checks.periods import local_date, quarter_of
from jingwu.evaluation.checks.pools import Kind
from jingwu.org.models import Unit

ENVIRONMENT = "kpi.satisfaction.environment"


@dataclass(frozen=True)
class IndicatorRow:
    """One value of an imported measure, and where it came from."""

    unit_id: int
    unit: str  # the unit's short code
    period: str  # YYYY, YYYY-Qn, YYYY-MM (the measure's frequency)
    indicator: str
    value: float
    provenance: dict[str, Any]


def _survey_rows(
    session: Session, principal: Principal
) -> dict[tuple[int, str, str], tuple[float, dict[str, Any]]]:
    stmt = (
        scoped(select(SurveyResult, SurveyImport), principal, SurveyResult.unit_id)
        .join(SurveyImport, SurveyImport.id == SurveyResult.import_id)
        .order_by(SurveyImport.imported_at, SurveyImport.id)
    )
    found: dict[tuple[int, str, str], tuple[float, dict[str, Any]]] = {}
    for row, batch in session.execute(stmt):
        found[(row.unit_id, row.period, row.indicator)] = (  # later imports win
            row.value,
            {
                "source": "imported",
                "kind": "survey",
                "import": batch.id,
                "file": batch.filename,
                "sha256": batch.sha256,
                "line": row.line,
                "respondents": row.respondents,
                "imported_at": batch.imported_at.isoformat(),
                "imported_by": batch.imported_by_id,
            },
        )
    return found


def _visit_rows(
    session: Session, principal: Principal
) -> dict[tuple[int, str, str], tuple[float, dict[str, Any]]]:
    groups: dict[tuple[int, str], list[MysteryVisit]] = defaultdict(list)
    for visit in session.scalars(scoped(select(MysteryVisit), principal, MysteryVisit.unit_id)):
        groups[(visit.unit_id, quarter_of(local_date(visit.visited_at)))].append(visit)
    found = {}
    for (unit_id, quarter), visits in groups.items():
        days = sorted(local_date(v.visited_at) for v in visits)
        found[(unit_id, quarter, ENVIRONMENT)] = (
            sum(v.environment for v in visits) / len(visits),
            {
                "source": "imported",
                "kind": "mystery_visits",
                "visits": len(visits),
                "first": days[0].isoformat(),
                "last": days[-1].isoformat(),
                "entered_by": sorted({v.entered_by_id for v in visits if v.entered_by_id}),
            },
        )
    return found


def indicator_rows(
    session: Session,
    principal: Principal,
    *,
    indicator: str | None = None,
    period: str | None = None,
) -> list[IndicatorRow]:
    """Imported indicator values of units in scope, with provenance (see the module text)."""
    values = _survey_rows(session, principal)
    for key, (value, origin) in _visit_rows(session, principal).items():
        if key in values:
            other, first = values[key]
            values[key] = (
                (value + other) / 2,
                {"source": "imported", "kind": "combined", "parts": [first, origin]},
            )
        else:
            values[key] = (value, origin)
    codes = {int(i): str(c) for i, c in session.execute(select(Unit.id, Unit.short_code))}
    rows = [
        IndicatorRow(unit_id, codes[unit_id], p, i, value, origin)
        for (unit_id, p, i), (value, origin) in values.items()
        if (indicator is None or i == indicator) and (period is None or p == period)
    ]
    return sorted(rows, key=lambda r: (r.indicator, r.period, r.unit))


@dataclass(frozen=True)
class CheckCount:
    """A station's orange re-inspections and home visits drawn in a period, and done in time."""

    unit_id: int
    drawn: int
    recorded: int


def orange_checks(
    session: Session, principal: Principal, *, start: dt.datetime, end: dt.datetime
) -> list[CheckCount]:
    """Per station in scope: orange checks drawn in [start, end) and recorded before ``end``."""
    draws = session.scalars(
        scoped(select(CheckDraw), principal, CheckDraw.unit_id).where(
            CheckDraw.kind == Kind.ORANGE,
            CheckDraw.drawn_at >= start,
            CheckDraw.drawn_at < end,
        )
    ).all()
    if not draws:
        return []
    done = {
        (o.draw_id, o.purpose, o.target)
        for o in session.scalars(
            select(CheckOutcome).where(
                CheckOutcome.draw_id.in_([d.id for d in draws]), CheckOutcome.recorded_at < end
            )
        )
    }
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for d in draws:
        for purpose, pairs in ledger.pairs_of(d.pairs).items():
            for p in pairs:
                counts[d.unit_id][0] += 1
                counts[d.unit_id][1] += (d.id, purpose, p.target) in done
    return [CheckCount(u, n, r) for u, (n, r) in sorted(counts.items())]
