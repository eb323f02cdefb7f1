"""Importing patrol routes: every line checked (a line, inside the district), all or none.

Each stored route is audited by the automatic write audit; a summary event names the file,
the unit and how many lines came with it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Literal

from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, unit_in_scope
from jingwu.audit import service as audit
from jingwu.coverage.service_import import unit_boundary
from jingwu.errors import Invalid, NotFound, Term
from jingwu.org.models import Unit
from jingwu.patrols import tracks
from jingwu.patrols.models import PatrolRoute

MAX_BYTES = 32 * 1024 * 1024
Kind = Literal["track", "planned"]
KIND_CODES: tuple[str, ...] = ("track", "planned")


def _text(content: bytes) -> str:
    if len(content) > MAX_BYTES:
        raise Invalid("A patrol file has at most 32 MiB.", fields={"file": "too large"})
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(
            "Nothing imported: the file is not UTF-8 text.", fields={"file": "not UTF-8 text"}
        ) from None


def _refuse(exc: Exception) -> Invalid:
    """The parser's refusal as a domain error naming the first line and listing all."""
    if isinstance(exc, tracks.MalformedFile):
        return Invalid(
            "Nothing imported: not a GeoJSON or GPX file of lines ({reason}).",
            params={"reason": str(exc)},
            fields={"file": "not a GeoJSON or GPX file"},
        )
    assert isinstance(exc, tracks.LineProblems)
    where, reason = exc.problems[0]
    return Invalid(
        "Nothing imported: {where}: {reason} ({count} problem(s) in all).",
        params={"where": where, "reason": Term(reason, reason), "count": len(exc.problems)},
        fields=dict(exc.problems[:50]),
    )


def _unit(session: Session, principal: Principal, unit: str | int) -> Unit:
    found = unit_in_scope(session, principal, unit)
    if found is None:
        raise NotFound("No such unit.", fields={"unit": "No such unit."})
    return found


def import_routes(
    session: Session,
    principal: Principal,
    *,
    unit: str | int,
    kind: str,
    filename: str,
    content: bytes,
    now: dt.datetime,
) -> list[PatrolRoute]:
    """Check a GeoJSON or GPX file of patrol lines for a unit in scope and store every line,
    or none when any is bad."""
    principal.require("patrols.import")
    if kind not in KIND_CODES:
        raise Invalid("The kind must be 'track' or 'planned'.", fields={"kind": "unknown"})
    target = _unit(session, principal, unit)
    try:
        lines = tracks.parse(_text(content))
        boundary = unit_boundary(session, target)
        if boundary is not None and (off := tracks.outside(lines, boundary)):
            raise tracks.LineProblems(off)
    except (tracks.MalformedFile, tracks.LineProblems) as exc:
        raise _refuse(exc) from None
    name = (filename.replace("\\", "/").rsplit("/", 1)[-1] or "patrol.geojson")[:255]
    routes = [_route(line, target, kind, name, principal, now) for line in lines]
    session.add_all(routes)
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="patrols.import",
        object_type="patrol_routes",
        object_id=routes[0].id,
        unit_id=target.id,
        detail={
            "lines": len(routes),
            "kind": kind,
            "file": name,
            "sha256": hashlib.sha256(content).hexdigest(),
        },
        now=now,
    )
    return routes


def _route(
    line: tracks.Line, unit: Unit, kind: str, filename: str, principal: Principal, now: dt.datetime
) -> PatrolRoute:
    west, south, east, north = line.bbox
    return PatrolRoute(
        unit_id=unit.id,
        kind=kind,
        name=line.name,
        filename=filename,
        coords=[[round(lon, 7), round(lat, 7)] for lon, lat in line.coords],
        points=len(line.coords),
        length_m=round(line.length_m, 1),
        min_lon=west,
        min_lat=south,
        max_lon=east,
        max_lat=north,
        imported_at=now,
        imported_by_id=principal.user_id,
    )
