"""Pages of accounts: sign-in with a second factor, enrolment, the account page, user admin."""

from __future__ import annotations

from typing import Annotated

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from jingwu.accounts import devicekeys, keypages, queries, service, signin
from jingwu.accounts.principal import Principal
from jingwu.accounts.roles import Role
from jingwu.accounts.web import EnrollingUser, relying_party, throttle_policy
from jingwu.errors import DomainError, Invalid
from jingwu.org import queries as org_queries
from jingwu.security import keys, totp
from jingwu.web.authz import PUBLIC, SIGNED_IN, Requires
from jingwu.web.deps import (
    SESSION_COOKIE,
    Now,
    SessionDep,
    SettingsDep,
    client_ip,
)
from jingwu.web.i18n import error_fields, error_text, translated
from jingwu.web.nav import NavItem
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
router.include_router(keypages.router)
NAV = [NavItem("Users", "/admin/users", "users.admin", order=90)]


def _safe_next(value: str | None) -> str:
    return value if value and value.startswith("/") and not value.startswith("//") else "/"


def _login_page(
    request: Request,
    session: Session,
    settings: SettingsDep,
    now: Now,
    *,
    error: str = "",
    username: str = "",
    next_url: str = "/",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    codes = queries.demo_codes(session, unix_time=now.timestamp()) if settings.demo else []
    return render(
        request,
        "accounts/login.html",
        {
            "error": error,
            "username": username,
            "next": next_url,
            "demo_codes": codes,
        },
        status_code=status,
        headers=headers,
    )


@router.get("/login", response_class=HTMLResponse, dependencies=[PUBLIC])
def login_form(
    request: Request, session: SessionDep, settings: SettingsDep, now: Now, next: str = "/"
) -> Response:
    return _login_page(request, session, settings, now, next_url=_safe_next(next))


@router.get("/login/demo-codes", response_class=HTMLResponse, dependencies=[PUBLIC])
def demo_codes(request: Request, session: SessionDep, settings: SettingsDep, now: Now) -> Response:
    codes = queries.demo_codes(session, unix_time=now.timestamp()) if settings.demo else []
    return render(request, "accounts/demo_codes.html", {"demo_codes": codes})


@router.post("/login", response_class=HTMLResponse, dependencies=[PUBLIC])
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: Now,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
    device_key: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    try:
        signed = signin.authenticate(
            session,
            username=username,
            password=password,
            code=code,
            device_key=device_key,
            rp=relying_party(request, settings),
            ip=client_ip(request),
            now=now,
            policy=throttle_policy(settings),
        )
    except DomainError as exc:  # failure is recorded: commit, then show the form again
        wait = getattr(exc, "retry_after", None)
        return _login_page(
            request,
            session,
            settings,
            now,
            error=error_text(request, exc),
            username=username,
            next_url=_safe_next(next),
            status=exc.status,
            headers={"Retry-After": str(wait)} if wait else None,
        )
    user = signed.user
    token, _ = service.open_session(
        session,
        user=user,
        ip=client_ip(request),
        user_agent=request.headers.get("user-agent", ""),
        now=now,
        hours=settings.session_hours,
        needs_device_key=signed.needs_device_key,
    )
    target = _safe_next(next)
    if not user.totp_confirmed:
        target = "/account/enrol"
    elif signed.needs_device_key:
        target = "/account/device-keys"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=settings.is_production,
        max_age=settings.session_hours * 3600,
    )
    return response


@router.post("/logout", dependencies=[PUBLIC])
def logout(request: Request, session: SessionDep, now: Now) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.close_session(session, token=token, now=now)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _qr_svg(uri: str) -> str:
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#1b2a41"))


@router.post("/login/device-key", dependencies=[PUBLIC])
def device_key_options(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    now: Now,
    username: Annotated[str, Form()] = "",
) -> Response:
    """The WebAuthn request options for signing in as ``username`` (JSON)."""
    options = devicekeys.sign_in_options(
        session,
        username=username,
        rp=relying_party(request, settings),
        now=now,
        secret=keys.current().secret_key,
    )
    return Response(options, media_type="application/json")


@router.get("/account/enrol", response_class=HTMLResponse, dependencies=[PUBLIC])
def enrol_form(request: Request, user: EnrollingUser) -> Response:
    if user.totp_confirmed:
        return RedirectResponse("/account/device-keys", status_code=303)
    assert user.totp_secret is not None
    uri = totp.provisioning_uri(user.totp_secret, user.username)
    return render(
        request,
        "accounts/enrol.html",
        {
            "user": user,
            "secret": user.totp_secret,
            "qr": _qr_svg(uri),
            "error": "",
        },
    )


@router.post("/account/enrol", response_class=HTMLResponse, dependencies=[PUBLIC])
def enrol(
    request: Request,
    session: SessionDep,
    user: EnrollingUser,
    now: Now,
    code: Annotated[str, Form()] = "",
) -> Response:
    if user.totp_confirmed:
        return RedirectResponse("/account", status_code=303)
    try:
        codes = service.confirm_enrolment(session, user=user, code=code, now=now)
    except Invalid as exc:
        assert user.totp_secret is not None
        uri = totp.provisioning_uri(user.totp_secret, user.username)
        return render(
            request,
            "accounts/enrol.html",
            {
                "user": user,
                "secret": user.totp_secret,
                "qr": _qr_svg(uri),
                "error": error_text(request, exc),
            },
            status_code=422,
        )
    return render(request, "accounts/recovery.html", {"codes": codes})


@router.get("/account", response_class=HTMLResponse)
def account(
    request: Request, session: SessionDep, principal: Annotated[Principal, Requires(SIGNED_IN)]
) -> Response:
    assert principal.user_id is not None
    return render(
        request,
        "accounts/account.html",
        {"account": queries.overview(session, user_id=principal.user_id)},
    )


@router.post("/account/tokens", response_class=HTMLResponse)
def new_token(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires(SIGNED_IN)],
    now: Now,
    name: Annotated[str, Form()] = "",
) -> Response:
    token = service.create_token(
        session, principal, username=principal.username, name=name or "script", now=now
    )
    assert principal.user_id is not None
    return render(
        request,
        "accounts/account.html",
        {
            "account": queries.overview(session, user_id=principal.user_id),
            "new_token": token,
        },
    )


def _users_page(
    request: Request,
    session: Session,
    principal: Principal,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    status: int = 200,
) -> Response:
    return render(
        request,
        "accounts/users.html",
        {
            "users": service.list_users(session, principal),
            "units": org_queries.list_units(session, principal),
            "roles": [r.value for r in Role],
            "key_roles": devicekeys.required_roles(session),
            "form": form or {},
            "errors": errors or {},
            "message": message,
        },
        status_code=status,
    )


@router.get("/admin/users", response_class=HTMLResponse)
def users(
    request: Request, session: SessionDep, principal: Annotated[Principal, Requires("users.admin")]
) -> Response:
    return _users_page(request, session, principal)


@router.post("/admin/users", response_class=HTMLResponse)
def create_user(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("users.admin")],
    now: Now,
    username: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    unit_id: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    form = {"username": username, "display_name": display_name, "unit_id": unit_id, "role": role}
    unit = unit_id.strip()
    # none chosen: None (required); not an id the column can hold: 0, a unit that is not there
    unit_number = None if not unit else int(unit) if unit.isdigit() and len(unit) <= 9 else 0
    try:
        with session.begin_nested():
            service.create_user(
                session,
                principal,
                username=username.strip().lower(),
                display_name=display_name,
                unit_id=unit_number,
                role=role,
                password=password,
                now=now,
            )
    except (Invalid, DomainError) as exc:
        return _users_page(
            request,
            session,
            principal,
            form=form,
            errors=error_fields(request, exc, whole="form"),
            message=error_text(request, exc),
            status=exc.status,
        )
    return _users_page(
        request,
        session,
        principal,
        message=translated(request, "User {username} created.", username=username),
    )


@router.post("/admin/users/{username}/reset-2fa", response_class=HTMLResponse)
def reset_2fa(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("users.admin")],
    username: str,
) -> Response:
    service.reset_second_factor(session, principal, username=username)
    done = translated(request, "Second factor of {username} reset.", username=username)
    return _users_page(request, session, principal, message=done)


@router.post("/admin/roles/device-keys", response_class=HTMLResponse)
def require_device_keys(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("users.admin")],
    roles: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Set which roles must sign in with a device key."""
    devicekeys.set_required_roles(session, principal, roles=set(roles or []))
    return _users_page(
        request, session, principal, message=translated(request, "Device key policy saved.")
    )
