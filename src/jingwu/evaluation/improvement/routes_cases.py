"""Pages of the case library: search with tags and the monthly count, a case, promotion."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import DomainError
from jingwu.evaluation.improvement import cases
from jingwu.org.models import Unit
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.i18n import translations
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Requires("evaluation.view")]
Keeper = Annotated[Principal, Requires("evaluation.pdca")]
CaseCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,24}$")]
PAGE = 30


def failed(
    request: Request, template: str, context: dict[str, Any], exc: DomainError
) -> HTMLResponse:
    """Re-render a page with the error in the request's language (nothing was stored)."""
    tr = translations(getattr(request.state, "language", "zh_CN")).ugettext
    context.update(error=exc.translated(tr), error_fields=exc.translated_fields(tr))
    return render(request, template, context, status_code=exc.status)


def _context(
    session: Session,
    principal: Principal,
    now: dt.datetime,
    *,
    q: str = "",
    tag: str = "",
    year: int | None = None,
    page: int = 1,
) -> dict[str, Any]:
    chosen = year or now.year
    rows, total = cases.search(
        session, principal, q=q, tag=tag, limit=PAGE, offset=(page - 1) * PAGE
    )
    months = cases.monthly(session, principal, year=chosen)
    return {
        "rows": rows,
        "total": total,
        "q": q,
        "tag": tag,
        "page": page,
        "pages": max(1, -(-total // PAGE)),
        "year": chosen,
        "months": months,
        "top": max([m.count for m in months] + [cases.MONTHLY_TARGET]),
        "target": cases.MONTHLY_TARGET,
        "tags": cases.top_tags(session, principal),
        "tags_of": cases.tags_of,
        "tab": "cases",
        "form": {},
    }


@router.get("/evaluation/cases", response_class=HTMLResponse)
def cases_page(
    request: Request,
    session: SessionDep,
    principal: Viewer,
    now: Now,
    q: Annotated[str, Query(max_length=100)] = "",
    tag: Annotated[str, Query(max_length=20)] = "",
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """The case library in scope: search by text and tag, and new cases a month against 50."""
    context = _context(session, principal, now, q=q, tag=tag, year=year, page=page)
    return render(request, "evaluation/pdca_cases.html", context)


@router.post("/evaluation/cases", response_class=HTMLResponse)
def promote(
    request: Request,
    session: SessionDep,
    principal: Keeper,
    now: Now,
    code: Annotated[str, Form(max_length=32)],
    source: Annotated[str, Form(max_length=16)] = "order",
    tags: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Promote a closed order (or its finished mediation) to a de-identified case."""
    try:
        row = cases.promote(session, principal, source=source, code=code, tags=tags, now=now)
    except DomainError as exc:
        session.rollback()
        context = _context(session, principal, now)
        context["form"] = {"code": code, "source": source, "tags": tags}
        return failed(request, "evaluation/pdca_cases.html", context, exc)
    return RedirectResponse(f"/evaluation/cases/{row.code}", status_code=303)


@router.get("/evaluation/cases/{code}", response_class=HTMLResponse)
def case_page(request: Request, session: SessionDep, principal: Viewer, code: CaseCode) -> Response:
    """A case: its de-identified account, tags, source and unit."""
    row = cases.get_case(session, principal, code)
    unit = session.get(Unit, row.unit_id)
    context = {"c": row, "unit": unit, "tags": cases.tags_of(row), "tab": "cases"}
    return render(request, "evaluation/pdca_case.html", context)
