"""Request dependencies as ``Annotated`` aliases: the session, the clock, the principal.

Each synchronous dependency costs a trip through the thread pool (and, under load, a wait
for a free thread and for the GIL), so only the ones that do I/O are synchronous: the
sign-in lookup and the endpoint itself. Opening the request's session does no I/O (its
transaction begins at its first statement, in the endpoint's thread); ending it goes to a
thread only when a transaction is still open (see :func:`db_session`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Coroutine
from functools import wraps
from typing import Annotated, Any, ParamSpec, TypeVar

import anyio.to_thread
from anyio import CancelScope, CapacityLimiter
from fastapi import Depends, Request
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import Principal
from jingwu.audit import service as audit
from jingwu.blobs.store import BlobStore
from jingwu.config import Settings
from jingwu.db import Database, has_deferred_writes
from jingwu.errors import Conflict, Unauthenticated
from jingwu.web import proxies

SESSION_COOKIE = "jingwu_session"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CLOCK = "jingwu.clock"  # session.info key: the request's clock (write requests)

P = ParamSpec("P")
R = TypeVar("R")


class EnrolmentRequired(Unauthenticated):
    """Signed in with a password, but the second factor is not enrolled yet."""

    code = "enrolment_required"


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _settled(session: Session) -> bool:
    """True when ending the session needs no I/O: no transaction and nothing pending."""
    return not (
        session.in_transaction()
        or session.new
        or session.dirty
        or session.deleted
        or has_deferred_writes(session)
    )


async def db_session(request: Request) -> AsyncIterator[Session]:
    """One transaction per request, committed before the response is sent."""
    write = request.method not in SAFE_METHODS
    unit = get_db(request).unit_of_work(write=write)
    session = unit.__enter__()  # no I/O: the transaction begins at the first statement
    if write:
        session.info[CLOCK] = request.app.state.clock
    try:
        yield session
    except BaseException as exc:
        # Roll back in a thread of its own (never waiting for a free one: a thread that
        # holds a database lock may be what the others wait for), shielded from cancel.
        with CancelScope(shield=True):
            ok = await anyio.to_thread.run_sync(
                unit.__exit__, type(exc), exc, exc.__traceback__, limiter=CapacityLimiter(1)
            )
        if not ok:
            raise
    else:
        if _settled(session):
            unit.__exit__(None, None, None)  # nothing to commit: no I/O, no thread
        else:
            with CancelScope(shield=True):
                await anyio.to_thread.run_sync(
                    unit.__exit__, None, None, None, limiter=CapacityLimiter(1)
                )


def one_transaction(endpoint: Callable[P, R]) -> Callable[P, Coroutine[Any, Any, R]]:
    """Run a synchronous endpoint in one trip to a worker thread, as one transaction.

    FastAPI sends a synchronous endpoint to a thread, and then its response model's
    validation to another; the endpoint this returns is asynchronous, so the body runs
    in a thread once and the (cheap) validation on the event loop. The transaction is
    committed at the end of the body, in its thread: the write lock (SQLite) and the
    connection are released before the thread is. An exception rolls everything back. A
    write begins its transaction first and then reads the clock (``now``), so on SQLite
    the writers' times follow the order in which they hold the write lock; one that still
    finds a later event on its record (PostgreSQL locks the record later) is rolled back
    and run once more with the clock read again.
    """

    def body(kwargs: dict[str, Any]) -> R:
        session = next((v for v in kwargs.values() if isinstance(v, Session)), None)
        if session is None or CLOCK not in session.info:
            result = endpoint(**kwargs)  # type: ignore[call-arg]
        else:
            result = _write(session, kwargs)
        if session is not None:
            session.commit()
        return result

    def _write(session: Session, kwargs: dict[str, Any]) -> R:
        for attempt in (1, 2):
            session.connection()  # BEGIN (IMMEDIATE on SQLite)
            if isinstance(kwargs.get("now"), dt.datetime):
                kwargs["now"] = session.info[CLOCK]()
            try:
                return endpoint(**kwargs)  # type: ignore[call-arg]
            except Conflict as exc:
                # On PostgreSQL a record's lock is taken after the clock was read: a writer
                # that read its clock later may have got there first. Once more, later.
                if attempt == 2 or not getattr(exc, "stale_clock", False):
                    raise
                session.rollback()
        raise AssertionError("unreachable")

    @wraps(endpoint)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        assert not args  # FastAPI passes keyword arguments only
        return await anyio.to_thread.run_sync(body, dict(kwargs))

    return run


async def clock(request: Request) -> dt.datetime:
    now: dt.datetime = request.app.state.clock()
    return now


def client_ip(request: Request) -> str:
    """The client's address; ``X-Forwarded-For`` counts only from a trusted proxy."""
    peer = request.client.host if request.client else ""
    trusted: list[str] = request.app.state.settings.trusted_proxies
    if not trusted:
        return peer
    forwarded = ",".join(request.headers.getlist("x-forwarded-for"))
    return proxies.client_address(peer, forwarded, proxies.networks(tuple(trusted)))


SessionDep = Annotated[Session, Depends(db_session, scope="function")]
Now = Annotated[dt.datetime, Depends(clock)]


def _bearer(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _sign_in_lookup(request: Request, now: dt.datetime) -> Principal | None:
    """The caller from a bearer token or the session cookie, in a short read of its own.

    Its own session, not the request's: the request's (write) transaction then begins in
    the endpoint, and on SQLite holds the write lock only while the endpoint works.
    """
    ip = client_ip(request)
    token = _bearer(request)
    cookie = None if token is not None else request.cookies.get(SESSION_COOKIE)
    with get_db(request).sessions() as lookup:
        if token is not None:
            principal = accounts.token_principal(lookup, token=token, now=now, ip=ip)
            if principal is None:
                raise Unauthenticated("The API token is invalid, expired or revoked.")
            return principal
        assert cookie is not None
        found = accounts.session_principal(lookup, token=cookie, now=now, ip=ip)
    if found is None:
        return None
    principal, enrolled = found
    if not enrolled:
        raise EnrolmentRequired("Set up your second factor to continue.")
    return principal


async def optional_principal(request: Request, session: SessionDep, now: Now) -> Principal | None:
    """The caller, from a bearer token or the session cookie; None when anonymous."""
    if _bearer(request) is None and not request.cookies.get(SESSION_COOKIE):
        return None  # anonymous: nothing to look up, no thread
    principal = await anyio.to_thread.run_sync(_sign_in_lookup, request, now)
    if principal is None:
        return None
    request.state.principal = principal
    audit.bind_actor(session, principal)
    return principal


async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    """The caller; unauthenticated requests get 401 (API) or a redirect to sign in (pages)."""
    if principal is None:
        raise Unauthenticated("Please sign in.")
    return principal


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_blobs(request: Request) -> BlobStore:
    blobs: BlobStore = request.app.state.blobs
    return blobs


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
BlobsDep = Annotated[BlobStore, Depends(get_blobs)]
