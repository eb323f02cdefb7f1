"""Storing indicator values: computed ones (replaced on each recompute), the spot checks'
(surveys, mystery visits), and those entered by hand or imported from a CSV file."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
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
from jingwu.evaluation.indices.compute_base import JsonText, Sample, Station, insert_tuples
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


Stored = dict[str, dict[tuple[str, int], tuple[float | None, float | None]]]
"""A recompute's periods' values after it: period → (measure, station) → (value, basis),
those entered or imported included, missing ones left out."""

_COLUMNS = [
    "indicator",
    "unit_id",
    "period",
    "value",
    "basis",
    "source",
    "origin",
    "catalogue_version",
    "computed_at",
    "rows",
    "entered_by_id",
    "filename",
    "sha256",
    "line",
]


def store_computed(
    session: Session,
    catalogue: Catalogue,
    periods: Sequence[Period],
    where: list[Station],
    *,
    now: dt.datetime,
    stored: Stored | None = None,
) -> int:
    """Replace the periods' computed and check-derived values; entered ones stay. The
    periods' values after it (see :data:`Stored`) go into ``stored`` when it is given."""
    entered = _entered(session, periods)  # read before the delete leaves dead rows behind
    session.execute(
        delete(IndicatorValue).where(
            IndicatorValue.period.in_([str(p) for p in periods]),
            IndicatorValue.origin.in_(REPLACED),
        )
    )
    found = _computed(session, catalogue, periods, where)
    n = 0
    for p in periods:
        kept = entered.get(str(p), {})
        mine = stored.setdefault(str(p), {}) if stored is not None else {}
        mine |= {key: v for key, v in kept.items() if v[0] is not None}
        rows: list[tuple[Any, ...]] = []
        for m in catalogue:
            if (m.id, p) in found:
                rows += _computed_rows(m, p, catalogue, found[(m.id, p)], where, kept, now, mine)
        for r in _from_checks(session, catalogue, p, set(kept), now=now):
            rows.append(tuple(r[c] for c in _COLUMNS))
            mine[(r["indicator"], r["unit_id"])] = (r["value"], r["basis"])
        insert_tuples(session, IndicatorValue, _COLUMNS, rows)
        n += len(rows)
    return n


_NONE = (None, None, None, None)  # entered_by_id, filename, sha256, line


def _computed_rows(
    m: Measure,
    p: Period,
    catalogue: Catalogue,
    samples: dict[int, Sample],
    where: list[Station],
    kept: Mapping[tuple[str, int], object],
    now: dt.datetime,
    stored: dict[tuple[str, int], tuple[float | None, float | None]],
) -> list[tuple[Any, ...]]:
    """The rows of one measure's computed values for one period, one per station (a missing
    value included, as NULL) unless one was entered by hand for that station."""
    w = computations.window(p)
    selection = {
        "query": m.query,
        "params": {k: list(v) if isinstance(v, tuple) else v for k, v in m.params},
        "from": w.start.isoformat(),
        "to": w.end.isoformat(),
    }
    head = json.dumps(selection)[:-1] + ', "counts": '  # the JSON the rows share
    period, source, version = str(p), str(m.source), catalogue.version
    out = []
    for s in where:
        if (m.id, s.id) in kept:  # entered by hand (a measure once entered, say)
            continue
        sample = samples.get(s.id)
        counts: dict[str, Any] = dict(sample.counts) if sample else {}
        value = basis = None
        if sample is not None:
            value, basis = min(max(sample.value, m.low), m.high), sample.basis
            if value != sample.value:
                counts["unclamped"] = sample.value  # a rate beyond the catalogue's range
            stored[(m.id, s.id)] = (value, basis)
        rows = JsonText(head + json.dumps(counts) + "}")
        out.append(
            (m.id, s.id, period, value, basis, source, ORIGIN_QUERY, version, now, rows, *_NONE)
        )
    return out


def _computed(
    session: Session, catalogue: Catalogue, periods: Sequence[Period], where: list[Station]
) -> dict[tuple[str, Period], dict[int, Sample]]:
    """Every computed measure's values for each period it applies to (months in batches,
    quarters from their months when all three are among ``periods``)."""
    computed = [m for m in catalogue if m.source is Source.COMPUTED]
    found = batch.batched(session, computed, periods, where)
    for m in computed:
        how = batch.kind(m)
        for p in periods:
            if not applies(m, p) or (m.id, p) in found:
                continue
            parts = [found.get((m.id, q)) for q in p.parts()]
            if how is not None and p.months == 3 and all(x is not None for x in parts):
                found[(m.id, p)] = batch.quarter(how, [x for x in parts if x is not None], where)
            else:
                found[(m.id, p)] = computations.compute(session, m, p, where)
    return found


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


def _entered(
    session: Session, periods: Sequence[Period]
) -> dict[str, dict[tuple[str, int], tuple[float | None, float | None]]]:
    """The periods' values entered or imported: period → (measure, station) → value, basis."""
    stmt = select(
        IndicatorValue.period,
        IndicatorValue.indicator,
        IndicatorValue.unit_id,
        IndicatorValue.value,
        IndicatorValue.basis,
    ).where(
        IndicatorValue.period.in_([str(p) for p in periods]),
        IndicatorValue.origin.not_in(REPLACED),
    )
    out: dict[str, dict[tuple[str, int], tuple[float | None, float | None]]] = {}
    for period, indicator, unit, value, basis in session.execute(stmt):
        out.setdefault(str(period), {})[(str(indicator), int(unit))] = (value, basis)
    return out


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
