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

from sqlalchemy import case, func, literal_column
from sqlalchemy.orm import Session

from jingwu.evaluation.indices.computations import QUERIES
from jingwu.evaluation.indices.compute_base import Sample, Station, Window, per_10k
from jingwu.evaluation.indices.periods import Period
from jingwu.evaluation.measures import Measure
from jingwu.workorders.models import Feedback

COUNTED = {"order_rate", "incident_rate", "iot_alert_rate"}
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


def runs(periods: Iterable[Period]) -> list[list[Period]]:
    """The months among ``periods`` in runs of consecutive months."""
    months = sorted(p for p in set(periods) if p.months == 1)
    out: list[list[Period]] = []
    for m in months:
        if out and out[-1][-1].shift(1) == m:
            out[-1].append(m)
        else:
            out.append([m])
    return out


def months(
    session: Session, measure: Measure, run: list[Period], where: list[Station]
) -> dict[Period, dict[int, Sample]]:
    """Each month's values of a batchable measure (see :func:`kind`), one query."""
    how = kind(measure)
    query = QUERIES[measure.query or ""]
    sel = query.select(measure, Window(run[0].window()[0], run[-1].window()[1]))
    ends = [m.window()[1] for m in run[:-1]]
    bucket = case(*((sel.at < end, k) for k, end in enumerate(ends)), else_=len(run) - 1)
    second: Any
    if how == "share" and sel.good is not None:
        second = func.sum(case((sel.good, 1), else_=0))
    elif how == "mean":
        second = func.sum(MEANS[measure.query or ""])
    else:
        second = func.count()
    stmt = sel.rows(sel.unit, bucket.label("month_k"), func.count(), second)
    stmt = stmt.group_by(sel.unit, literal_column("month_k"))
    raw: dict[int, Raw] = defaultdict(dict)
    for unit, k, n, x in session.execute(stmt):
        raw[int(k)][int(unit)] = (int(n), float(x or 0))
    return {m: samples(how or "", raw[k], where) for k, m in enumerate(run)}


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
