"""JSON API of the service circles under ``/api/v1/coverage``.

Reading needs ``coverage.view``; imports and computing again need ``coverage.import``. A unit
outside the caller's scope is 404; a bad file is 422 naming the features (``fields``), and
nothing of it is stored.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile

from jingwu.accounts.scope import Principal
from jingwu.coverage import queries, queries_map, service, service_import
from jingwu.coverage.schemas import (
    UNIT,
    CircleOut,
    ComputeIn,
    ErrorOut,
    GridOut,
    MapOut,
    NetworkOut,
    ResponseOut,
    RunOut,
)
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep, SettingsDep, one_transaction
from jingwu.web.openapi import API_ERRORS

router = APIRouter(prefix="/api/v1/coverage", tags=["coverage"], responses=API_ERRORS)
Viewer = Annotated[Principal, Requires("coverage.view")]
Importer = Annotated[Principal, Requires("coverage.import")]
UnitField = Annotated[str, Form(pattern=UNIT, description="the unit's short code")]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        401: "not signed in",
        403: "the caller's role may not do this (the message names the role)",
        404: "no such unit in the caller's scope",
        413: "the request body is too large",
        422: "an input is missing or breaks a rule (fields names it; for files, the features)",
    }
    return {c: {"model": ErrorOut, "description": text[c]} for c in codes}


@router.get("/circles", response_model=list[CircleOut], responses=_errors(401, 403, 422))
@one_transaction
def list_circles(
    session: SessionDep,
    principal: Viewer,
    mode: Annotated[Literal["walk", "drive"] | None, Query()] = None,
) -> list[CircleOut]:
    """Stored 15-minute circles of stations in scope."""
    return [CircleOut.of(r) for r in queries.circles(session, principal, mode=mode)]


@router.get("/map", response_model=MapOut, responses=_errors(401, 403, 422))
@one_transaction
def map_layers(
    session: SessionDep,
    principal: Viewer,
    mode: Annotated[Literal["walk", "drive"], Query()] = "walk",
) -> dict[str, Any]:
    """The map's layers (GeoJSON): boundaries, stations, circles, uncovered places, sites."""
    return queries_map.layers(session, principal, mode=mode)


@router.get("/runs", response_model=list[RunOut], responses=_errors(401, 403))
@one_transaction
def list_runs(session: SessionDep, principal: Viewer) -> list[RunOut]:
    """Coverage of units in scope: share covered, uncovered places, suggested sites."""
    return [RunOut.of(r) for r in queries.runs(session, principal)]


@router.get("/response", response_model=list[ResponseOut], responses=_errors(401, 403))
@one_transaction
def response_table(
    session: SessionDep, principal: Viewer, now: Now, settings: SettingsDep
) -> list[ResponseOut]:
    """Help requests per station and month against the 8-minute on-site response."""
    rows = queries.response_rows(session, principal, now=now, zone=settings.tz)
    return [ResponseOut.of(r) for r in rows]


@router.post(
    "/networks",
    response_model=NetworkOut,
    status_code=201,
    responses=_errors(401, 403, 404, 413, 422),
)
@one_transaction
def import_network(
    session: SessionDep,
    principal: Importer,
    now: Now,
    unit: UnitField,
    file: Annotated[UploadFile, File(description="GeoJSON FeatureCollection of LineStrings")],
) -> NetworkOut:
    """Import a road network for the unit (all lines or none) and compute its circles."""
    content = file.file.read(service_import.MAX_BYTES + 1)
    network = service_import.import_roads(
        session,
        principal,
        unit=unit,
        filename=file.filename or "roads.geojson",
        content=content,
        now=now,
    )
    service.compute(session, principal, unit=unit, now=now)
    return NetworkOut.of(network)


@router.post(
    "/grids", response_model=GridOut, status_code=201, responses=_errors(401, 403, 404, 413, 422)
)
@one_transaction
def import_grid(
    session: SessionDep,
    principal: Importer,
    now: Now,
    unit: UnitField,
    file: Annotated[UploadFile, File(description="GeoJSON FeatureCollection of places")],
) -> GridOut:
    """Import a resident grid inside the unit (all places or none) and compute coverage."""
    content = file.file.read(service_import.MAX_BYTES + 1)
    grid = service_import.import_residents(
        session,
        principal,
        unit=unit,
        filename=file.filename or "residents.geojson",
        content=content,
        now=now,
    )
    service.compute(session, principal, unit=unit, now=now)
    return GridOut.of(grid)


@router.post("/compute", response_model=list[RunOut], responses=_errors(401, 403, 404, 422))
@one_transaction
def compute(session: SessionDep, principal: Importer, now: Now, body: ComputeIn) -> list[RunOut]:
    """Compute the unit's circles and coverage again."""
    runs = service.compute(session, principal, unit=body.unit, now=now)
    unit_id = runs[0].unit_id
    return [RunOut.of(r) for r in queries.runs(session, principal, unit_id=unit_id)]
