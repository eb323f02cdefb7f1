"""The coverage page: circles over the station boundaries, residents covered, uncovered
places, suggested sites and the 8-minute help response. Imports go through the CLI or API."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from jingwu.accounts.scope import Principal
from jingwu.coverage import queries
from jingwu.coverage.network import MODE_LABELS, Mode
from jingwu.coverage.travel import CIRCLE_MINUTES, METHOD_LABELS, RESPONSE_MINUTES, Method
from jingwu.errors import NotFound
from jingwu.web.authz import PUBLIC, Requires
from jingwu.web.deps import Now, SessionDep, SettingsDep
from jingwu.web.nav import NavItem
from jingwu.web.templating import render

STATIC = Path(__file__).parent / "static"
_MEDIA = {".css": "text/css", ".js": "text/javascript"}

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Service circles", "/coverage", "coverage.view", order=35)]


@router.get("/coverage/static/{name}", dependencies=[PUBLIC])
def static_file(name: str) -> FileResponse:
    """The coverage page's style sheet and script."""
    path = STATIC / name
    if path.parent != STATIC or path.suffix not in _MEDIA or not path.is_file():
        raise NotFound("No such file.")
    return FileResponse(path, media_type=_MEDIA[path.suffix])


@router.get("/coverage", response_class=HTMLResponse)
def coverage_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("coverage.view")],
    now: Now,
    settings: SettingsDep,
    mode: Annotated[Literal["walk", "drive"], Query()] = "walk",
) -> Response:
    """The circles of the stations in scope and what they cover."""
    runs = [r for r in queries.runs(session, principal) if r.run.mode == mode]
    ctx = {
        "mode": mode,
        "modes": [(m.value, MODE_LABELS[m]) for m in Mode],
        "method_labels": {m.value: METHOD_LABELS[m] for m in Method},
        "minutes": CIRCLE_MINUTES,
        "response_minutes": RESPONSE_MINUTES,
        "runs": runs,
        "circles": queries.circles(session, principal, mode=mode),
        "response": queries.response_rows(session, principal, now=now, zone=settings.tz),
        "imports": queries.imports(session, principal),
    }
    return render(request, "coverage/index.html", ctx)
