"""JSON API of the notifications: the caller's own list, unread count, mark read."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter
from pydantic import BaseModel, Field

from jingwu.fields import IdList
from jingwu.notifications import service
from jingwu.notifications.messages import text
from jingwu.web.deps import CurrentPrincipal, Now, SessionDep
from jingwu.web.openapi import API_ERRORS

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"], responses=API_ERRORS)


class NotificationOut(BaseModel):
    """One notification, in the caller's language."""

    id: int
    kind: str
    text: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class UnreadOut(BaseModel):
    """How many notifications are unread."""

    unread: int


class ReadIn(BaseModel):
    """Which notifications to mark read (all when ``ids`` is omitted)."""

    ids: IdList | None = Field(default=None, description="ids to mark (≤ 1,000); omit for all")


class ReadOut(BaseModel):
    """How many were marked read."""

    marked: int


@router.get("", response_model=list[NotificationOut])
def list_notifications(
    session: SessionDep, principal: CurrentPrincipal, unread_only: bool = False
) -> list[NotificationOut]:
    """The caller's notifications, newest first."""
    return [
        NotificationOut(
            id=n.id,
            kind=n.kind,
            text=text(n.message, n.params, principal.language),
            link=n.link,
            created_at=n.created_at,
            read_at=n.read_at,
        )
        for n in service.list_for(session, principal, unread_only=unread_only)
    ]


@router.get("/unread-count", response_model=UnreadOut)
def unread(session: SessionDep, principal: CurrentPrincipal) -> UnreadOut:
    """The caller's unread count."""
    return UnreadOut(unread=service.unread_count(session, principal))


@router.post("/read", response_model=ReadOut)
def read(session: SessionDep, principal: CurrentPrincipal, now: Now, body: ReadIn) -> ReadOut:
    """Mark the caller's notifications read."""
    return ReadOut(marked=service.mark_read(session, principal, ids=body.ids, now=now))
