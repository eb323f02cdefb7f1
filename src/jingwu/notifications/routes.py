"""Pages of the notifications: the list, the live unread badge, contact settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jingwu.accounts.principal import Principal
from jingwu.errors import Invalid
from jingwu.notifications import queries, service
from jingwu.notifications.messages import text
from jingwu.notifications.models import Contact
from jingwu.web.authz import SIGNED_IN, Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.i18n import error_fields
from jingwu.web.nav import NavItem
from jingwu.web.params import MAX_ID
from jingwu.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
# No navigation entry: the unread badge in the top bar links to the list.
NAV: list[NavItem] = []
POLL_SECONDS = 15


@router.get("/notifications", response_class=HTMLResponse)
def notification_list(
    request: Request, session: SessionDep, principal: Annotated[Principal, Requires(SIGNED_IN)]
) -> Response:
    items = service.list_for(session, principal, limit=100)
    language = request.state.language
    rows = [(n, text(n.message, n.params, language)) for n in items]
    contact = session.get(Contact, principal.user_id) if principal.user_id else None
    return render(
        request,
        "notifications/list.html",
        {
            "rows": rows,
            "unread": service.unread_count(session, principal),
            "contact": contact,
            "errors": {},
        },
    )


@router.get("/notifications/badge", response_class=HTMLResponse)
def badge(
    request: Request, session: SessionDep, principal: Annotated[Principal, Requires(SIGNED_IN)]
) -> Response:
    """The unread count, polled by htmx every few seconds."""
    return render(
        request,
        "notifications/badge.html",
        {"unread": service.unread_count(session, principal), "poll": POLL_SECONDS},
    )


@router.post("/notifications/read")
def mark_read(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires(SIGNED_IN)],
    now: Now,
    notification_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Response:
    ids = None if notification_id is None else [notification_id]
    service.mark_read(session, principal, ids=ids, now=now)
    if is_htmx(request):
        return badge(request, session, principal)
    return RedirectResponse("/notifications", status_code=303)


@router.post("/notifications/contact")
def set_contact(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires(SIGNED_IN)],
    email: Annotated[str, Form()] = "",
    email_enabled: Annotated[bool, Form()] = False,
    sms_enabled: Annotated[bool, Form()] = False,
) -> Response:
    try:
        service.set_contact(
            session,
            principal,
            email=email.strip() or None,
            email_enabled=email_enabled,
            sms_enabled=sms_enabled,
        )
    except Invalid as exc:
        contact = session.get(Contact, principal.user_id) if principal.user_id else None
        return render(
            request,
            "notifications/list.html",
            {
                "rows": [],
                "unread": service.unread_count(session, principal),
                "contact": contact,
                "errors": error_fields(request, exc),
            },
            status_code=422,
        )
    return RedirectResponse("/notifications", status_code=303)


@router.get("/notifications/failed", response_class=HTMLResponse)
def failed(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires(queries.PERMISSION)],
) -> Response:
    """E-mail and SMS of the principal's units that did not reach their readers."""
    language = request.state.language
    rows = queries.failed_messages(session, principal, language=language)
    return render(request, "notifications/failed.html", {"rows": rows})
