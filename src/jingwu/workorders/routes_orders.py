"""Order pages: my queue, the station board, intake, the order page and its forms."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import DomainError, Invalid
from jingwu.web.authz import Requires
from jingwu.web.deps import BlobsDep, Now, SessionDep
from jingwu.web.i18n import error_fields
from jingwu.web.params import FormFields, IdPath
from jingwu.web.templating import render
from jingwu.workorders import (
    intake_view,
    queries,
    service,
    service_feedback,
    service_files,
    service_tasks,
)
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.pages import field_errors, labels, order_page
from jingwu.workorders.schemas import (
    ActionIn,
    ClosureIn,
    FeedbackIn,
    IntakeIn,
    TaskIn,
    TaskUpdateIn,
)
from jingwu.workorders.vocab import Module

router = APIRouter(include_in_schema=False)


@router.get("/work-orders", response_class=HTMLResponse)
def my_queue(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.view")],
) -> Response:
    """Open orders I answer for, by time left, with live countdowns."""
    orders = queries.my_queue(session, principal)
    return render(request, "workorders/queue.html", {"orders": orders, **labels(), "tab": "queue"})


@router.get("/work-orders/board", response_class=HTMLResponse)
def board(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.view")],
    unit: str | None = None,
) -> Response:
    """All open orders of a station by tier, overdue first."""
    data = queries.station_board(session, principal, unit=unit)
    return render(request, "workorders/board.html", {"board": data, **labels(), "tab": "board"})


def _intake_form(
    request: Request,
    session: Session,
    principal: Principal,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    status: int = 200,
    error: DomainError | None = None,
) -> Response:
    choices = intake_view.intake_choices(session, principal)
    values = {"station": choices.station, "channel": choices.channel, **values}
    modules = {m: DEFAULT_CATALOGUE.by_module(m) for m in Module}
    ctx = {
        "values": values,
        "errors": errors,
        "error": error,
        "choices": choices,
        "modules": modules,
        **labels(),
        "tab": "new",
    }
    return render(request, "workorders/new.html", ctx, status_code=status)


@router.get("/work-orders/new", response_class=HTMLResponse)
def new_form(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.create")],
) -> Response:
    """The intake form: the stations of my scope (mine chosen), a map to set the point,
    the channels my role may receive through."""
    return _intake_form(request, session, principal, {}, {})


def _intake_values(form: dict[str, str]) -> dict[str, Any]:
    # drafted_by only tells a shared phone's kept drafts apart; the server files the order
    # as the signed-in user.
    skip = ("csrf_token", "drafted_by")
    values: dict[str, Any] = {k: v.strip() for k, v in form.items() if k not in skip}
    for flag in ("minors_involved", "elderly_involved"):
        values[flag] = flag in form
    for number in ("lon", "lat"):
        if not values.get(number):
            values.pop(number, None)
    return values


@router.post("/work-orders/new", response_class=HTMLResponse)
def create(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.create")],
    now: Now,
    form: FormFields,
) -> Response:
    """Receive an order from the form; per-field errors on the form when it is wrong. A
    draft sent twice (its ``draft_id``) leads to the order it became the first time."""
    values = _intake_values(form)
    try:
        data = IntakeIn.model_validate(values)
        order, _ = service.receive(session, principal, data=data, now=now)
    except ValidationError as exc:
        return _intake_form(
            request, session, principal, values, field_errors(request, exc), status=422
        )
    except DomainError as exc:
        session.rollback()
        return _intake_form(
            request,
            session,
            principal,
            values,
            error_fields(request, exc),
            status=exc.status,
            error=exc,
        )
    return RedirectResponse(f"/work-orders/{order.code}", status_code=303)


@router.get("/work-orders/{code}", response_class=HTMLResponse)
def show(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.view")],
    now: Now,
    code: str,
    unmask: bool = False,
) -> Response:
    """The order: clocks, timeline, tasks, attachments, map and the actions allowed to me."""
    return order_page(request, session, principal, now, code, unmask=unmask)


def _action_data(form: dict[str, str], now: dt.datetime) -> ActionIn:
    closure = None
    if form.get("summary") is not None:
        attempted = form.get("contact_attempt") == "on"
        closure = ClosureIn(
            summary=form.get("summary", ""),
            citizen_confirmed=form.get("citizen_confirmed") == "on",
            contact_attempt_at=now if attempted else None,
        )
    return ActionIn(
        reason=form.get("reason", ""),
        tier=form.get("tier") or None,
        assignee=form.get("assignee") or None,
        assign_to_me=form.get("assign_to_me") == "on",
        closure=closure,
        citizen_confirmed=form.get("confirm") == "on",
        transfer_to=form.get("transfer_to") or None,
        duplicate_of=form.get("duplicate_of") or None,
        note=form.get("note", ""),
    )


@router.post("/work-orders/{code}/actions/{action}", response_class=HTMLResponse)
def take_action(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.act")],
    now: Now,
    code: str,
    action: str,
    form: FormFields,
) -> Response:
    """One action from the order page; a refusal is shown on the page, nothing changed."""
    try:
        data = _action_data(form, now)
        service.act(session, principal, code=code, action=action, data=data, now=now)
    except ValidationError as exc:
        fields = field_errors(request, exc)
        invalid = Invalid(next(iter(fields.values())), fields=fields)
        return order_page(request, session, principal, now, code, error=invalid)
    except DomainError as exc:
        session.rollback()
        return order_page(request, session, principal, now, code, error=exc)
    return RedirectResponse(f"/work-orders/{code}", status_code=303)


@router.post("/work-orders/{code}/tasks", response_class=HTMLResponse)
def add_task(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.tasks")],
    now: Now,
    code: str,
    department: Annotated[str, Form()],
    instructions: Annotated[str, Form()],
    due_hours: Annotated[float, Form(gt=0, le=24 * 60)],
) -> Response:
    """Give a department a task due in so many hours."""
    data = TaskIn(
        department=department, instructions=instructions, due_at=now + dt.timedelta(hours=due_hours)
    )
    try:
        service_tasks.add_task(session, principal, code=code, data=data, now=now)
    except DomainError as exc:
        session.rollback()
        return order_page(request, session, principal, now, code, error=exc)
    return RedirectResponse(f"/work-orders/{code}#tasks", status_code=303)


@router.post("/work-orders/{code}/tasks/{task_id}", response_class=HTMLResponse)
def update_task(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.tasks")],
    now: Now,
    code: str,
    task_id: IdPath,
    status: Annotated[str, Form()],
    result: Annotated[str, Form()] = "",
) -> Response:
    """Mark a task done or cancelled."""
    try:
        data = TaskUpdateIn.model_validate({"status": status, "result": result})
        service_tasks.update_task(
            session, principal, code=code, task_id=task_id, data=data, now=now
        )
    except DomainError as exc:
        session.rollback()
        return order_page(request, session, principal, now, code, error=exc)
    return RedirectResponse(f"/work-orders/{code}#tasks", status_code=303)


@router.post("/work-orders/{code}/attachments", response_class=HTMLResponse)
def upload(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.record")],
    blobs: BlobsDep,
    now: Now,
    code: str,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Attach a file (multipart; the CSRF token travels in the query string)."""
    try:
        service_files.add_attachment(
            session,
            principal,
            blobs,
            code=code,
            stream=file.file,
            filename=file.filename or "",
            media_type=file.content_type or "",
            now=now,
        )
    except DomainError as exc:
        session.rollback()
        return order_page(request, session, principal, now, code, error=exc)
    return RedirectResponse(f"/work-orders/{code}#attachments", status_code=303)


@router.get("/work-orders/{code}/attachments/{attachment_id}")
def download(
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.view")],
    blobs: BlobsDep,
    code: str,
    attachment_id: IdPath,
) -> Response:
    """An attachment's content (scoped like its order)."""
    row, chunks = service_files.read_attachment(
        session, principal, blobs, code=code, attachment_id=attachment_id
    )
    name = row.filename.encode("ascii", "replace").decode().replace('"', "")
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(chunks, media_type=row.media_type, headers=headers)


@router.post("/work-orders/{code}/feedback", response_class=HTMLResponse)
def record_call(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.record")],
    now: Now,
    code: str,
    rating: Annotated[int, Form(ge=1, le=5)],
    resolved: Annotated[str, Form()],
    comment: Annotated[str, Form()] = "",
) -> Response:
    """Record the citizen's rating from a call."""
    data = FeedbackIn(rating=rating, resolved=resolved == "yes", comment=comment)
    try:
        service_feedback.submit(session, principal, code=code, data=data, now=now)
    except DomainError as exc:
        session.rollback()
        return order_page(request, session, principal, now, code, error=exc)
    return RedirectResponse(f"/work-orders/{code}#feedback", status_code=303)
