"""Importing road networks and resident grids: every feature checked, all stored or none.

The lines and places go in with :func:`jingwu.bulk.insert_rows` (a million rows in a few
statements), so the automatic write audit sees only the file's row; a summary event says
how many rows came with it. After an import the unit's circles are computed again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import shapely
import shapely.geometry
from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, subtree, unit_in_scope
from jingwu.audit import service as audit
from jingwu.bulk import insert_rows
from jingwu.coverage import geojson
from jingwu.coverage.models import ResidentGrid, ResidentPlace, RoadLine, RoadNetwork
from jingwu.errors import Invalid, NotFound, Term
from jingwu.org.models import Unit

MAX_BYTES = 256 * 1024 * 1024


def target_unit(session: Session, principal: Principal, unit: str | int) -> Unit:
    """The unit named, in the caller's scope (NotFound otherwise)."""
    found = unit_in_scope(session, principal, unit)
    if found is None:
        raise NotFound("No such unit.", fields={"unit": "No such unit."})
    return found


def _text(content: bytes) -> str:
    if len(content) > MAX_BYTES:
        raise Invalid("A coverage file has at most 256 MiB.", fields={"file": "too large"})
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(
            "Nothing imported: the file is not UTF-8 text.", fields={"file": "not UTF-8 text"}
        ) from None


def _refuse(exc: Exception) -> Invalid:
    """The parser's refusal as a domain error naming the first feature and listing all."""
    if isinstance(exc, geojson.MalformedFile):
        return Invalid(
            "Nothing imported: not a well-formed GeoJSON feature collection (line {line}).",
            params={"line": exc.line},
            fields={"file": "not a GeoJSON feature collection"},
        )
    assert isinstance(exc, geojson.FeatureProblems)
    first, reason = exc.problems[0]
    return Invalid(
        "Nothing imported: feature {n}: {reason} ({count} problem(s) in all).",
        params={"n": first, "reason": Term(reason, reason), "count": len(exc.problems)},
        fields={f"feature {n}": why for n, why in exc.problems[:100]},
    )


def _table(model: type[RoadLine] | type[ResidentPlace]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _filename(name: str, default: str) -> str:
    return (name.replace("\\", "/").rsplit("/", 1)[-1] or default)[:255]


def import_roads(
    session: Session,
    principal: Principal,
    *,
    unit: str | int,
    filename: str,
    content: bytes,
    now: dt.datetime,
) -> RoadNetwork:
    """Check a road file and store its lines for the unit, all or none."""
    principal.require("coverage.import")
    target = target_unit(session, principal, unit)
    try:
        roads = geojson.parse_roads(_text(content))
    except (geojson.MalformedFile, geojson.FeatureProblems) as exc:
        raise _refuse(exc) from None
    network = RoadNetwork(
        unit_id=target.id,
        filename=_filename(filename, "roads.geojson"),
        sha256=hashlib.sha256(content).hexdigest(),
        lines=len(roads),
        imported_at=now,
        imported_by_id=principal.user_id,
    )
    session.add(network)
    session.flush()
    rows = [
        {
            "network_id": network.id,
            "coords": [list(p) for p in r.coords],
            "speed_kmh": r.speed_kmh,
            "oneway": r.oneway,
        }
        for r in roads
    ]
    insert_rows(session, _table(RoadLine), rows)
    audit.record(
        session,
        principal=principal,
        action="coverage.import_roads",
        object_type="cov_networks",
        object_id=network.id,
        unit_id=target.id,
        detail={"lines": len(roads)},
        now=now,
    )
    return network


def import_residents(
    session: Session,
    principal: Principal,
    *,
    unit: str | int,
    filename: str,
    content: bytes,
    now: dt.datetime,
) -> ResidentGrid:
    """Check a resident file (every place inside the unit) and store it, all or none."""
    principal.require("coverage.import")
    target = target_unit(session, principal, unit)
    try:
        places = geojson.parse_residents(_text(content))
        boundary = unit_boundary(session, target)
        if boundary is not None and (outside := geojson.outside(places, boundary)):
            raise geojson.FeatureProblems(outside)
    except (geojson.MalformedFile, geojson.FeatureProblems) as exc:
        raise _refuse(exc) from None
    grid = ResidentGrid(
        unit_id=target.id,
        filename=_filename(filename, "residents.geojson"),
        sha256=hashlib.sha256(content).hexdigest(),
        places=len(places),
        population=sum(p.population for p in places),
        imported_at=now,
        imported_by_id=principal.user_id,
    )
    session.add(grid)
    session.flush()
    rows = [
        {"grid_id": grid.id, "lon": p.lon, "lat": p.lat, "population": p.population} for p in places
    ]
    insert_rows(session, _table(ResidentPlace), rows)
    audit.record(
        session,
        principal=principal,
        action="coverage.import_residents",
        object_type="cov_resident_grids",
        object_id=grid.id,
        unit_id=target.id,
        detail={"places": len(places)},
        now=now,
    )
    return grid


def unit_boundary(session: Session, unit: Unit) -> dict[str, Any] | None:
    """The unit's boundary, or the union of its stations' (None when none has one)."""
    if unit.boundary is not None:
        return unit.boundary
    shapes = [
        shapely.geometry.shape(b)
        for b in session.scalars(
            select(Unit.boundary).where(Unit.id.in_(subtree(unit)), Unit.boundary.is_not(None))
        )
        if b
    ]
    if not shapes:
        return None
    merged = shapely.union_all([s if s.is_valid else shapely.make_valid(s) for s in shapes])
    return dict(shapely.geometry.mapping(merged))
