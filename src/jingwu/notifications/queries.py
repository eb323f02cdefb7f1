"""Read models of the notifications: failed outside messages of the principal's units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.cards import Card
from jingwu.notifications.messages import text
from jingwu.notifications.models import Delivery
from jingwu.org.models import Unit
from jingwu.security.pii import mask_phone

PERMISSION = "notifications.failed"


@dataclass(frozen=True)
class FailedMessage:
    """A message that did not reach its reader, as a chief sees it (address masked)."""

    id: int
    channel: str
    address: str
    text: str
    unit: str
    created_at: dt.datetime
    attempts: int
    error: str
    report: str


def _mask(channel: str, address: str) -> str:
    if channel == "sms":
        return mask_phone(address)
    name, _, domain = address.partition("@")
    return f"{name[:1]}***@{domain}"


def failed_messages(
    session: Session, principal: Principal, *, language: str, limit: int = 100
) -> list[FailedMessage]:
    """Failed e-mail and SMS of the principal's units, newest first."""
    principal.require(PERMISSION)
    stmt = (
        select(Delivery, Unit.name)
        .join(Unit, Unit.id == Delivery.unit_id)
        .where(Delivery.status == "failed")
        .order_by(Delivery.id.desc())
        .limit(limit)
    )
    rows = session.execute(scoped(stmt, principal, Delivery.unit_id))
    return [
        FailedMessage(
            id=d.id,
            channel=d.channel,
            address=_mask(d.channel, d.address),
            text=text(d.message, d.params, language),
            unit=unit,
            created_at=d.created_at,
            attempts=d.attempts,
            error=d.last_error,
            report=d.report_status,
        )
        for d, unit in rows
    ]


def failed_count(session: Session, principal: Principal) -> int:
    """How many messages of the principal's units failed."""
    stmt = select(func.count()).where(Delivery.status == "failed")
    return int(session.scalar(scoped(stmt, principal, Delivery.unit_id)) or 0)


def dashboard_cards(session: Session, principal: Principal) -> list[Card]:
    """A card for chiefs and above: messages that did not reach people."""
    if not principal.can(PERMISSION):
        return []
    count = failed_count(session, principal)
    return [
        Card(
            "Messages not delivered",
            str(count),
            href="/notifications/failed",
            tone="bad" if count else "good",
            order=80,
        )
    ]
