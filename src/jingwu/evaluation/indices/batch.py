"""A measure over a run of consecutive months in one query, and its quarters from them.

A year's recompute would otherwise read each table once per measure and month; here a
measure that is a share, a count per residents or a mean of its rows is read once for the
whole run, each row placed in its month by the time that places it (``Selection.at``), and
a quarter whose three months were computed is their sum (numerators and denominators added:
the same figure as a query over the quarter). Medians and state-based measures (devices,
staff) are computed period by period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import and_, case, func, literal, literal_column, or_, select
from sqlalchemy.orm import Session

from jingwu.evaluation.indices import compute_orders as orders
from jingwu.evaluation.indices.computations import QUERIES
from jingwu.evaluation.indices.compute_base import Sample, Station, Window, per_10k
from jingwu.evaluation.indices.periods import Period
from jingwu.evaluation.measures import Measure
from jingwu.evaluation.vocab import Frequency
from jingwu.workorders.models import Feedback, WorkOrder

COUNTED = {"order_rate", "incident_rate", "iot_alert_rate"}
MEDIAN = "order_response_minutes_median"  # batched on PostgreSQL (:func:`medians`)
MEANS = {"feedback_rating_mean": Feedback.rating}
Raw = dict[int, tuple[int, float]]  # station → (rows, numerator or total)


def kind(measure: Measure) -> str | None:
    """``share``, ``count`` or ``mean`` when the measure can be batched, else None."""
    query = QUERIES.get(measure.query or "")
    if query is None or query.select(measure, _ANY).at is None:
        return None
    if query.aggregate is None:
        return "share"
    if measure.query in COUNTED:
        return "count"
    return "mean" if measure.query in MEANS else None


def runs(periods: Iterable[Period], length: int = 1) -> list[list[Period]]:
    """The periods of ``length`` months among ``periods`` in runs of consecutive ones."""
    months = sorted(p for p in set(periods) if p.months == length)
    out: list[list[Period]] = []
    for m in months:
        if out and out[-1][-1].shift(1) == m:
            out[-1].append(m)
        else:
            out.append([m])
    return out


def family(measure: Measure) -> str:
    """Measures of one family read the same rows (kind, joins) placed by the same time, so
    one query serves them all (:func:`months`)."""
    sel = QUERIES[measure.query or ""].select(measure, _ANY)
    joins = ";".join(f"{target}:{on}" for target, on in sel.joins)
    return f"{sel.kind}|{sel.at}|{joins}"


def months(
    session: Session, measures: list[Measure], run: list[Period], where: list[Station]
) -> dict[tuple[str, Period], dict[int, Sample]]:
    """Each month's values of batchable measures of one :func:`family`, one query: each
    measure's rows and numerator (or total) counted with its own filter."""
    w = Window(run[0].window()[0], run[-1].window()[1])
    sels = [QUERIES[m.query or ""].select(m, w) for m in measures]
    base = sels[0]
    ends = [m.window()[1] for m in run[:-1]]
    bucket = case(*((base.at < end, k) for k, end in enumerate(ends)), else_=len(run) - 1)
    columns: list[Any] = []
    for m, sel in zip(measures, sels, strict=True):
        cond = and_(*sel.where)
        columns.append(func.count().filter(cond))
        if kind(m) == "share" and sel.good is not None:
            columns.append(func.count().filter(and_(cond, sel.good)))
        elif kind(m) == "mean":
            columns.append(func.sum(MEANS[m.query or ""]).filter(cond))
        else:
            columns.append(func.count().filter(cond))
    stmt = select(base.unit, bucket.label("month_k"), *columns)
    for target, on in base.joins:
        stmt = stmt.join(target, on)
    outer = {id(target): (target, on) for sel in sels for target, on in sel.outer}
    for target, on in outer.values():  # at most one row each: no row is counted twice
        stmt = stmt.outerjoin(target, on)
    stmt = stmt.where(or_(*(and_(*sel.where) for sel in sels)))
    stmt = stmt.group_by(base.unit, literal_column("month_k"))
    raw: dict[tuple[int, int], Raw] = defaultdict(dict)
    for unit, k, *figures in session.execute(stmt):
        for i in range(len(measures)):
            n, x = figures[2 * i], figures[2 * i + 1]
            if n:
                raw[(i, int(k))][int(unit)] = (int(n), float(x or 0))
    return {
        (m.id, p): samples(kind(m) or "", raw[(i, k)], where)
        for i, m in enumerate(measures)
        for k, p in enumerate(run)
    }


def batched(
    session: Session, measures: Iterable[Measure], periods: Iterable[Period], where: list[Station]
) -> dict[tuple[str, Period], dict[int, Sample]]:
    """The values of monthly measures for those of ``periods`` that are computed in runs:
    consecutive months of batchable measures (:func:`kind`), a family at a time; on
    PostgreSQL, consecutive months and consecutive quarters of the median response time."""
    chosen = list(periods)
    monthly = [m for m in measures if m.frequency is Frequency.MONTHLY]
    families: dict[str, list[Measure]] = defaultdict(list)
    for m in monthly:
        if kind(m) is not None:
            families[family(m)].append(m)
    found: dict[tuple[str, Period], dict[int, Sample]] = {}
    for run in runs(chosen):  # a lone month is computed on its own
        if len(run) > 1:
            for group in families.values():
                found |= months(session, group, run, where)
    if session.get_bind().dialect.name == "postgresql":
        for m in (m for m in monthly if m.query == MEDIAN):
            for length in (1, 3):
                for run in runs(chosen, length):
                    if len(run) > 1:
                        found |= {(m.id, p): v for p, v in medians(session, m, run).items()}
    return found


def medians(
    session: Session, measure: Measure, run: list[Period]
) -> dict[Period, dict[int, Sample]]:
    """Each period's median minutes to the first response (periods of one length, in a run),
    one query on PostgreSQL: ``percentile_cont`` per station and period, unanswered orders
    counted up to their own period's end, as :func:`compute_orders.median_response` does."""
    sel = orders.response_minutes(measure, Window(run[0].window()[0], run[-1].window()[1]))
    ends = [p.window()[1] for p in run]
    got = WorkOrder.received_at
    bucket = case(*((got < e, k) for k, e in enumerate(ends[:-1])), else_=len(run) - 1)
    end = case(*((got < e, literal(e)) for e in ends[:-1]), else_=literal(ends[-1]))
    until = func.least(func.coalesce(WorkOrder.responded_at, end), end)
    minutes = func.greatest(0.0, func.extract("epoch", until - got) / 60.0)
    median = func.percentile_cont(0.5).within_group(minutes)
    stmt = sel.rows(WorkOrder.unit_id, bucket.label("period_k"), func.count(), median)
    stmt = stmt.group_by(WorkOrder.unit_id, literal_column("period_k"))
    out: dict[Period, dict[int, Sample]] = {p: {} for p in run}
    for unit, k, n, x in session.execute(stmt):
        if n:
            out[run[int(k)]][int(unit)] = Sample(float(x), float(n), {"rows": n})
    return out


def samples(how: str, raw: Raw, where: list[Station]) -> dict[int, Sample]:
    """Values from each station's rows and numerator (share), rows (count) or total (mean)."""
    if how == "count":
        return per_10k({u: n for u, (n, _) in raw.items()}, where)
    if how == "mean":
        return {u: Sample(x / n, float(n), {"rows": n}) for u, (n, x) in raw.items() if n}
    return {
        u: Sample(100.0 * x / n, float(n), {"rows": n, "good": int(x)})
        for u, (n, x) in raw.items()
        if n
    }


def quarter(
    how: str, parts: Iterable[Mapping[int, Sample]], where: list[Station]
) -> dict[int, Sample]:
    """A quarter's values from its three months'."""
    summed: dict[int, list[float]] = defaultdict(lambda: [0, 0.0])
    for part in parts:
        for unit, s in part.items():
            n = int(s.counts.get("rows", 0))
            summed[unit][0] += n
            if how == "share":
                summed[unit][1] += s.counts.get("good", 0)
            elif how == "mean":
                summed[unit][1] += s.value * n
    return samples(how, {u: (int(n), x) for u, (n, x) in summed.items()}, where)


_ANY = Window(*Period(2026, 1, 1).window())
