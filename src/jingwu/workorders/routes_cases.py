"""Case and report pages: mediation, the public feedback link, accountability, draws and the
station dashboard.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from jingwu.accounts.principal import Principal
from jingwu.errors import DomainError, Invalid
from jingwu.web.authz import PUBLIC, Requires
from jingwu.web.deps import CurrentPrincipal, Now, SessionDep
from jingwu.web.params import FormFields, IdPath
from jingwu.web.templating import render
from jingwu.workorders import reports, service_cases, service_draws, service_feedback, service_files
from jingwu.workorders.pages import field_errors, order_page
from jingwu.workorders.schemas import AgreementIn, FeedbackIn, MediationIn, PartyIn, SessionIn

router = APIRouter(include_in_schema=False)


@router.get("/work-orders/mediations", response_class=HTMLResponse)
def mediations(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.mediations")],
    now: Now,
) -> Response:
    """Mediation cases in scope and the follow-up visits due."""
    cases = service_cases.list_cases(session, principal)
    due = service_cases.follow_ups_due(session, principal, now=now)
    return render(
        request, "workorders/mediations.html", {"cases": cases, "due": due, "tab": "mediations"}
    )


def _case_page(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    now: dt.datetime,
    code: str,
    error: DomainError | None = None,
) -> Response:
    view = service_cases.case_of(session, principal, code=code)
    return render(
        request,
        "workorders/mediation.html",
        {"v": view, "now": now, "error": error, "tab": "mediations"},
        status_code=error.status if error else 200,
    )


@router.get("/work-orders/{code}/mediation", response_class=HTMLResponse)
def mediation(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.mediations")],
    now: Now,
    code: str,
) -> Response:
    """A mediation case: parties (masked), sessions with minutes, agreement, follow-ups."""
    return _case_page(request, session, principal, now, code)


@router.post("/work-orders/{code}/mediation", response_class=HTMLResponse)
def open_mediation(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.mediate")],
    now: Now,
    code: str,
    form: FormFields,
) -> Response:
    """Open a mediation case from the order page (subject, applicant, respondent)."""
    try:
        data = MediationIn(
            subject=form.get("subject", ""),
            parties=[
                PartyIn(
                    side="applicant",
                    name=form.get("applicant", ""),
                    phone=form.get("applicant_phone") or None,
                ),
                PartyIn(side="respondent", name=form.get("respondent", "")),
            ],
        )
        service_cases.open_mediation(session, principal, code=code, data=data, now=now)
    except ValidationError as exc:
        fields = field_errors(request, exc)
        error = Invalid(next(iter(fields.values())), fields=fields)
        return order_page(request, session, principal, now, code, error=error)
    except DomainError as exc:
        session.rollback()
        return order_page(request, session, principal, now, code, error=exc)
    return RedirectResponse(f"/work-orders/{code}/mediation", status_code=303)


@router.post("/work-orders/{code}/mediation/sessions", response_class=HTMLResponse)
def add_session(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.mediate")],
    now: Now,
    code: str,
    minutes: Annotated[str, Form()],
    place: Annotated[str, Form()] = "",
) -> Response:
    """Record a session held just now and its minutes."""
    try:
        data = SessionIn(held_at=now, place=place, minutes=minutes)
        service_cases.add_session(session, principal, code=code, data=data, now=now)
    except ValidationError:
        error = Invalid("The minutes are too short.", fields={"minutes": "required"})
        return _case_page(request, session, principal, now, code, error)
    except DomainError as exc:
        session.rollback()
        return _case_page(request, session, principal, now, code, exc)
    return RedirectResponse(f"/work-orders/{code}/mediation", status_code=303)


@router.post("/work-orders/{code}/mediation/outcome", response_class=HTMLResponse)
def conclude(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.mediate")],
    now: Now,
    code: str,
    outcome: Annotated[str, Form()],
    text: Annotated[str, Form()] = "",
) -> Response:
    """Record the agreement (follow-ups after 7 and 30 days) or that mediation failed."""
    try:
        data = AgreementIn.model_validate({"outcome": outcome, "text": text})
        service_cases.conclude(session, principal, code=code, data=data, now=now)
    except ValidationError:
        error = Invalid("Choose agreed or failed.", fields={"outcome": "required"})
        return _case_page(request, session, principal, now, code, error)
    except DomainError as exc:
        session.rollback()
        return _case_page(request, session, principal, now, code, exc)
    return RedirectResponse(f"/work-orders/{code}/mediation", status_code=303)


@router.post("/work-orders/follow-ups/{follow_up_id}", response_class=HTMLResponse)
def follow_up_done(
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.mediate")],
    now: Now,
    follow_up_id: IdPath,
    note: Annotated[str, Form()],
    back: Annotated[str, Form()] = "/work-orders/mediations",
) -> Response:
    """Record a follow-up visit."""
    service_cases.complete_follow_up(
        session, principal, follow_up_id=follow_up_id, note=note, now=now
    )
    target = back if back.startswith("/work-orders/") else "/work-orders/mediations"
    return RedirectResponse(target, status_code=303)


@router.get("/work-orders/{code}/mediation/agreement", response_class=HTMLResponse)
def agreement(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.mediations")],
    code: str,
) -> Response:
    """The agreement as a printable document (人民调解协议书)."""
    view = service_cases.case_of(session, principal, code=code)
    if view.case.status != "agreed":
        raise Invalid("This mediation has no agreement.")
    return render(request, "workorders/agreement.html", {"v": view})


@router.get("/feedback/{token}", response_class=HTMLResponse, dependencies=[PUBLIC])
def feedback_form(request: Request, session: SessionDep, now: Now, token: str) -> Response:
    """The citizen's feedback page: no sign-in, the signed link is the key."""
    order = service_feedback.order_for_token(session, token=token, now=now)
    return render(request, "workorders/feedback_public.html", {"order": order, "token": token})


@router.post("/feedback/{token}", response_class=HTMLResponse, dependencies=[PUBLIC])
def feedback_submit(
    request: Request,
    session: SessionDep,
    now: Now,
    token: str,
    rating: Annotated[int, Form(ge=1, le=5)],
    resolved: Annotated[str, Form()],
    comment: Annotated[str, Form()] = "",
) -> Response:
    """Record the citizen's rating from the link."""
    code, _ = service_feedback.read_token(token, now=now)
    data = FeedbackIn(rating=rating, resolved=resolved == "yes", comment=comment, token=token)
    _, order = service_feedback.submit(session, None, code=code, data=data, now=now)
    return render(request, "workorders/feedback_done.html", {"order": order})


@router.get("/work-orders/accountability", response_class=HTMLResponse)
def accountability(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.reports")],
    now: Now,
    month: str | None = None,
) -> Response:
    """Overdue records of a month by person and unit, and how each was handled."""
    chosen = month or reports.local_month(now)
    report = reports.accountability(session, principal, month=chosen)
    return render(request, "workorders/accountability.html", {"r": report, "tab": "accountability"})


@router.post("/work-orders/overdue/{record_id}", response_class=HTMLResponse)
def handle_overdue(
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.overdue")],
    now: Now,
    record_id: IdPath,
    note: Annotated[str, Form()],
    month: Annotated[str, Form()] = "",
) -> Response:
    """Record how an overdue case was handled."""
    service_files.handle_overdue(session, principal, record_id=record_id, note=note, now=now)
    query = f"?month={month}" if month else ""
    return RedirectResponse(f"/work-orders/accountability{query}", status_code=303)


@router.get("/work-orders/draws", response_class=HTMLResponse)
def draws(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.draws")],
) -> Response:
    """The quota draws: commitments, and seeds and samples once drawn."""
    rows = service_draws.list_draws(session, principal)
    return render(request, "workorders/draws.html", {"rows": rows, "tab": "draws"})


@router.post("/work-orders/draws", response_class=HTMLResponse)
def draw_action(
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.draw")],
    now: Now,
    station: Annotated[str, Form()],
    month: Annotated[str, Form()],
    step: Annotated[str, Form()],
) -> Response:
    """Commit to a seed (before the month) or reveal and draw (after it)."""
    if step == "commit":
        service_draws.commit_draw(session, principal, station=station, month=month, now=now)
    else:
        service_draws.reveal_draw(session, principal, station=station, month=month, now=now)
    return RedirectResponse("/work-orders/draws", status_code=303)


@router.get("/work-orders/dashboard", response_class=HTMLResponse)
def dashboard(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.reports")],
    now: Now,
) -> Response:
    """Today's intake, on-time rate and response times by tier, satisfaction."""
    data = reports.dashboard(session, principal, now=now)
    return render(request, "workorders/dashboard.html", {"s": data, "tab": "dashboard"})
