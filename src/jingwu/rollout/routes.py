"""The rollout dashboard: progress against the 2024–2026 plan per year, phase, district and
street, every station's demonstration status (with the moves the caller may make), and the
stations blocked by unmet requirements. The plan is imported here, by the CLI or the API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from jingwu.accounts.scope import Principal
from jingwu.errors import DomainError, NotFound
from jingwu.rollout import queries, service
from jingwu.rollout.plan import STATUS_LABELS, STATUSES
from jingwu.web.authz import PUBLIC, Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.i18n import error_fields, error_text
from jingwu.web.nav import NavItem
from jingwu.web.templating import render

STATIC = Path(__file__).parent / "static"
_MEDIA = {".css": "text/css", ".js": "text/javascript"}

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Rollout plan", "/rollout", "rollout.view", order=57)]
Viewer = Annotated[Principal, Requires("rollout.view")]


@router.get("/rollout/static/{name}", dependencies=[PUBLIC])
def static_file(name: str) -> FileResponse:
    """The dashboard's style sheet."""
    path = STATIC / name
    if path.parent != STATIC or path.suffix not in _MEDIA or not path.is_file():
        raise NotFound("No such file.")
    return FileResponse(path, media_type=_MEDIA[path.suffix])


def _context(session: SessionDep, principal: Principal, now: dt.datetime) -> dict[str, Any]:
    return {
        "d": queries.dashboard(session, principal, now=now),
        "statuses": STATUSES,
        "status_labels": STATUS_LABELS,
        "can_plan": principal.can("rollout.plan"),
        "form": {},
    }


def _failed(
    request: Request,
    session: SessionDep,
    principal: Principal,
    now: dt.datetime,
    exc: DomainError,
    form: dict[str, str],
) -> Response:
    """The dashboard again with the error (nothing was stored)."""
    session.rollback()
    context = _context(session, principal, now)
    context.update(
        error=error_text(request, exc), error_fields=error_fields(request, exc), form=form
    )
    return render(request, "rollout/index.html", context, status_code=exc.status)


@router.get("/rollout", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, principal: Viewer, now: Now) -> Response:
    """Progress against the plan and the stations' statuses in the caller's scope."""
    return render(request, "rollout/index.html", _context(session, principal, now))


@router.post("/rollout/stations/{code}/status", response_class=HTMLResponse)
def move_station(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("rollout.status")],
    now: Now,
    code: str,
    status: Annotated[str, Form(max_length=16)],
    reason: Annotated[str, Form(max_length=500)] = "",
    on: Annotated[dt.date | None, Form()] = None,
) -> Response:
    """Move a station to the next status, or back with a reason."""
    try:
        service.move(session, principal, station=code, status=status, reason=reason, on=on, now=now)
    except DomainError as exc:
        form = {"station": code.upper(), "status": status, "reason": reason}
        return _failed(request, session, principal, now, exc, form)
    return RedirectResponse(f"/rollout#station-{code.lower()}", status_code=303)


@router.post("/rollout/plan", response_class=HTMLResponse)
def import_plan(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("rollout.plan")],
    now: Now,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Import a plan file (CSV or JSON): every row or none."""
    content = file.file.read(service.MAX_PLAN_BYTES + 1)
    try:
        if len(content) > service.MAX_PLAN_BYTES:
            raise service.too_large()
        service.import_plan(
            session, principal, filename=file.filename or "plan.csv", content=content, now=now
        )
    except DomainError as exc:
        return _failed(request, session, principal, now, exc, {"plan": "1"})
    return RedirectResponse("/rollout?imported=1", status_code=303)
