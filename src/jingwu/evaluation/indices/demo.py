"""Demo seed of the indices: a year of values and results, so every page has figures.

The months the demo's work orders cover (last month and this one) are computed from them;
the eleven months before, which have no orders, get values entered
by the demo director — plausible figures around each measure's typical level, each station
keeping a steady character (some better, some worse) with month-to-month noise — and the
entered and imported measures get such values for every quarter and year, except where the
spot checks (surveys, mystery visits) give one. Then every period is recomputed as the
worker would have (entered values are kept). All in bulk: the seed stays fast.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.demodata import DemoContext
from jingwu.evaluation.checks import feed
from jingwu.evaluation.indices import service
from jingwu.evaluation.indices.catalogues import active
from jingwu.evaluation.indices.compute_base import bulk_insert, stations
from jingwu.evaluation.indices.models import IndicatorValue
from jingwu.evaluation.indices.periods import Period, of_instant
from jingwu.evaluation.indices.values import ORIGIN_FORM
from jingwu.evaluation.measures import Measure
from jingwu.evaluation.vocab import Frequency, Source, Unit

# (typical level, spread) of a measure's values by unit, and for lower-is-better shares.
LEVELS: dict[Unit, tuple[float, float]] = {
    Unit.PERCENT: (86.0, 7.0),
    Unit.PERCENT_CHANGE: (-4.0, 9.0),
    Unit.PER_10K_RESIDENTS: (12.0, 5.0),
    Unit.PER_KM2: (22.0, 6.0),
    Unit.MINUTES: (11.0, 3.5),
    Unit.HOURS: (20.0, 6.0),
    Unit.DAYS: (3.0, 1.0),
    Unit.COUNT: (6.0, 1.2),
    Unit.SCORE_5: (4.3, 0.3),
    Unit.SCORE_100: (82.0, 6.0),
}
LOW_SHARE = (9.0, 4.0)  # a share where lower is better (repeats, reopened orders, …)
SPECIAL = {
    "safety.prevention.police_per_10k": (9.0, 2.0),
    "safety.sensing.class_coverage": (6.5, 1.0),
    "kpi.social.public_order_fall": (4.0, 9.0),
    "kpi.social.participation": (32.0, 6.0),
}


def _typical(m: Measure) -> tuple[float, float]:
    if m.id in SPECIAL:
        return SPECIAL[m.id]
    if m.unit is Unit.PERCENT and not m.higher_better:
        return LOW_SHARE
    return LEVELS[m.unit]


def _value(m: Measure, quality: float, rng: random.Random) -> float:
    centre, spread = _typical(m)
    z = 0.7 * quality + 0.5 * rng.gauss(0.0, 1.0)
    raw = centre + spread * (z if m.higher_better else -z)
    if m.unit is Unit.COUNT:
        raw = round(raw)
    return round(min(max(raw, m.low), m.high), 2)


def _periods(now: dt.datetime) -> tuple[list[Period], list[Period], list[Period]]:
    """The months without orders (a year back to last month's start), their quarters, years."""
    this = of_instant(now)
    entered = [this.shift(-k) for k in range(12, 1, -1)]
    quarters = sorted({p.containing(Frequency.QUARTERLY) for p in [*entered, this]})
    years = sorted({p.containing(Frequency.YEARLY) for p in [*entered, this]})
    return entered, quarters, years


def seed(session: Session, ctx: DemoContext) -> None:
    """A year of values and results (see the module text)."""
    director = ctx.data.get("users", {}).get("director")
    version, catalogue = active(session, now=ctx.now)
    where = stations(session)
    rng = random.Random(ctx.rng.random())
    quality = {s.id: rng.gauss(0.0, 1.0) for s in where}
    from_checks = {(r.indicator, r.unit_id, r.period) for r in feed.indicator_rows(session, SYSTEM)}
    months, quarters, years = _periods(ctx.now)
    this = of_instant(ctx.now)
    rows: list[dict[str, Any]] = []
    for m in catalogue:
        computed = m.source is Source.COMPUTED
        own = {Frequency.MONTHLY: months, Frequency.QUARTERLY: quarters, Frequency.YEARLY: years}
        for p in own[m.frequency]:
            if computed and p.window()[1] > this.shift(-1).window()[0]:
                continue  # the months with orders, and their quarter, are computed
            for s in where:
                if (m.id, s.id, str(p)) in from_checks:
                    continue
                rows.append(
                    {
                        "indicator": m.id,
                        "unit_id": s.id,
                        "period": str(p),
                        "value": _value(m, quality[s.id], rng),
                        "basis": None,
                        "source": str(m.source),
                        "origin": ORIGIN_FORM,
                        "catalogue_version": version.version,
                        "computed_at": ctx.now,
                        "rows": {},
                        "entered_by_id": director,
                        "filename": None,
                        "sha256": None,
                        "line": None,
                    }
                )
    bulk_insert(session, IndicatorValue, rows)
    # As the worker would have: every month, then every quarter (the spot checks' values too).
    service.recompute_periods(session, [*months, this.shift(-1), this, *quarters], now=ctx.now)
