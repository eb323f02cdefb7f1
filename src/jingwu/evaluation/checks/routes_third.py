"""Pages of the third-party evaluation: mystery visits, the expert panel, survey imports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from jingwu.accounts.scope import Principal
from jingwu.errors import DomainError, Invalid
from jingwu.evaluation import sampling
from jingwu.evaluation.checks import experts, mystery, queries, sheet, surveycsv, surveys
from jingwu.evaluation.checks.periods import LOCAL, half_of, local_date
from jingwu.evaluation.checks.routes import failed
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Requires("evaluation.view")]
Inspector = Annotated[Principal, Requires("evaluation.inspect")]
Half = Annotated[str | None, Query(pattern=r"^\d{4}-H[12]$")]
Year = Annotated[int | None, Query(ge=2000, le=2100)]


def _mystery_context(
    session: SessionDep, principal: Principal, now: dt.datetime, half: str | None
) -> dict[str, Any]:
    chosen = half or half_of(local_date(now))
    return {
        "r": mystery.half_report(session, principal, half=chosen),
        "visits": mystery.recent_visits(session, principal, half=chosen, limit=30),
        "units": queries.drawing_units(session, principal),
        "stations": queries.stations(session, principal),
        "sheet": sheet.SHEET,
        "sections": sheet.SECTIONS,
        "minimum": sampling.MIN_MYSTERY_VISITS,
        "now_local": now.astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M"),
        "tab": "mystery",
        "form": {},
    }


@router.get("/evaluation/mystery-visits", response_class=HTMLResponse)
def mystery_page(
    *, request: Request, session: SessionDep, principal: Viewer, now: Now, half: Half = None
) -> Response:
    """A half-year's visits: sample size against 200, mean score, pass rate with intervals."""
    context = _mystery_context(session, principal, now, half)
    return render(request, "evaluation/checks_mystery.html", context)


@router.post("/evaluation/mystery-visits/plan", response_class=HTMLResponse)
def plan(
    *,
    request: Request,
    session: SessionDep,
    principal: Inspector,
    now: Now,
    unit: Annotated[str, Form(max_length=12)],
    half: Annotated[str, Form(max_length=7)],
    total: Annotated[int, Form(ge=1, le=mystery.MAX_PLANNED)] = sampling.MIN_MYSTERY_VISITS,
) -> Response:
    """Plan a half-year's visits over the stations (seeded allocation)."""
    try:
        mystery.create_plan(session, principal, unit=unit, half=half, total=total, now=now)
    except DomainError as exc:
        session.rollback()
        context = _mystery_context(session, principal, now, None)
        return failed(request, "evaluation/checks_mystery.html", context, exc)
    return RedirectResponse(f"/evaluation/mystery-visits?half={half}", status_code=303)


def _local(text: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=LOCAL).astimezone(dt.UTC)
    except ValueError:
        raise Invalid("Give the time of the visit.", fields={"visited_at": "required"}) from None


class VisitForm(BaseModel):
    """The visit form: the visit, and each sheet item's points (``reception_greeting``, …)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    station: str = Field(max_length=12)
    visited_at: str = Field(max_length=20)
    visitor: str = Field(default="", max_length=32)
    scenario: str = Field(max_length=16)
    note: str = Field(default="", max_length=2000)
    reception_greeting: str = Field(default="", max_length=3)
    reception_identity: str = Field(default="", max_length=3)
    reception_wait: str = Field(default="", max_length=3)
    service_knowledge: str = Field(default="", max_length=3)
    service_guidance: str = Field(default="", max_length=3)
    service_privacy: str = Field(default="", max_length=3)
    environment_signage: str = Field(default="", max_length=3)
    environment_tidy: str = Field(default="", max_length=3)
    environment_convenience: str = Field(default="", max_length=3)
    conduct_integrity: str = Field(default="", max_length=3)

    def scores(self) -> dict[str, object]:
        """The sheet's points by item id (text that is not a whole number stays text)."""
        values = self.model_dump()
        out: dict[str, object] = {}
        for item in sheet.SHEET:
            text = str(values[item.id.replace(".", "_")])
            out[item.id] = int(text) if text.isdigit() else text
        return out


@router.post("/evaluation/mystery-visits", response_class=HTMLResponse)
def record_visit(
    *,
    request: Request,
    session: SessionDep,
    principal: Inspector,
    now: Now,
    data: Annotated[VisitForm, Form()],
) -> Response:
    """Record a visit and its scoring sheet."""
    try:
        visit = mystery.record_visit(
            session,
            principal,
            station=data.station,
            visited_at=_local(data.visited_at),
            visitor=data.visitor,
            scenario=data.scenario,
            scores=data.scores(),
            note=data.note,
            now=now,
        )
    except DomainError as exc:
        session.rollback()
        context = _mystery_context(session, principal, now, None)
        context["form"] = data.model_dump()
        return failed(request, "evaluation/checks_mystery.html", context, exc)
    return RedirectResponse(f"/evaluation/mystery-visits?half={visit.half}", status_code=303)


def _panel_context(
    session: SessionDep, principal: Principal, now: dt.datetime, year: int | None
) -> dict[str, Any]:
    chosen = year or now.year
    return {
        "p": experts.panel(session, principal, year=chosen),
        "year": chosen,
        "units": queries.drawing_units(session, principal) + queries.stations(session, principal),
        "today": local_date(now).isoformat(),
        "tab": "experts",
        "form": {},
    }


@router.get("/evaluation/experts", response_class=HTMLResponse)
def experts_page(
    *, request: Request, session: SessionDep, principal: Viewer, now: Now, year: Year = None
) -> Response:
    """The expert panel across the guide's 8 fields and the year's reviews."""
    context = _panel_context(session, principal, now, year)
    return render(request, "evaluation/checks_experts.html", context)


@router.post("/evaluation/experts", response_class=HTMLResponse)
def add_expert(
    *,
    request: Request,
    session: SessionDep,
    principal: Inspector,
    now: Now,
    unit: Annotated[str, Form(max_length=12)],
    name: Annotated[str, Form(max_length=64)],
    field: Annotated[str, Form(max_length=64)],
    affiliation: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    """Add an expert to a panel."""
    try:
        experts.add_expert(
            session,
            principal,
            unit=unit,
            name=name,
            field=field,
            affiliation=affiliation,
            now=now,
        )
    except DomainError as exc:
        session.rollback()
        context = _panel_context(session, principal, now, None)
        return failed(request, "evaluation/checks_experts.html", context, exc)
    return RedirectResponse("/evaluation/experts", status_code=303)


@router.post("/evaluation/experts/reviews", response_class=HTMLResponse)
def add_review(
    *,
    request: Request,
    session: SessionDep,
    principal: Inspector,
    now: Now,
    expert: Annotated[str, Form(max_length=24)],
    unit: Annotated[str, Form(max_length=12)],
    reviewed_on: Annotated[dt.date, Form()],
    score: Annotated[float, Form(ge=0, le=100)],
    text: Annotated[str, Form(max_length=4000)],
) -> Response:
    """Record an expert's review of a unit."""
    try:
        experts.add_review(
            session,
            principal,
            expert=expert,
            unit=unit,
            reviewed_on=reviewed_on,
            score=score,
            text=text,
            now=now,
        )
    except DomainError as exc:
        session.rollback()
        context = _panel_context(session, principal, now, None)
        context["form"] = {"expert": expert, "unit": unit, "text": text}
        return failed(request, "evaluation/checks_experts.html", context, exc)
    return RedirectResponse("/evaluation/experts#reviews", status_code=303)


def _survey_context(session: SessionDep, principal: Principal) -> dict[str, Any]:
    return {
        "imports": surveys.list_imports(session, principal),
        "rows": surveys.results(session, principal, limit=60),
        "measures": surveys.importable(),
        "tab": "surveys",
    }


@router.get("/evaluation/surveys", response_class=HTMLResponse)
def surveys_page(*, request: Request, session: SessionDep, principal: Viewer) -> Response:
    """Imported survey files and their rows; the form to import another."""
    return render(request, "evaluation/checks_surveys.html", _survey_context(session, principal))


@router.get("/evaluation/surveys/template.csv")
def survey_template(*, principal: Viewer) -> Response:
    """The survey file template (CSV)."""
    headers = {"Content-Disposition": 'attachment; filename="survey-template.csv"'}
    return PlainTextResponse(surveycsv.TEMPLATE, media_type="text/csv", headers=headers)


@router.post("/evaluation/surveys", response_class=HTMLResponse)
def import_survey(
    *,
    request: Request,
    session: SessionDep,
    principal: Inspector,
    now: Now,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Import a survey file: all rows or, on any bad line, none (the lines are named)."""
    try:
        surveys.import_survey(
            session,
            principal,
            filename=file.filename or "survey.csv",
            content=file.file.read(surveys.MAX_BYTES + 1),
            now=now,
        )
    except DomainError as exc:
        session.rollback()
        context = _survey_context(session, principal)
        return failed(request, "evaluation/checks_surveys.html", context, exc)
    return RedirectResponse("/evaluation/surveys", status_code=303)
