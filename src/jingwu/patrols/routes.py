"""The patrol-routes page: the scope's routes, the share of tomorrow's hotspots they cross,
and (for chiefs and the director) a form importing a GeoJSON or GPX file."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jingwu.accounts.scope import Principal
from jingwu.errors import Invalid
from jingwu.patrols import queries, service
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.nav import NavItem
from jingwu.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Patrol routes", "/patrols", "patrols.view", order=32)]


@router.get("/patrols", response_class=HTMLResponse)
def patrols_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("patrols.view")],
    imported: int | None = None,
) -> Response:
    """The routes of units in scope, newest first, and the import form."""
    ctx = {
        "routes": queries.routes(session, principal),
        "can_import": principal.can("patrols.import"),
        "imported": imported,
    }
    return render(request, "patrols/index.html", ctx)


@router.post("/patrols/import", response_class=HTMLResponse)
def import_form(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("patrols.import")],
    now: Now,
    unit: Annotated[str, Form(max_length=12)],
    file: Annotated[UploadFile, File()],
    kind: Annotated[Literal["track", "planned"], Form()] = "track",
) -> Response:
    """Import the chosen file (every line or none), then show the list again."""
    if not file.filename:
        raise Invalid("Choose a file to import.", fields={"file": "required"})
    content = file.file.read(service.MAX_BYTES + 1)
    routes = service.import_routes(
        session, principal, unit=unit, kind=kind, filename=file.filename,
        content=content, now=now,
    )  # fmt: skip
    target = f"/patrols?imported={len(routes)}"
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)
