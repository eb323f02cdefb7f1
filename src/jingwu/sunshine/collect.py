"""What the publication reads on the intranet: the raw figures of the last months.

Work orders, ratings and mediations are read in one pass each (columns only, no entity per
row) and grouped by community and local month here; index values and the double-random
checks come through the evaluation domain's queries, as the public may see them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.evaluation.checks import queries as checks
from jingwu.evaluation.indices import queries as indices
from jingwu.org.models import Unit
from jingwu.sunshine.dataset import Place, Raw
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.models import Feedback, WorkOrder
from jingwu.workorders.models_cases import Mediation
from jingwu.workorders.reports import local_month, month_bounds

MONTHS = 12
# A month is published once it is over and this long past, so that late responses and
# closures of its last days are in; from then on its count figures are frozen.
GRACE = dt.timedelta(days=3)


def months_up_to(now: dt.datetime, n: int = MONTHS) -> list[str]:
    """The ``n`` local months ending with the month of ``now``, oldest first."""
    year, month = (int(p) for p in local_month(now).split("-"))
    out = []
    for back in range(n - 1, -1, -1):
        y, m = divmod(year * 12 + month - 1 - back, 12)
        out.append(f"{y:04d}-{m + 1:02d}")
    return out


def complete_months(now: dt.datetime, n: int = MONTHS) -> list[str]:
    """The ``n`` months up to the last one that ended at least :data:`GRACE` before ``now``."""
    return months_up_to(now - GRACE, n + 1)[:-1]


def _minutes(a: dt.datetime, b: dt.datetime) -> float:
    return (b - a).total_seconds() / 60


def collect(session: Session, *, now: dt.datetime, n_months: int = MONTHS) -> Raw:
    """The raw figures of the last ``n_months`` complete local months, per community."""
    months = complete_months(now, n_months)
    start, _ = month_bounds(months[0])
    units = session.execute(
        select(Unit.id, Unit.short_code, Unit.name, Unit.name_en, Unit.lat, Unit.lon).where(
            Unit.kind == "community"
        )
    ).all()
    code = {u.id: u.short_code for u in units}
    raw = Raw(
        months=months,
        places=[Place(u.short_code, u.name, u.name_en, u.lat, u.lon) for u in units],
        categories={},
    )
    wanted = set(months)
    _orders(session, raw, code, start, wanted)
    _ratings(session, raw, code, start, wanted)
    _mediations(session, raw, code, start, wanted)
    _indices(session, raw, wanted)
    _draws(session, raw, wanted)
    for c in {cat for (_, _, _), counts in raw.requests.items() for cat, _ in counts}:
        raw.categories[c] = (
            (DEFAULT_CATALOGUE.get(c).zh, DEFAULT_CATALOGUE.get(c).en)
            if c in DEFAULT_CATALOGUE
            else (c, c)
        )
    return raw


def _count(raw: Raw, key: tuple[str, str, str], category: str, tier: str) -> None:
    counts = raw.requests.setdefault(key, {})
    counts[(category, tier)] = counts.get((category, tier), 0) + 1


def _orders(
    session: Session, raw: Raw, code: dict[int, str], start: dt.datetime, wanted: set[str]
) -> None:
    stmt = select(
        WorkOrder.unit_id,
        WorkOrder.category,
        func.coalesce(WorkOrder.tier, WorkOrder.suggested_tier),
        WorkOrder.received_at,
        WorkOrder.responded_at,
        WorkOrder.resolved_at,
        WorkOrder.closed_at,
    ).where(WorkOrder.duplicate_of.is_(None))
    stmt = stmt.where(
        (WorkOrder.received_at >= start)
        | (WorkOrder.closed_at >= start)
        | (WorkOrder.resolved_at >= start)
    )
    durations: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for unit_id, category, tier, received, responded, resolved, closed in session.execute(stmt):
        community = code.get(unit_id)
        if community is None:
            continue
        got = local_month(received)
        if got in wanted:
            _count(raw, (community, got, "received"), category, tier)
            if responded is not None:
                durations[(community, got, "response_median_minutes")].append(
                    _minutes(received, responded)
                )
        if closed is not None and (m := local_month(closed)) in wanted:
            _count(raw, (community, m, "closed"), category, tier)
        if resolved is not None and (m := local_month(resolved)) in wanted:
            durations[(community, m, "completion_median_minutes")].append(
                _minutes(received, resolved)
            )
    raw.durations = dict(durations)


def _ratings(
    session: Session, raw: Raw, code: dict[int, str], start: dt.datetime, wanted: set[str]
) -> None:
    stmt = select(Feedback.unit_id, Feedback.at, Feedback.rating).where(Feedback.at >= start)
    for unit_id, at, rating in session.execute(stmt):
        if unit_id in code and (m := local_month(at)) in wanted:
            raw.ratings.setdefault((code[unit_id], m), []).append(int(rating))


def _mediations(
    session: Session, raw: Raw, code: dict[int, str], start: dt.datetime, wanted: set[str]
) -> None:
    stmt = select(Mediation.unit_id, Mediation.opened_at, Mediation.status).where(
        Mediation.opened_at >= start
    )
    for unit_id, opened, status in session.execute(stmt):
        if unit_id in code and (m := local_month(opened)) in wanted:
            counts = raw.mediations.setdefault((code[unit_id], m), {})
            counts[status] = counts.get(status, 0) + 1


def _indices(session: Session, raw: Raw, wanted: set[str]) -> None:
    for month in sorted(wanted):
        for index in indices.INDICES:
            for row in indices.ranking(session, SYSTEM, index=index, period=month):
                if row.value is not None:
                    raw.indices[(row.unit.short_code, month, index)] = float(row.value)


def _draws(session: Session, raw: Raw, wanted: set[str]) -> None:
    for year in sorted({int(m[:4]) for m in wanted}):
        for r in checks.published_results(session, year=year):
            if r.period[:7] in wanted:
                raw.draws.append(
                    {
                        "draw": r.draw,
                        "kind": r.kind,
                        "unit": r.unit,
                        "period": r.period,
                        "commitment": r.commitment,
                        "seed": r.seed,
                        "drawn_on": r.drawn_on,
                        "target": r.target,
                        "status": r.status,
                        "recorded_at": r.recorded_at,
                    }
                )
