"""Storing indicator values: computed ones (replaced on each recompute), the spot checks'
(surveys, mystery visits), and those entered by hand or imported from a CSV file."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM, Principal, station_in_scope
from jingwu.audit import service as audit
from jingwu.errors import Invalid
from jingwu.evaluation.checks import feed
from jingwu.evaluation.checks.surveycsv import decode, refuse
from jingwu.evaluation.indices import computations, valuecsv
from jingwu.evaluation.indices.catalogues import active
from jingwu.evaluation.indices.compute_base import Station
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
    period: Period,
    where: list[Station],
    *,
    now: dt.datetime,
) -> int:
    """Replace the period's computed and check-derived values; entered ones stay."""
    session.execute(
        delete(IndicatorValue).where(
            IndicatorValue.period == str(period), IndicatorValue.origin.in_(REPLACED)
        )
    )
    rows: list[dict[str, Any]] = []
    w = computations.window(period)
    for m in catalogue:
        if m.source is not Source.COMPUTED or not applies(m, period):
            continue
        found = computations.compute(session, m, period, where)
        selection = {
            "query": m.query,
            "params": {k: list(v) if isinstance(v, tuple) else v for k, v in m.params},
            "from": w.start.isoformat(),
            "to": w.end.isoformat(),
        }
        for s in where:
            sample = found.get(s.id)
            counts = dict(sample.counts) if sample else {}
            value = None if sample is None else min(max(sample.value, m.low), m.high)
            if sample is not None and value != sample.value:
                counts["unclamped"] = sample.value  # a rate beyond the catalogue's range
            rows.append(
                _row(m, s.id, period, catalogue, now)
                | {
                    "value": value,
                    "basis": None if sample is None else sample.basis,
                    "origin": ORIGIN_QUERY,
                    "rows": selection | {"counts": counts},
                }
            )
    rows += _from_checks(session, catalogue, period, now=now)
    if rows:
        session.execute(insert(IndicatorValue), rows)
    return len(rows)


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


def _from_checks(
    session: Session, catalogue: Catalogue, period: Period, *, now: dt.datetime
) -> list[dict[str, Any]]:
    """The surveys' and mystery visits' values of the period, unless one was entered."""
    kept = {
        (str(i), int(u))
        for i, u in session.execute(
            select(IndicatorValue.indicator, IndicatorValue.unit_id).where(
                IndicatorValue.period == str(period)
            )
        )
    }
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
) -> IndicatorValue:
    """Enter one value of an entered or imported measure for a station in scope."""
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
            "rows": {},
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
        detail={"indicator": m.id, "period": text, "value": value},
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
