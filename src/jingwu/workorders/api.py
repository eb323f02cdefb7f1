"""JSON API of the work orders under ``/api/v1/work-orders``.

Authorisation comes first: an order outside the caller's scope is 404; a role that may not
take an action is 403 naming the role; an allowed role acting in the wrong state is 409
naming the state; a missing input is 422 naming the field. Nothing changes on any of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from jingwu.accounts.principal import Principal
from jingwu.web.authz import PUBLIC, Requires
from jingwu.web.deps import CurrentPrincipal, Now, SessionDep, one_transaction
from jingwu.web.openapi import API_ERRORS
from jingwu.web.params import IdPath, LocalDateTime, PageNo
from jingwu.workorders import present, queries, service, service_feedback, service_tasks
from jingwu.workorders.queries import OrderFilter
from jingwu.workorders.schemas import (
    ActionIn,
    ActionName,
    ErrorOut,
    FeedbackIn,
    FeedbackOut,
    IntakeIn,
    OrderDetailOut,
    OrderOut,
    OrderPage,
    StateName,
    TaskIn,
    TaskOut,
    TaskUpdateIn,
    TierName,
)

router = APIRouter(prefix="/api/v1/work-orders", tags=["work orders"], responses=API_ERRORS)


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        401: "not signed in",
        403: "the caller's role may not do this (the message names the role)",
        404: "no such order in the caller's scope",
        409: "the order's state does not allow this (the message names the state), or the "
        "draft id belongs to another order",
        422: "an input is missing or malformed (fields names it)",
    }
    return {c: {"model": ErrorOut, "description": text[c]} for c in codes}


_REPLAYED: dict[int | str, dict[str, Any]] = {
    200: {"model": OrderOut, "description": "this draft was received before: the order it became"}
}


@router.post(
    "",
    response_model=OrderOut,
    status_code=201,
    responses={**_REPLAYED, **_errors(401, 403, 409, 422)},
)
@one_transaction
def create_order(
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.create")],
    now: Now,
    body: IntakeIn,
    response: Response,
) -> OrderOut:
    """Receive a new order through any channel; the code is allocated per station and day.

    With a ``draft_id``, sending the same draft again (an offline phone replaying its queue)
    answers 200 with the order it became the first time; no second order is made.
    """
    order, created = service.receive(session, principal, data=body, now=now)
    if not created:
        response.status_code = 200
    return present.order_out(session, principal, order, now=now)


@router.get("", response_model=OrderPage, responses=_errors(401, 422))
@one_transaction
def list_orders(
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.view")],
    tier: TierName | None = None,
    state: StateName | None = None,
    overdue: bool | None = None,
    unit: Annotated[str | None, Query(description="unit short code (and units below)")] = None,
    received_from: LocalDateTime | None = None,
    received_to: LocalDateTime | None = None,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description="words found in the code, the caller's whole phone number, the "
            "address or the description (every word must match)",
        ),
    ] = None,
    page: PageNo = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> OrderPage:
    """Orders in the caller's scope, newest first, with filters and paging."""
    filters = OrderFilter(
        tier=tier,
        state=state,
        overdue=overdue,
        unit=unit,
        received_from=received_from,
        received_to=received_to,
        q=q,
    )
    rows, total = queries.list_rows(
        session, principal, filters=filters, page=page, per_page=per_page
    )
    return OrderPage(
        items=[present.list_item(o) for o in rows], total=total, page=page, per_page=per_page
    )


@router.get("/{code}", response_model=OrderDetailOut, responses=_errors(401, 403, 404))
@one_transaction
def get_order(
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.view")],
    now: Now,
    code: str,
    unmask: Annotated[
        bool, Query(description="show the reporter's data (pii.unmask; audited)")
    ] = False,
) -> OrderDetailOut:
    """An order with its clocks, timeline, tasks and the actions the caller may take."""
    return present.detail_view(
        session, principal, code=code, now=now, unmask=unmask, language=principal.language
    )


@router.post(
    "/{code}/actions/{action}", response_model=OrderOut, responses=_errors(401, 403, 404, 409, 422)
)
@one_transaction
def take_action(
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.act")],
    now: Now,
    code: str,
    action: ActionName,
    body: ActionIn | None = None,
) -> OrderOut:
    """Take one action of the state table; each action reads the body fields it needs."""
    order = service.act(
        session, principal, code=code, action=action, data=body or ActionIn(), now=now
    )
    return present.order_out(session, principal, order, now=now)


@router.post(
    "/{code}/tasks",
    response_model=TaskOut,
    status_code=201,
    responses=_errors(401, 403, 404, 409, 422),
)
@one_transaction
def add_task(
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.tasks")],
    now: Now,
    code: str,
    body: TaskIn,
) -> TaskOut:
    """Give an outside department or another unit a task with its own deadline."""
    task = service_tasks.add_task(session, principal, code=code, data=body, now=now)
    return _task_out(session, task.id, code, principal, now)


@router.post(
    "/{code}/tasks/{task_id}", response_model=TaskOut, responses=_errors(401, 403, 404, 409, 422)
)
@one_transaction
def update_task(
    session: SessionDep,
    principal: Annotated[Principal, Requires("workorders.tasks")],
    now: Now,
    code: str,
    task_id: IdPath,
    body: TaskUpdateIn,
) -> TaskOut:
    """Mark a task done (with its result) or cancelled."""
    service_tasks.update_task(session, principal, code=code, task_id=task_id, data=body, now=now)
    return _task_out(session, task_id, code, principal, now)


def _task_out(
    session: SessionDep, task_id: int, code: str, principal: CurrentPrincipal, now: dt.datetime
) -> TaskOut:
    order = service.get_order(session, principal, code=code)
    view = next(t for t in service_tasks.tasks_of(session, order, now=now) if t.task.id == task_id)
    return TaskOut(
        id=view.task.id,
        target=view.target_en if principal.language == "en" else view.target,
        instructions=view.task.instructions,
        due_at=view.task.due_at,
        status=view.task.status,
        result=view.task.result,
    )


@router.post(
    "/{code}/feedback",
    response_model=FeedbackOut,
    status_code=201,
    responses=_errors(403, 404, 409, 422),
)
@one_transaction
def feedback(
    session: SessionDep,
    principal: Annotated[Principal | None, PUBLIC],
    now: Now,
    code: str,
    body: FeedbackIn,
) -> FeedbackOut:
    """The citizen's rating: with the link's ``token`` (no sign-in), or recorded by an officer
    from a call. A rating of 1-2 or "not resolved" reopens the order within the 7-day window;
    a good rating with "resolved" closes it.
    """
    fb, order = service_feedback.submit(session, principal, code=code, data=body, now=now)
    return present.feedback_out(fb, order)
