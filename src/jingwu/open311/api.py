"""The directors' JSON API of Open311 keys, intranet only: ``/api/v1/open311/keys``
(the public GeoReport endpoints are in :mod:`jingwu.open311.routes`).

List the keys of the districts in scope, issue one (the answer carries the key, once) and
revoke one. Needs ``open311.keys`` (district directors, administrators).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from jingwu.accounts.scope import Principal
from jingwu.open311 import service
from jingwu.open311.schemas import IssuedOut, KeyIn, KeyOut
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep, one_transaction
from jingwu.web.openapi import API_ERRORS
from jingwu.web.params import IdPath

router = APIRouter(
    prefix="/api/v1/open311/keys",
    tags=["open311 keys"],
    responses=API_ERRORS,
)
Director = Annotated[Principal, Requires("open311.keys")]


@router.get("", response_model=list[KeyOut])
@one_transaction
def keys(session: SessionDep, principal: Director) -> list[KeyOut]:
    """The keys of the districts in scope, newest first (never the keys themselves)."""
    return [KeyOut.of(k) for k in service.keys(session, principal)]


@router.post("", response_model=IssuedOut, status_code=201)
@one_transaction
def issue(session: SessionDep, principal: Director, now: Now, data: KeyIn) -> IssuedOut:
    """Issue a key; the answer is the only time the key is shown."""
    issued = service.issue_key(
        session, principal, unit=data.unit, name=data.name, per_hour=data.per_hour, now=now
    )
    return IssuedOut(**KeyOut.of(issued.key).model_dump(), key=issued.secret)


@router.post("/{key_id}/revoke", response_model=KeyOut)
@one_transaction
def revoke(session: SessionDep, principal: Director, now: Now, key_id: IdPath) -> KeyOut:
    """Revoke a key at once."""
    return KeyOut.of(service.revoke_key(session, principal, key_id=key_id, now=now))
