"""The white paper's catalogue figures read from the stored indicator values (the ones the
recompute job writes, entered or imported ones included), so that the paper, its page and
the stations' scorecards show the same numbers.

A figure whose id is a catalogue measure takes, for the year, the stored values of that
measure's own periods (months for a monthly measure, quarters for a quarterly one) of the
stations in scope, and rolls them up with :func:`combine`: a share from its rows and the
rows that met it, a rate from its rows and the stations' residents, a mean weighted by its
rows, a median as the rows-weighted median of the stored medians; when some of the values
carry no counts (entered or imported by hand), the plain mean of the values. A single stored
value is shown as it is stored. A month with no stored value is missing (``None``), never zero.

The data date of the stored values (:attr:`Stored.data_date`) is how far they reach: for
each value the earlier of when it was computed and its period's end, the newest of these.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.errors import Invalid
from jingwu.evaluation.indices.models import IndicatorValue
from jingwu.evaluation.indices.periods import Period, parse_period
from jingwu.evaluation.measures import Catalogue
from jingwu.evaluation.whitepaper.specs import FigureSpec
from jingwu.evaluation.whitepaper.tally import Kind, Result

PER_10K = 10_000.0


@dataclass(frozen=True, slots=True)
class Part:
    """One stored value as the roll-up needs it (``rows``/``good``/``residents``: the counts
    the recompute kept with it, None for an entered value)."""

    station: int
    value: float
    basis: float | None = None
    rows: float | None = None
    good: float | None = None
    residents: float | None = None


def _weighted(parts: list[Part]) -> float:
    if all(p.basis for p in parts):
        total = sum(p.basis or 0.0 for p in parts)
        return sum(p.value * (p.basis or 0.0) for p in parts) / total
    return sum(p.value for p in parts) / len(parts)


def _median(parts: list[Part]) -> float:
    ordered = sorted(parts, key=lambda p: p.value)
    weights = [p.basis or 1.0 for p in ordered]
    half, run = sum(weights) / 2, 0.0
    for part, weight in zip(ordered, weights, strict=True):
        run += weight
        if run >= half:
            return part.value
    return ordered[-1].value


def combine(kind: Kind, parts: Iterable[Part]) -> float | None:
    """The figure of several stored values (pure): None without any."""
    found = list(parts)
    if not found:
        return None
    if len(found) == 1:
        return found[0].value
    if kind in {Kind.COUNT, Kind.SUM}:
        return float(sum(p.value for p in found))
    if kind is Kind.RATE and all(p.rows is not None and p.residents for p in found):
        residents = {p.station: p.residents or 0.0 for p in found}
        return sum(p.rows or 0.0 for p in found) * PER_10K / sum(residents.values())
    if kind is Kind.SHARE and all(p.rows and p.good is not None for p in found):
        return 100.0 * sum(p.good or 0.0 for p in found) / sum(p.rows or 0.0 for p in found)
    if kind is Kind.MEDIAN:
        return _median(found)
    return _weighted(found)


@dataclass(frozen=True)
class Stored:
    """The catalogue figures from the stored values, and how current those values are."""

    results: Mapping[str, Result]
    data_date: dt.datetime | None  # the values reach this far (None: no value of the year)
    computed_at: dt.datetime | None  # the newest computation or entry among them
    versions: tuple[str, ...]  # the catalogue versions they were computed by


def _part(row: Any) -> Part:
    counts = (row.rows or {}).get("counts") or {}

    def number(key: str) -> float | None:
        found = counts.get(key)
        return float(found) if isinstance(found, int | float) else None

    assert row.value is not None
    rows, good, residents = number("rows"), number("good"), number("residents")
    return Part(row.unit_id, row.value, row.basis, rows, good, residents)


def _year_periods(year: int, frequency_months: int) -> list[str]:
    start = Period(year, 1, frequency_months)
    return [str(start.shift(k)) for k in range(12 // frequency_months)]


def _result(spec: FigureSpec, rows: list[Any], stations: list[int], through: int) -> Result:
    by_month: dict[int, list[Part]] = defaultdict(list)
    by_station: dict[int, list[Part]] = defaultdict(list)
    everything: list[Part] = []
    for row in rows:
        period = parse_period(row.period)
        if row.value is None or period.month > through:
            continue
        part = _part(row)
        everything.append(part)
        by_station[row.unit_id].append(part)
        for month in period.parts():
            by_month[month.month].append(part)
    months = tuple(
        None if m > through else combine(spec.kind, by_month.get(m, [])) for m in range(1, 13)
    )
    return Result(
        combine(spec.kind, everything),
        months,
        {s: combine(spec.kind, by_station.get(s, [])) for s in stations},
    )


def load(
    session: Session,
    catalogue: Catalogue,
    specs: Iterable[FigureSpec],
    stations: list[int],
    *,
    year: int,
    through: int,
) -> Stored:
    """The stored values of ``year`` for the catalogue's figures among ``specs``."""
    wanted: dict[str, tuple[FigureSpec, list[str]]] = {}
    for spec in specs:
        try:
            measure = catalogue.measure(spec.id)
        except Invalid:
            continue
        months = {"monthly": 1, "quarterly": 3}.get(str(measure.frequency), 12)
        wanted[spec.id] = (spec, _year_periods(year, months))
    periods = {p for _, ps in wanted.values() for p in ps}
    found: dict[str, list[Any]] = defaultdict(list)
    if wanted and stations:
        stmt = select(  # the columns only: no entity per row
            IndicatorValue.indicator,
            IndicatorValue.unit_id,
            IndicatorValue.period,
            IndicatorValue.value,
            IndicatorValue.basis,
            IndicatorValue.rows,
        ).where(
            IndicatorValue.indicator.in_(sorted(wanted)),
            IndicatorValue.period.in_(sorted(periods)),
            IndicatorValue.unit_id.in_(stations),
        )
        for row in session.execute(stmt):
            if row.period in wanted[row.indicator][1]:
                found[row.indicator].append(row)
    results = {i: _result(spec, found[i], stations, through) for i, (spec, _) in wanted.items()}
    data_date, computed_at, versions = dates(session, stations, year)
    return Stored(results, data_date, computed_at, versions)


def dates(
    session: Session, stations: list[int], year: int
) -> tuple[dt.datetime | None, dt.datetime | None, tuple[str, ...]]:
    """How far the year's stored values in scope reach, their newest computation, versions."""
    if not stations:
        return None, None, ()
    stmt = (
        select(
            IndicatorValue.period,
            IndicatorValue.catalogue_version,
            func.max(IndicatorValue.computed_at),
        )
        .where(
            IndicatorValue.unit_id.in_(stations),
            IndicatorValue.period.like(f"{year}%"),
            IndicatorValue.value.is_not(None),
        )
        .group_by(IndicatorValue.period, IndicatorValue.catalogue_version)
    )
    reach: list[dt.datetime] = []
    computed: list[dt.datetime] = []
    versions: set[str] = set()
    for period, version, newest in session.execute(stmt):
        end = parse_period(period).window()[1]
        at = newest if newest.tzinfo else newest.replace(tzinfo=dt.UTC)
        reach.append(min(at, end))
        computed.append(at)
        versions.add(str(version))
    return max(reach, default=None), max(computed, default=None), tuple(sorted(versions))
