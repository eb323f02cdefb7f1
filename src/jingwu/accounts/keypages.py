"""Pages of device keys: list, enrol (the WebAuthn ceremony in ``devicekey.js``), remove.

A session signed in with a one-time code by a user whose role requires a device key, and
who has none, may use only these pages (and the one-time-code enrolment before them).
So they are declared ``PUBLIC`` (a session still enrolling is anonymous to ``Requires``) and
take their user from ``EnrollingUser``, which refuses a caller without a session (401).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from jingwu.accounts import devicekeys, service
from jingwu.accounts.models import User
from jingwu.accounts.web import EnrollingUser, relying_party
from jingwu.errors import DomainError
from jingwu.web.authz import PUBLIC
from jingwu.web.deps import SESSION_COOKIE, Now, SessionDep, SettingsDep
from jingwu.web.i18n import error_text
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE = "/account/device-keys"
MAX_ID = 2**31 - 1


def _page(
    request: Request, session: Session, user: User, *, error: str = "", status: int = 200
) -> Response:
    return render(
        request,
        "accounts/device_keys.html",
        {
            "user": user,
            "keys": devicekeys.list_keys(session, user_id=user.id),
            "required": devicekeys.device_key_required(session, role=user.role),
            "error": error,
            "added": request.query_params.get("added") == "1",
        },
        status_code=status,
    )


@router.get(PAGE, response_class=HTMLResponse, dependencies=[PUBLIC])
def device_keys(request: Request, session: SessionDep, user: EnrollingUser) -> Response:
    if not user.totp_confirmed:
        return RedirectResponse("/account/enrol", status_code=303)
    return _page(request, session, user)


@router.post(f"{PAGE}/options", dependencies=[PUBLIC])
def registration_options(
    request: Request, session: SessionDep, settings: SettingsDep, user: EnrollingUser, now: Now
) -> Response:
    """The WebAuthn creation options for a new key of the signed-in user (JSON)."""
    rp = relying_party(request, settings)
    options = devicekeys.registration_options(session, user=user, rp=rp, now=now)
    return Response(options, media_type="application/json")


@router.post(PAGE, response_class=HTMLResponse, dependencies=[PUBLIC])
def add_device_key(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: EnrollingUser,
    now: Now,
    credential: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
) -> Response:
    try:
        with session.begin_nested():
            devicekeys.register(
                session,
                user=user,
                credential=credential,
                name=name,
                rp=relying_party(request, settings),
                now=now,
            )
    except DomainError as exc:
        return _page(request, session, user, error=error_text(request, exc), status=exc.status)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.device_key_enrolled(session, token=token)
    return RedirectResponse(f"{PAGE}?added=1", status_code=303)


@router.post(PAGE + "/{key_id}/delete", response_class=HTMLResponse, dependencies=[PUBLIC])
def remove_device_key(
    request: Request,
    session: SessionDep,
    user: EnrollingUser,
    now: Now,
    key_id: Annotated[int, Path(ge=1, le=MAX_ID)],
) -> Response:
    try:
        devicekeys.remove_key(session, user=user, key_id=key_id, now=now)
    except DomainError as exc:
        return _page(request, session, user, error=error_text(request, exc), status=exc.status)
    return RedirectResponse(PAGE, status_code=303)
