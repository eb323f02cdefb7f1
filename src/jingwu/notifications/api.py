"""JSON API of the notifications: the caller's own list, unread count, mark read."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, ValidationError

from jingwu.accounts.principal import Principal
from jingwu.errors import Invalid, NotFound, PayloadTooLarge, Unauthenticated
from jingwu.fields import IdList
from jingwu.notifications import service
from jingwu.notifications.channels import signature_ok
from jingwu.notifications.messages import text
from jingwu.web.authz import PUBLIC, SIGNED_IN, Requires
from jingwu.web.deps import Now, SessionDep, SettingsDep
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
    session: SessionDep,
    principal: Annotated[Principal, Requires(SIGNED_IN)],
    unread_only: bool = False,
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
def unread(session: SessionDep, principal: Annotated[Principal, Requires(SIGNED_IN)]) -> UnreadOut:
    """The caller's unread count."""
    return UnreadOut(unread=service.unread_count(session, principal))


@router.post("/read", response_model=ReadOut)
def read(
    session: SessionDep,
    principal: Annotated[Principal, Requires(SIGNED_IN)],
    now: Now,
    body: ReadIn,
) -> ReadOut:
    """Mark the caller's notifications read."""
    return ReadOut(marked=service.mark_read(session, principal, ids=body.ids, now=now))


MAX_REPORT_BYTES = 16 * 1024


class SmsReportIn(BaseModel):
    """A delivery report of the SMS gateway (signed: ``X-Signature``)."""

    ref: str = Field(max_length=64, description="the ref the message was sent with")
    status: str = Field(
        min_length=1,
        max_length=16,
        pattern=r"^[a-z_]+$",
        description="delivered, failed, undelivered, rejected, expired, …",
    )
    error: str = Field(default="", max_length=2000, description="the gateway's reason")


class SmsReportOut(BaseModel):
    """The report was stored; ``matched`` when it names a message of ours."""

    stored: bool
    matched: bool


async def raw_body(request: Request) -> bytes:
    """The request body as sent (the signature covers these exact bytes)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_REPORT_BYTES:
            raise PayloadTooLarge("The request body is too large.")
    return body


_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"description": "missing or wrong X-Signature"},
    404: {"description": "no SMS gateway is configured"},
    413: {"description": "body too large"},
    422: {"description": "not a delivery report"},
}


@router.post(
    "/sms-status",
    response_model=SmsReportOut,
    dependencies=[PUBLIC],
    responses=_ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": SmsReportIn.model_json_schema()}},
        }
    },
)
def sms_status(
    session: SessionDep,
    settings: SettingsDep,
    now: Now,
    request: Request,
    body: Annotated[bytes, Depends(raw_body)],
) -> SmsReportOut:
    """A delivery report from the SMS gateway, signed like the messages sent to it."""
    if not settings.sms_secret:
        raise NotFound("No SMS gateway is configured.")
    if not signature_ok(settings.sms_secret, body, request.headers.get("x-signature", "")):
        raise Unauthenticated("The signature of the delivery report is wrong.")
    try:
        report = SmsReportIn.model_validate_json(body)
    except ValidationError:
        raise Invalid("This is not a delivery report: give ref, status and error.") from None
    stored = service.record_sms_report(
        session, ref=report.ref, status=report.status, error=report.error, now=now
    )
    return SmsReportOut(stored=True, matched=stored.delivery_id is not None)
