"""Notification use cases: notify users (in the app, and queued for e-mail or SMS), send a
message to a citizen, list, count and mark read, and drain the outbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session

from jingwu import bulk
from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal
from jingwu.errors import Invalid
from jingwu.notifications.channels import Channel, ChannelError
from jingwu.notifications.messages import render
from jingwu.notifications.models import Contact, Delivery, Notification, SmsReport

MAX_ATTEMPTS = 5
RETRY_BASE = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Message:
    """One notification for one user."""

    user_id: int
    kind: str
    message: str  # English message id with {placeholders}
    params: Mapping[str, Any]
    link: str = ""


def notify(
    session: Session,
    *,
    user_ids: Iterable[int],
    kind: str,
    message: str,
    params: Mapping[str, Any],
    link: str = "",
    now: dt.datetime,
) -> int:
    """Notify each user once (in the app, plus their outside channels); how many were sent."""
    unique = list(dict.fromkeys(user_ids))
    return notify_many(
        session, [Message(u, kind, message, dict(params), link) for u in unique], now=now
    )


def notify_many(session: Session, messages: Sequence[Message], *, now: dt.datetime) -> int:
    """Write many notifications at once (the sweep's path: a few statements, not a row each)."""
    if not messages:
        return 0
    rows = [
        {
            "user_id": m.user_id,
            "kind": m.kind,
            "message": m.message,
            "params": dict(m.params),
            "link": m.link,
            "created_at": now,
        }
        for m in messages
    ]
    table = Notification.__table__
    assert isinstance(table, Table)
    bulk.insert_rows(session, table, rows)
    _queue_outside(session, messages, now)
    return len(rows)


def _queue_outside(session: Session, messages: Sequence[Message], now: dt.datetime) -> None:
    users = {m.user_id for m in messages}
    contacts = {
        c.user_id: c
        for c in session.scalars(
            select(Contact).where(
                Contact.user_id.in_(users), Contact.email_enabled | Contact.sms_enabled
            )
        )
    }
    if not contacts:
        return
    phones: dict[int, str | None] = {}
    languages: dict[int, str] = {}
    units: dict[int, int] = {}
    for uid, phone, language, unit_id in session.execute(
        select(User.id, User.phone, User.language, User.unit_id).where(User.id.in_(list(contacts)))
    ):
        phones[uid], languages[uid], units[uid] = phone, language, unit_id
    for m in messages:
        contact = contacts.get(m.user_id)
        if contact is None or (contact.kinds and m.kind not in contact.kinds):
            continue
        targets = []
        if contact.email_enabled and contact.email:
            targets.append(("email", contact.email))
        if contact.sms_enabled and phones.get(m.user_id):
            targets.append(("sms", str(phones[m.user_id])))
        for channel, address in targets:
            session.add(
                Delivery(
                    channel=channel,
                    address=address,
                    language=languages.get(m.user_id) or "zh_CN",
                    message=m.message,
                    params=dict(m.params),
                    link=m.link,
                    created_at=now,
                    next_attempt_at=now,
                    unit_id=units.get(m.user_id),
                )
            )
    session.flush()


def send_direct(
    session: Session,
    *,
    channel: str,
    address: str,
    message: str,
    params: Mapping[str, Any],
    link: str = "",
    language: str = "zh_CN",
    unit_id: int | None = None,
    now: dt.datetime,
) -> Delivery:
    """Queue a message to someone without an account (a citizen's feedback link by SMS);
    ``unit_id`` is the unit it concerns (whose chiefs see it if it fails)."""
    if channel not in ("sms", "email"):
        raise Invalid(
            "Unknown channel '{channel}'.",
            params={"channel": channel},
            fields={"channel": "sms or email"},
        )
    delivery = Delivery(
        channel=channel,
        address=address,
        language=language,
        message=message,
        params=dict(params),
        link=link,
        created_at=now,
        next_attempt_at=now,
        unit_id=unit_id,
    )
    session.add(delivery)
    session.flush()
    return delivery


def unread_count(session: Session, principal: Principal) -> int:
    """How many of the principal's notifications are unread."""
    if principal.user_id is None:
        return 0
    count = session.scalar(
        select(func.count()).where(
            Notification.user_id == principal.user_id, Notification.read_at.is_(None)
        )
    )
    return int(count or 0)


def list_for(
    session: Session, principal: Principal, *, unread_only: bool = False, limit: int = 50
) -> list[Notification]:
    """The principal's own notifications, newest first (by when they were written: ids are
    not in time order when a job or the demo writes notifications for past events)."""
    stmt = select(Notification).where(Notification.user_id == principal.user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    stmt = stmt.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def mark_read(
    session: Session, principal: Principal, *, ids: Sequence[int] | None, now: dt.datetime
) -> int:
    """Mark the principal's notifications read (all of them when ``ids`` is None)."""
    stmt = update(Notification).where(
        Notification.user_id == principal.user_id, Notification.read_at.is_(None)
    )
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(list(ids)))
    result = session.execute(stmt.values(read_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


def set_contact(
    session: Session,
    principal: Principal,
    *,
    email: str | None,
    email_enabled: bool,
    sms_enabled: bool,
) -> Contact:
    """Set where the principal wants outside notifications."""
    if principal.user_id is None:
        raise Invalid("Only a signed-in user has contact settings.")
    if email_enabled and not (email and "@" in email):
        raise Invalid("An e-mail address is needed.", fields={"email": "required"})
    contact = session.get(Contact, principal.user_id)
    if contact is None:
        contact = Contact(user_id=principal.user_id, kinds=[])
        session.add(contact)
    contact.email = email or None
    contact.email_enabled, contact.sms_enabled = email_enabled, sms_enabled
    session.flush()
    return contact


def _absolute(params: Mapping[str, Any], link: str, base_url: str) -> tuple[dict[str, Any], str]:
    """Links sent outside point at the site (``JINGWU_PUBLIC_URL``), not at a bare path."""
    if not base_url:
        return dict(params), link
    fixed = {
        k: base_url + v if k == "link" and isinstance(v, str) and v.startswith("/") else v
        for k, v in params.items()
    }
    return fixed, base_url + link if link.startswith("/") else link


def deliver_pending(
    session: Session,
    *,
    channels: Mapping[str, Channel],
    now: dt.datetime,
    limit: int = 100,
    base_url: str = "",
) -> tuple[int, int]:
    """Send due outbox entries; returns (sent, failed). Failures retry with back-off."""
    stmt = (
        select(Delivery)
        .where(Delivery.status == "pending", Delivery.next_attempt_at <= now)
        .order_by(Delivery.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)  # two workers never send one twice
    sent = failed = 0
    for delivery in session.scalars(stmt):
        channel = channels.get(delivery.channel)
        if channel is None:
            delivery.status = "failed"
            delivery.last_error = f"no {delivery.channel} channel is configured"
            failed += 1
            continue
        params, link = _absolute(delivery.params, delivery.link, base_url)
        subject, body = render(delivery.message, params, delivery.language, link)
        delivery.attempts += 1
        try:
            channel.send(delivery.address, subject, body, ref=str(delivery.id))
        except ChannelError as exc:
            delivery.last_error = str(exc)[:2000]
            if delivery.attempts >= MAX_ATTEMPTS or exc.permanent:
                delivery.status = "failed"
            delivery.next_attempt_at = now + RETRY_BASE * 2 ** (delivery.attempts - 1)
            failed += 1
            continue
        delivery.status, delivery.sent_at = "sent", now
        sent += 1
    session.flush()
    return sent, failed


# Report statuses that mean the message did not reach the phone.
UNDELIVERED = frozenset({"failed", "undelivered", "rejected", "expired", "unknown_number"})


def record_sms_report(
    session: Session, *, ref: str, status: str, error: str, now: dt.datetime
) -> SmsReport:
    """Store a delivery report of the SMS gateway; one saying the message did not arrive
    marks the outbox entry failed (and so shows it to the chiefs)."""
    delivery = None
    if ref.isdigit() and len(ref) < 19:
        delivery = session.get(Delivery, int(ref))
        if delivery is not None and delivery.channel != "sms":
            delivery = None
    report = SmsReport(
        delivery_id=delivery.id if delivery else None,
        ref=ref[:64],
        status=status[:16],
        error=error[:2000],
        received_at=now,
    )
    session.add(report)
    if delivery is not None:
        delivery.report_status, delivery.reported_at = status[:16], now
        if status in UNDELIVERED:
            delivery.status = "failed"
            delivery.last_error = f"gateway report: {status} {error}".strip()[:2000]
    session.flush()
    return report
