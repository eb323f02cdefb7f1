"""Request dependencies as ``Annotated`` aliases: the session, the clock, the principal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import Principal
from jingwu.audit import service as audit
from jingwu.blobs.store import BlobStore
from jingwu.config import Settings
from jingwu.db import Database
from jingwu.errors import Unauthenticated

SESSION_COOKIE = "jingwu_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class EnrolmentRequired(Unauthenticated):
    """Signed in with a password, but the second factor is not enrolled yet."""

    code = "enrolment_required"


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def db_session(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent."""
    with get_db(request).unit_of_work(write=request.method not in SAFE_METHODS) as session:
        yield session


def clock(request: Request) -> dt.datetime:
    now: dt.datetime = request.app.state.clock()
    return now


def client_ip(request: Request) -> str:
    return request.client.host if request.client else ""


SessionDep = Annotated[Session, Depends(db_session, scope="function")]
Now = Annotated[dt.datetime, Depends(clock)]


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def optional_principal(request: Request, session: SessionDep, now: Now) -> Principal | None:
    """The caller, from a bearer token or the session cookie; None when anonymous."""
    ip = client_ip(request)
    token = _bearer(request)
    if token is not None:
        user = accounts.token_user(session, token=token, now=now)
        if user is None:
            raise Unauthenticated("The API token is invalid, expired or revoked.")
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        found = accounts.session_user(session, token=cookie, now=now) if cookie else None
        if found is None:
            return None
        user = found[1]
        if not user.totp_confirmed:
            raise EnrolmentRequired("Set up your second factor to continue.")
    principal = accounts.load_principal(session, user.id, ip=ip)
    if principal is None:
        return None
    request.state.principal = principal
    audit.bind_actor(session, principal)
    return principal


def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    """The caller; unauthenticated requests get 401 (API) or a redirect to sign in (pages)."""
    if principal is None:
        raise Unauthenticated("Please sign in.")
    return principal


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_blobs(request: Request) -> BlobStore:
    blobs: BlobStore = request.app.state.blobs
    return blobs


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
BlobsDep = Annotated[BlobStore, Depends(get_blobs)]
