"""JSON API of the rollout plan under ``/api/v1/rollout``.

Reading needs ``rollout.view``; importing the plan ``rollout.plan``; a status move
``rollout.status`` and the plan's table of who moves which step. A station outside the
caller's scope is 404; a bad plan file is 422 naming its lines, and nothing of it is stored.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, UploadFile

from jingwu.accounts.scope import Principal
from jingwu.rollout import queries, service
from jingwu.rollout.queries import Dashboard
from jingwu.rollout.schemas import (
    CellOut,
    GroupOut,
    ImportOut,
    MoveIn,
    ProgressOut,
    StationOut,
)
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep, one_transaction
from jingwu.web.openapi import API_ERRORS

router = APIRouter(prefix="/api/v1/rollout", tags=["rollout"], responses=API_ERRORS)
Viewer = Annotated[Principal, Requires("rollout.view")]
Code = Annotated[str, Path(pattern=r"^[A-Za-z]{1,4}\d{1,4}$", description="a station's short code")]


def _progress(d: Dashboard) -> ProgressOut:
    def group(key: object, name: str, c: object) -> GroupOut:
        return GroupOut(key=str(key), name=name, **CellOut.of(c).model_dump())  # type: ignore[arg-type]

    return ProgressOut(
        today=d.today,
        total=CellOut.of(d.total),
        years=[group(y, "", c) for y, c in d.years],
        phases=[group(p, "", c) for p, c in d.phases],
        districts=[group(u.short_code, u.name, c) for u, c in d.districts],
        streets=[group(u.short_code, u.name, c) for u, c in d.streets],
        blocked=[StationOut.of(s) for s in d.blocked],
    )


@router.get("/progress", response_model=ProgressOut)
@one_transaction
def progress(session: SessionDep, principal: Viewer, now: Now) -> ProgressOut:
    """Progress against the plan per year, phase, district and street; blocked stations."""
    return _progress(queries.dashboard(session, principal, now=now))


@router.get("/stations", response_model=list[StationOut])
@one_transaction
def stations(session: SessionDep, principal: Viewer, now: Now) -> list[StationOut]:
    """Every station of the plan in scope: phase, status, the moves the caller may make."""
    return [StationOut.of(s) for s in queries.dashboard(session, principal, now=now).stations]


@router.post("/stations/{code}/status", response_model=StationOut)
@one_transaction
def move(
    session: SessionDep,
    principal: Annotated[Principal, Requires("rollout.status")],
    now: Now,
    code: Code,
    data: MoveIn,
) -> StationOut:
    """Move a station to the next status, or back with a reason."""
    service.move(
        session,
        principal,
        station=code,
        status=data.status,
        reason=data.reason,
        on=data.on,
        now=now,
    )
    found = queries.dashboard(session, principal, now=now).stations
    return StationOut.of(next(s for s in found if s.unit.short_code == code.upper()))


@router.post("/plan", response_model=ImportOut)
@one_transaction
def import_plan(
    session: SessionDep,
    principal: Annotated[Principal, Requires("rollout.plan")],
    now: Now,
    file: Annotated[UploadFile, File(description="the plan, CSV or JSON")],
) -> ImportOut:
    """Import a plan file: every row checked, then all stored or none."""
    content = file.file.read(service.MAX_PLAN_BYTES + 1)
    if len(content) > service.MAX_PLAN_BYTES:
        raise service.too_large()
    done = service.import_plan(
        session, principal, filename=file.filename or "plan.csv", content=content, now=now
    )
    return ImportOut(rows=done.rows, stations=done.stations)
