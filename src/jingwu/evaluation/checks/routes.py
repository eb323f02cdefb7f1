"""Pages of the double-random draws: the year's draws, a draw, coverage, orange, published."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jingwu.accounts.scope import Principal
from jingwu.errors import DomainError
from jingwu.evaluation.checks import orange, outcomes, queries, service
from jingwu.evaluation.checks.periods import local_month
from jingwu.evaluation.checks.verify import verify_draw
from jingwu.evidence.logkeys import load_log_keys
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep, SettingsDep
from jingwu.web.i18n import translations
from jingwu.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
Viewer = Annotated[Principal, Requires("evaluation.view")]
Inspector = Annotated[Principal, Requires("evaluation.inspect")]
Year = Annotated[int | None, Query(ge=2000, le=2100)]
Kind = Annotated[str | None, Query(pattern="^(station|order|orange)$")]


def failed(
    request: Request, template: str, context: dict[str, Any], exc: DomainError
) -> HTMLResponse:
    """Re-render a page with the error in the request's language (nothing was stored)."""
    tr = translations(getattr(request.state, "language", "zh_CN")).ugettext
    context.update(error=exc.translated(tr), error_fields=exc.translated_fields(tr))
    return render(request, template, context, status_code=exc.status)


def _list_context(
    session: SessionDep, principal: Principal, now: Now, year: int | None, kind: str | None
) -> dict[str, Any]:
    chosen = year or now.year
    return {
        "year": chosen,
        "kind": kind,
        "rows": queries.list_draws(session, principal, year=chosen, kind=kind),
        "cover": queries.coverage(session, principal, year=chosen),
        "units": queries.drawing_units(session, principal),
        "month": local_month(now),
        "tab": "draws",
        "form": {},
    }


@router.get("/evaluation/checks", response_class=HTMLResponse)
def draws_page(
    request: Request,
    session: SessionDep,
    principal: Viewer,
    now: Now,
    year: Year = None,
    kind: Kind = None,
) -> Response:
    """The year's draws in scope, coverage so far, and the form to commit a draw."""
    context = _list_context(session, principal, now, year, kind)
    return render(request, "evaluation/checks_list.html", context)


@router.post("/evaluation/checks", response_class=HTMLResponse)
def commit(
    request: Request,
    session: SessionDep,
    principal: Inspector,
    now: Now,
    kind: Annotated[str, Form(max_length=16)],
    unit: Annotated[str, Form(max_length=12)],
    period: Annotated[str, Form(max_length=7)],
    quota: Annotated[str, Form(max_length=16)] = "",
    team: Annotated[int, Form(ge=1, le=5)] = service.DEFAULT_TEAM,
) -> Response:
    """Commit a draw (its commitment goes into the evidence log), then show it."""
    try:
        row = service.commit_draw(
            session,
            principal,
            kind=kind,
            unit=unit,
            period=period,
            quota=quota or None,
            team=team,
            now=now,
        )
    except DomainError as exc:
        session.rollback()
        context = _list_context(session, principal, now, None, None)
        context["form"] = {"kind": kind, "unit": unit, "period": period, "quota": quota}
        return failed(request, "evaluation/checks_list.html", context, exc)
    return RedirectResponse(f"/evaluation/checks/{row.code}", status_code=303)


@router.get("/evaluation/checks/coverage", response_class=HTMLResponse)
def coverage_page(
    request: Request, session: SessionDep, principal: Viewer, now: Now, year: Year = None
) -> Response:
    """Stations checked this year in scope, month by month, against the 100 % target."""
    chosen = year or now.year
    cover = queries.coverage(session, principal, year=chosen, through=local_month(now))
    return render(request, "evaluation/checks_coverage.html", {"cover": cover, "tab": "coverage"})


@router.get("/evaluation/checks/published", response_class=HTMLResponse)
def published_page(
    request: Request, session: SessionDep, principal: Viewer, now: Now, year: Year = None
) -> Response:
    """What is published of the year's checks (for the public portal): no personal data."""
    chosen = year or now.year
    rows = queries.published_results(session, year=chosen, principal=principal)
    context = {"rows": rows, "year": chosen, "tab": "published"}
    return render(request, "evaluation/checks_published.html", context)


def _orange_context(session: SessionDep, principal: Principal, now: Now) -> dict[str, Any]:
    return {
        "rows": queries.orange_rows(session, principal),
        "stations": queries.stations(session, principal),
        "month": local_month(now),
        "tab": "orange",
        "form": {},
    }


@router.get("/evaluation/checks/orange", response_class=HTMLResponse)
def orange_page(request: Request, session: SessionDep, principal: Viewer, now: Now) -> Response:
    """The work orders' quota draws: logged commitments, samples paired with inspectors."""
    return render(
        request, "evaluation/checks_orange.html", _orange_context(session, principal, now)
    )


@router.post("/evaluation/checks/orange", response_class=HTMLResponse)
def orange_action(
    request: Request,
    session: SessionDep,
    principal: Inspector,
    now: Now,
    station: Annotated[str, Form(max_length=12)],
    month: Annotated[str, Form(max_length=7)],
    step: Annotated[str, Form(pattern="^(commit|draw)$")],
) -> Response:
    """Commit a station-month's quota draw (logged at once), or draw and pair it."""
    try:
        act = orange.commit if step == "commit" else orange.reveal
        row = act(session, principal, station=station, month=month, now=now)
    except DomainError as exc:
        session.rollback()
        context = _orange_context(session, principal, now)
        context["form"] = {"station": station, "month": month}
        return failed(request, "evaluation/checks_orange.html", context, exc)
    return RedirectResponse(f"/evaluation/checks/{row.code}", status_code=303)


def _draw_context(session: SessionDep, principal: Principal, code: str) -> dict[str, Any]:
    return {"v": queries.draw_detail(session, principal, code=code), "tab": "draws", "form": {}}


@router.get("/evaluation/checks/{code}", response_class=HTMLResponse)
def draw_page(request: Request, session: SessionDep, principal: Viewer, code: str) -> Response:
    """A draw: commitment and log index; once drawn, the seed, pools and assignments."""
    return render(request, "evaluation/checks_draw.html", _draw_context(session, principal, code))


@router.post("/evaluation/checks/{code}/draw", response_class=HTMLResponse)
def run(
    request: Request, session: SessionDep, principal: Inspector, now: Now, code: str
) -> Response:
    """Reveal the seed and draw."""
    try:
        service.run_draw(session, principal, code=code, now=now)
    except DomainError as exc:
        session.rollback()
        context = _draw_context(session, principal, code)
        return failed(request, "evaluation/checks_draw.html", context, exc)
    return RedirectResponse(f"/evaluation/checks/{code}", status_code=303)


@router.post("/evaluation/checks/{code}/outcomes", response_class=HTMLResponse)
def record(
    request: Request,
    session: SessionDep,
    principal: Inspector,
    now: Now,
    code: str,
    target: Annotated[str, Form(max_length=64)],
    status: Annotated[str, Form(max_length=16)],
    purpose: Annotated[str, Form(pattern="^(target|reinspection|home_visit)$")] = "target",
    finding: Annotated[str, Form(max_length=2000)] = "",
    follow_up_order: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Record the outcome at one drawn target."""
    try:
        outcomes.record_outcome(
            session,
            principal,
            code=code,
            target=target,
            purpose=purpose,
            status=status,
            finding=finding,
            follow_up_order=follow_up_order or None,
            now=now,
        )
    except DomainError as exc:
        session.rollback()
        context = _draw_context(session, principal, code)
        context["form"] = {"target": target, "purpose": purpose, "finding": finding}
        return failed(request, "evaluation/checks_draw.html", context, exc)
    return RedirectResponse(f"/evaluation/checks/{code}#t-{target}", status_code=303)


@router.get("/evaluation/checks/{code}/verify", response_class=HTMLResponse)
def verify(
    request: Request, session: SessionDep, principal: Viewer, settings: SettingsDep, code: str
) -> Response:
    """Re-run the draw and check it against the evidence log (a fragment for htmx)."""
    verdict = verify_draw(session, principal, code=code, keys=load_log_keys(settings))
    tr = translations(getattr(request.state, "language", "zh_CN")).ugettext
    context = {"verdict": verdict, "sentence": verdict.sentence(tr), "code": code.upper()}
    if is_htmx(request):
        return render(request, "evaluation/checks_verdict.html", context)
    context.update(_draw_context(session, principal, code))
    return render(request, "evaluation/checks_draw.html", context)
