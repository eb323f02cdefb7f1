"""The indicator catalogue page (administrators): the versions, the active one's weights and
names, and an edit saved as a new version through the catalogue service."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import DomainError
from jingwu.evaluation.checks.routes import failed
from jingwu.evaluation.indices import catalogue_form, catalogues
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.params import FormFields
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
Editor = Annotated[Principal, Requires("evaluation.catalogue")]
PAGE = "evaluation/indices_catalogue.html"


def _context(
    session: Session, now: dt.datetime, form: dict[str, str] | None = None
) -> dict[str, Any]:
    row, catalogue = catalogues.active(session, now=now)
    return {
        "active": row,
        "data": row.data,
        "catalogue": catalogue,
        "versions": catalogues.versions(session),
        "form": form or {},
        "tab": "catalogue",
    }


@router.get("/evaluation/catalogue", response_class=HTMLResponse)
def catalogue_page(request: Request, session: SessionDep, principal: Editor, now: Now) -> Response:
    """The catalogue's versions and the form to edit the active one's weights and names."""
    return render(request, PAGE, _context(session, now))


@router.post("/evaluation/catalogue", response_class=HTMLResponse)
def save_catalogue(
    request: Request, session: SessionDep, principal: Editor, now: Now, form: FormFields
) -> Response:
    """Save the edit as a new, active version (weights must sum to 100 % in each set)."""
    row, _ = catalogues.active(session, now=now)
    try:
        data = catalogue_form.apply(row.data, form)
        catalogues.save(
            session, principal, data=data, note=form.get("note", "")[:500].strip(), now=now
        )
    except DomainError as exc:
        session.rollback()
        return failed(request, PAGE, _context(session, now, form), exc)
    return RedirectResponse("/evaluation/catalogue", status_code=303)


@router.post("/evaluation/catalogue/active", response_class=HTMLResponse)
def choose_version(
    request: Request,
    session: SessionDep,
    principal: Editor,
    now: Now,
    version: Annotated[str, Form(max_length=16)],
) -> Response:
    """Make an earlier version the active one again."""
    try:
        catalogues.choose(session, principal, version=version, now=now)
    except DomainError as exc:
        session.rollback()
        return failed(request, PAGE, _context(session, now), exc)
    return RedirectResponse("/evaluation/catalogue", status_code=303)
