"""JSON API of patrol routes under ``/api/v1/patrols``.

Reading needs ``patrols.view`` (officers, chiefs, street heads, the director: their scope);
importing needs ``patrols.import`` (chiefs and the director). A bad file is 422 naming the
lines (``fields``), and nothing of it is stored.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, UploadFile

from jingwu.accounts.scope import Principal
from jingwu.patrols import queries, service
from jingwu.patrols.schemas import ImportOut, RouteOut
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep, one_transaction
from jingwu.web.openapi import API_ERRORS

router = APIRouter(prefix="/api/v1/patrols", tags=["patrols"], responses=API_ERRORS)
Viewer = Annotated[Principal, Requires("patrols.view")]
Importer = Annotated[Principal, Requires("patrols.import")]


@router.get("", response_model=list[RouteOut])
@one_transaction
def list_routes(session: SessionDep, principal: Viewer) -> list[RouteOut]:
    """The newest 200 patrol routes of units in scope."""
    return [RouteOut.of(r, code) for r, code in queries.routes(session, principal)]


@router.post("", response_model=ImportOut, status_code=201)
@one_transaction
def import_routes(
    session: SessionDep,
    principal: Importer,
    now: Now,
    unit: Annotated[str, Form(pattern=r"^[A-Za-z0-9]{1,12}$", description="unit short code")],
    file: Annotated[UploadFile, File(description="GeoJSON LineStrings or a GPX file")],
    kind: Annotated[Literal["track", "planned"], Form()] = "track",
) -> ImportOut:
    """Import a unit's GPS tracks or planned routes (every line or none)."""
    content = file.file.read(service.MAX_BYTES + 1)
    routes = service.import_routes(
        session, principal, unit=unit, kind=kind,
        filename=file.filename or "patrol.geojson", content=content, now=now,
    )  # fmt: skip
    code = unit.upper()
    return ImportOut(imported=len(routes), routes=[RouteOut.of(r, code) for r in routes])
