"""Storing indicator values: computed ones (replaced on each recompute), the spot checks'
(surveys, mystery visits), and those entered by hand or imported from a CSV file."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM, Principal, station_in_scope
from jingwu.audit import service as audit
from jingwu.errors import Invalid
from jingwu.evaluation.checks import feed
from jingwu.evaluation.checks.surveycsv import decode, refuse
from jingwu.evaluation.indices import batch, computations, valuecsv
from jingwu.evaluation.indices.catalogues import active
from jingwu.evaluation.indices.compute_base import Sample, Station, bulk_insert
from jingwu.evaluation.indices.models import IndicatorValue
from jingwu.evaluation.indices.periods import Period, parse_period
from jingwu.evaluation.measures import Catalogue, Measure
from jingwu.evaluation.vocab import Frequency, Source
from jingwu.org.models import Unit

# Where a value came from beyond its source: the recompute replaces "query" and "checks".
ORIGIN_QUERY, ORIGIN_CHECKS, ORIGIN_FORM, ORIGIN_FILE = "query", "checks", "form", "file"
REPLACED = (ORIGIN_QUERY, ORIGIN_CHECKS)
MAX_BYTES = 1 << 20
_ORDER = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.YEARLY: 12}


def applies(measure: Measure, period: Period) -> bool:
    """Whether the measure gets a value of its own for ``period`` (no finer than its frequency)."""
    return period.months >= _ORDER[measure.frequency]


def store_computed(
    session: Session,
    catalogue: Catalogue,
    periods: Sequence[Period],
    where: list[Station],
    *,
    now: dt.datetime,
) -> int:
    """Replace the periods' computed and check-derived values; entered ones stay."""
    session.execute(
        delete(IndicatorValue).where(
            IndicatorValue.period.in_([str(p) for p in periods]),
            IndicatorValue.origin.in_(REPLACED),
        )
    )
    found = _computed(session, catalogue, periods, where)
    n = 0
    for p in periods:
        kept = _kept(session, p)
        w = computations.window(p)
        rows: list[dict[str, Any]] = []
        for m in catalogue:
            if (m.id, p) not in found:
                continue
            selection = {
                "query": m.query,
                "params": {k: list(v) if isinstance(v, tuple) else v for k, v in m.params},
                "from": w.start.isoformat(),
                "to": w.end.isoformat(),
            }
            rows += [
                _computed_row(m, s.id, p, catalogue, found[(m.id, p)].get(s.id), selection, now)
                for s in where
                if (m.id, s.id) not in kept  # entered by hand (a measure once entered, say)
            ]
        rows += _from_checks(session, catalogue, p, kept, now=now)
        bulk_insert(session, IndicatorValue, rows)
        n += len(rows)
    return n


def _computed(
    session: Session, catalogue: Catalogue, periods: Sequence[Period], where: list[Station]
) -> dict[tuple[str, Period], dict[int, Sample]]:
    """Every computed measure's values for each period it applies to (months in batches,
    quarters from their months when all three are among ``periods``)."""
    found: dict[tuple[str, Period], dict[int, Sample]] = {}
    for m in catalogue:
        if m.source is not Source.COMPUTED:
            continue
        how = batch.kind(m)
        if how is not None and m.frequency is Frequency.MONTHLY:
            for run in batch.runs(periods):  # a lone month is computed on its own
                if len(run) > 1:
                    found |= {(m.id, p): v for p, v in batch.months(session, m, run, where).items()}
        for p in periods:
            if not applies(m, p) or (m.id, p) in found:
                continue
            parts = [found.get((m.id, q)) for q in p.parts()]
            if how is not None and p.months == 3 and all(x is not None for x in parts):
                found[(m.id, p)] = batch.quarter(how, [x for x in parts if x is not None], where)
            else:
                found[(m.id, p)] = computations.compute(session, m, p, where)
    return found


def _computed_row(
    m: Measure,
    unit_id: int,
    period: Period,
    catalogue: Catalogue,
    sample: Sample | None,
    selection: dict[str, Any],
    now: dt.datetime,
) -> dict[str, Any]:
    counts: dict[str, Any] = dict(sample.counts) if sample else {}
    value = None if sample is None else min(max(sample.value, m.low), m.high)
    if sample is not None and value != sample.value:
        counts["unclamped"] = sample.value  # a rate beyond the catalogue's range
    return _row(m, unit_id, period, catalogue, now) | {
        "value": value,
        "basis": None if sample is None else sample.basis,
        "origin": ORIGIN_QUERY,
        "rows": selection | {"counts": counts},
    }


def _row(
    m: Measure, unit_id: int, period: Period, c: Catalogue, now: dt.datetime
) -> dict[str, Any]:
    return {
        "indicator": m.id,
        "unit_id": unit_id,
        "period": str(period),
        "source": str(m.source),
        "catalogue_version": c.version,
        "computed_at": now,
        "entered_by_id": None,
        "filename": None,
        "sha256": None,
        "line": None,
    }


def _kept(session: Session, period: Period) -> set[tuple[str, int]]:
    """The (measure, station) pairs of the period that have a value entered or imported."""
    return {
        (str(i), int(u))
        for i, u in session.execute(
            select(IndicatorValue.indicator, IndicatorValue.unit_id).where(
                IndicatorValue.period == str(period), IndicatorValue.origin.not_in(REPLACED)
            )
        )
    }


def _from_checks(
    session: Session,
    catalogue: Catalogue,
    period: Period,
    kept: set[tuple[str, int]],
    *,
    now: dt.datetime,
) -> list[dict[str, Any]]:
    """The surveys' and mystery visits' values of the period, unless one was entered."""
    out = []
    for r in feed.indicator_rows(session, SYSTEM, period=str(period)):
        try:
            m = catalogue.measure(r.indicator)
        except Invalid:
            continue
        if (r.indicator, r.unit_id) in kept or not m.low <= r.value <= m.high:
            continue
        out.append(
            _row(m, r.unit_id, period, catalogue, now)
            | {"value": r.value, "basis": None, "origin": ORIGIN_CHECKS, "rows": r.provenance}
        )
    return out


def _put(
    session: Session, values: dict[str, Any], *, indicator: str, unit_id: int, period: str
) -> IndicatorValue:
    row = session.scalar(
        select(IndicatorValue).where(
            IndicatorValue.indicator == indicator,
            IndicatorValue.unit_id == unit_id,
            IndicatorValue.period == period,
        )
    )
    if row is None:
        row = IndicatorValue(indicator=indicator, unit_id=unit_id, period=period)
        session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    return row


def enter(
    session: Session,
    principal: Principal,
    *,
    indicator: str,
    station: str,
    period: str,
    value: float,
    now: dt.datetime,
    note: str = "",
) -> IndicatorValue:
    """Enter one value of an entered or imported measure for a station in scope (``note``:
    why, kept with the value)."""
    principal.require("evaluation.enter")
    _, catalogue = active(session, now=now)
    m = valuecsv.check_entry(catalogue, indicator, period, value)
    unit = station_in_scope(session, principal, station)
    if unit is None:
        raise Invalid("No such station.", fields={"station": "unknown station"})
    text = str(parse_period(period))
    row = _put(
        session,
        _row(m, unit.id, parse_period(period), catalogue, now)
        | {
            "value": value,
            "basis": None,
            "origin": ORIGIN_FORM,
            "rows": {"note": note.strip()[:500]} if note.strip() else {},
            "entered_by_id": principal.user_id,
        },
        indicator=m.id,
        unit_id=unit.id,
        period=text,
    )
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="evaluation.values_entered",
        object_type="eval_indicator_values",
        object_id=row.id,
        unit_id=unit.id,
        detail={"indicator": m.id, "period": text, "value": value}
        | ({"note": note.strip()[:500]} if note.strip() else {}),
        now=now,
    )
    return row


def import_file(
    session: Session, principal: Principal, *, filename: str, content: bytes, now: dt.datetime
) -> int:
    """Import a values file: every row checked first, nothing stored if any is wrong."""
    principal.require("evaluation.enter")
    if len(content) > MAX_BYTES:
        raise Invalid("A values file has at most 1 MiB.", fields={"file": "too large"})
    _, catalogue = active(session, now=now)
    rows, errors = valuecsv.read(decode(content), catalogue)
    units: dict[str, Unit] = {}
    for r in rows:
        unit = units.get(r.station) or station_in_scope(session, principal, r.station)
        if unit is None:
            errors[f"line {r.line}"] = "unknown station"
        else:
            units[r.station] = unit
    if errors:
        raise refuse(errors)
    digest = hashlib.sha256(content).hexdigest()
    for r in rows:
        m, unit = catalogue.measure(r.indicator), units[r.station]
        _put(
            session,
            _row(m, unit.id, parse_period(r.period), catalogue, now)
            | {
                "value": r.value,
                "basis": None,
                "origin": ORIGIN_FILE,
                "rows": {},
                "entered_by_id": principal.user_id,
                "filename": filename[:255],
                "sha256": digest,
                "line": r.line,
            },
            indicator=m.id,
            unit_id=unit.id,
            period=r.period,
        )
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="evaluation.values_imported",
        object_type="eval_indicator_values",
        detail={"file": filename[:255], "sha256": digest, "rows": len(rows)},
        now=now,
    )
    return len(rows)
