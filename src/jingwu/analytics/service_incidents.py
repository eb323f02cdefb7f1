"""The incident store: writing incidents in bulk (imports, the work-order feed) and placing
each one in its unit.

Every transaction that writes incidents first takes the store lock (one row of
``analytics_state``, ``SELECT … FOR UPDATE``), so incident ids become visible in the order
they were allocated: the heat-map job can then count "everything above its watermark" and
never miss a row that a slower transaction committed later. (SQLite serialises writers
anyway.) Writing an incident whose ``(source, ref)`` is stored already is a no-op.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.analytics.heatcube import CAT_BITS, FloatArray, IntArray
from jingwu.analytics.locate import NOWHERE, Area, Locator
from jingwu.analytics.models import AnalyticsState, Incident, IncidentCategory
from jingwu.analytics.parse import IncidentTable
from jingwu.audit import service as audit
from jingwu.bulk import upsert
from jingwu.errors import Invalid, Term
from jingwu.org.models import Unit

STORE_LOCK = "incidents.store"
SOURCE_RE = re.compile(r"[a-z][a-z0-9_-]{0,15}")
MAX_TEXT = 64
CHUNK = 2000
Progress = Callable[[int, int], None]  # (rows done, rows in all)


def lock_store(session: Session) -> None:
    """Take the incident store's write lock until the transaction ends."""
    insert = upsert(session)
    session.execute(
        insert(AnalyticsState)
        .values(name=STORE_LOCK, value=0)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    session.execute(
        select(AnalyticsState.value).where(AnalyticsState.name == STORE_LOCK).with_for_update()
    )


def category_ids(session: Session, names: Sequence[str]) -> dict[str, int]:
    """The number of every category name, numbering new names as they come."""
    wanted = sorted(set(names))
    found: dict[str, int] = {}
    for lo in range(0, len(wanted), 500):
        part = wanted[lo : lo + 500]
        rows = session.execute(
            select(IncidentCategory.name, IncidentCategory.id).where(
                IncidentCategory.name.in_(part)
            )
        )
        found.update(dict(rows.all()))
    missing = [n for n in wanted if n not in found]
    if missing:
        insert = upsert(session)
        session.execute(
            insert(IncidentCategory).on_conflict_do_nothing(index_elements=["name"]),
            [{"name": n} for n in missing],
        )
        rows = session.execute(
            select(IncidentCategory.name, IncidentCategory.id).where(
                IncidentCategory.name.in_(missing)
            )
        )
        found.update(dict(rows.all()))
    if found and max(found.values()) >= 1 << CAT_BITS:
        raise Invalid(
            "The store holds at most {limit} incident categories.",
            params={"limit": (1 << CAT_BITS) - 1},
        )
    return found


@dataclass(frozen=True)
class NewIncidents:
    """Incidents to store, as parallel sequences (times in Unix seconds, UTC)."""

    source: str
    refs: Sequence[str]
    categories: Sequence[str]
    occurred: FloatArray
    reported: FloatArray | None  # NaN: unknown
    lon: FloatArray
    lat: FloatArray
    unit: IntArray


def _moment(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(float(seconds), dt.UTC)


def _existing(session: Session, source: str, refs: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for lo in range(0, len(refs), 500):
        part = list(refs[lo : lo + 500])
        found.update(
            session.scalars(
                select(Incident.ref).where(Incident.source == source, Incident.ref.in_(part))
            )
        )
    return found


def add_incidents(
    session: Session, rows: NewIncidents, *, now: dt.datetime, progress: Progress | None = None
) -> int:
    """Store the incidents not stored yet (by source and ref); return how many were new."""
    lock_store(session)
    cats = category_ids(session, rows.categories)
    insert = upsert(session)
    added, total = 0, len(rows.refs)
    for lo in range(0, total, CHUNK):
        hi = min(lo + CHUNK, total)
        seen = _existing(session, rows.source, rows.refs[lo:hi])
        batch = [
            {
                "source": rows.source,
                "ref": rows.refs[i],
                "category_id": cats[rows.categories[i]],
                "occurred_at": _moment(rows.occurred[i]),
                "reported_at": None
                if rows.reported is None or np.isnan(rows.reported[i])
                else _moment(rows.reported[i]),
                "lon": float(rows.lon[i]),
                "lat": float(rows.lat[i]),
                "unit_id": int(rows.unit[i]),
                "added_at": now,
            }
            for i in range(lo, hi)
            if rows.refs[i] not in seen
        ]
        if batch:
            session.execute(
                insert(Incident).on_conflict_do_nothing(index_elements=["source", "ref"]), batch
            )
        added += len(batch)
        if progress is not None:
            progress(hi, total)
    return added


def _areas(session: Session, principal: Principal, kind: str) -> list[Area]:
    stmt = scoped(
        select(Unit.id, Unit.boundary).where(Unit.kind == kind, Unit.boundary.is_not(None)),
        principal,
        Unit.id,
    ).order_by(Unit.id)
    return [Area(ident, boundary) for ident, boundary in session.execute(stmt) if boundary]


def _fallback(session: Session, principal: Principal, code: str | None) -> int | None:
    stmt = scoped(select(Unit.id, Unit.short_code), principal, Unit.id).where(
        Unit.kind == "district"
    )
    if code is not None:
        stmt = stmt.where(func.upper(Unit.short_code) == code.upper())
        found = session.execute(stmt).first()
        if found is None:
            raise Invalid(
                "No district '{code}' in your scope.",
                params={"code": code},
                fields={"unit": "unknown"},
            )
        return int(found[0])
    districts = session.execute(stmt.limit(2)).all()
    return int(districts[0][0]) if len(districts) == 1 else None


def locator(session: Session, principal: Principal, *, district: str | None = None) -> Locator:
    """Stations and districts in the principal's scope; the fallback is ``district`` (a short
    code) or, when there is exactly one district in scope, that one."""
    return Locator(
        stations=_areas(session, principal, "community"),
        districts=_areas(session, principal, "district"),
        fallback=_fallback(session, principal, district),
    )


@dataclass(frozen=True)
class ImportResult:
    """What an import did."""

    rows: int
    added: int
    existing: int
    in_stations: int  # rows placed inside a station's boundary (the rest: the district)


def _check_lengths(table: IncidentTable) -> None:
    for values, what in ((table.ids, "id"), (table.categories, "category")):
        long = next((v for v in values if len(v) > MAX_TEXT), None)
        if long is not None:
            raise Invalid(
                "The {what} '{value}…' is longer than {limit} characters.",
                params={"what": Term(what), "value": long[:20], "limit": MAX_TEXT},
            )


def import_table(
    session: Session,
    principal: Principal,
    *,
    table: IncidentTable,
    source: str,
    district: str | None,
    now: dt.datetime,
    progress: Progress | None = None,
) -> ImportResult:
    """Store a parsed, clean incident file: each row in its station, else the district."""
    principal.require("analytics.import")
    if not SOURCE_RE.fullmatch(source) or source == "workorder":
        raise Invalid(
            "The source '{source}' must be a short lower-case name (not workorder).",
            params={"source": source},
        )
    _check_lengths(table)
    place = locator(session, principal, district=district)
    if place.fallback is None:
        raise Invalid("Name the district of incidents outside every station (--unit CODE).")
    unit = place.assign(table.lon, table.lat)
    station_ids = np.array([a.unit_id for a in place.stations], dtype=np.int64)
    rows = NewIncidents(
        source=source,
        refs=table.ids,
        categories=[table.categories[int(c)] for c in table.category],
        occurred=table.occurred,
        reported=table.reported,
        lon=table.lon,
        lat=table.lat,
        unit=unit,
    )
    added = add_incidents(session, rows, now=now, progress=progress)
    audit.record(
        session,
        principal=principal,
        action="incidents.import",
        object_type="incidents",
        object_id=source,
        unit_id=place.fallback,
        detail={"rows": len(table), "added": added},
        now=now,
    )
    return ImportResult(
        rows=len(table),
        added=added,
        existing=len(table) - added,
        in_stations=int(np.isin(unit, station_ids).sum()) if len(station_ids) else 0,
    )


__all__ = ["NOWHERE", "ImportResult", "NewIncidents", "add_incidents", "import_table", "locator"]
