"""Pages to enter indicator values by hand: one value through a form, or a CSV file in the
template's columns (every line checked, nothing stored on any error, the bad lines named).
Both go through the values service (:mod:`.values`), as the API and the CLI do."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import DomainError, Invalid
from jingwu.evaluation.checks.queries import stations
from jingwu.evaluation.checks.routes import failed
from jingwu.evaluation.indices import catalogues, pages, valuecsv, values
from jingwu.evaluation.indices.periods import of_instant
from jingwu.evaluation.vocab import Source
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
Enterer = Annotated[Principal, Requires("evaluation.enter")]
PAGE = "evaluation/indices_entry.html"


def _context(
    session: Session, principal: Principal, now: Any, form: dict[str, str] | None = None
) -> dict[str, Any]:
    _, catalogue = catalogues.active(session, now=now)
    return {
        "measures": [m for m in catalogue if m.source is not Source.COMPUTED],
        "stations": stations(session, principal),
        "month": str(of_instant(now)),
        "form": form or {},
        "units": pages.UNIT_LABELS,
        "tab": "entry",
    }


@router.get("/evaluation/value-entry", response_class=HTMLResponse)
def entry_page(request: Request, session: SessionDep, principal: Enterer, now: Now) -> Response:
    """The form to enter one value and the form to import a file of them."""
    return render(request, PAGE, _context(session, principal, now))


@router.post("/evaluation/value-entry", response_class=HTMLResponse)
def enter_value(
    *,
    request: Request,
    session: SessionDep,
    principal: Enterer,
    now: Now,
    indicator: Annotated[str, Form(max_length=64)],
    station: Annotated[str, Form(max_length=16)],
    period: Annotated[str, Form(max_length=16)],
    value: Annotated[str, Form(max_length=32)],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Enter one value (its range and period checked); then show where it is stored."""
    form = {"indicator": indicator, "station": station, "period": period, "value": value}
    form["note"] = note
    try:
        number = _number(value)
        row = values.enter(
            session,
            principal,
            indicator=indicator,
            station=station,
            period=period,
            value=number,
            note=note,
            now=now,
        )
    except DomainError as exc:
        session.rollback()
        return failed(request, PAGE, _context(session, principal, now, form), exc)
    return RedirectResponse(f"/evaluation/values/{row.id}", status_code=303)


def _number(text: str) -> float:
    try:
        return float(text.strip().replace(",", ""))
    except ValueError:
        raise Invalid("The value must be a number.", fields={"value": "not a number"}) from None


@router.get("/evaluation/value-entry/template.csv")
def template(session: SessionDep, principal: Enterer, now: Now) -> Response:
    """The values file template: the header and an example row per entered measure."""
    _, catalogue = catalogues.active(session, now=now)
    code = next((s.short_code for s in stations(session, principal)), "SA01")
    body = valuecsv.template(catalogue, station=code, year=of_instant(now).year)
    headers = {"Content-Disposition": 'attachment; filename="indicator-values-template.csv"'}
    return PlainTextResponse(body, media_type="text/csv", headers=headers)


@router.post("/evaluation/value-entry/import", response_class=HTMLResponse)
def import_values(
    request: Request,
    session: SessionDep,
    principal: Enterer,
    now: Now,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Import a values file: every row, or none when any line is wrong (named by number)."""
    try:
        n = values.import_file(
            session,
            principal,
            filename=file.filename or "values.csv",
            content=file.file.read(values.MAX_BYTES + 1),
            now=now,
        )
    except DomainError as exc:
        session.rollback()
        return failed(request, PAGE, _context(session, principal, now), exc)
    context = _context(session, principal, now)
    context["imported"] = (file.filename or "values.csv", n)
    return render(request, PAGE, context)
