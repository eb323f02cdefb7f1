"""Notification tables: the in-app list, the outbox of outside deliveries, contacts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, Encrypted, UTCDateTime

BigId = BigInteger().with_variant(Integer, "sqlite")


class Notification(Base):
    """A message for one user; ``message`` is an English id formatted with ``params``."""

    __tablename__ = "notifications"
    __audit__ = False  # machine-generated; the event that caused it is audited
    __table_args__ = (Index("ix_notifications_user_id_read_at", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(String(255))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    link: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Delivery(Base):
    """One message to send through an outside channel (the outbox).

    Deliveries to users point at their notification; deliveries to citizens (a feedback
    link by SMS) have none and carry the message themselves.
    """

    __tablename__ = "notification_deliveries"
    __audit__ = False
    __table_args__ = (Index("ix_notification_deliveries_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(ForeignKey("notifications.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))  # email | sms
    language: Mapped[str] = mapped_column(String(8), default="zh_CN")
    message: Mapped[str] = mapped_column(String(255))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    link: Mapped[str] = mapped_column(String(512), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    address: Mapped[str] = mapped_column(Encrypted("notification_deliveries.address"))
    status: Mapped[str] = mapped_column(String(8), default="pending")  # pending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    # The unit whose people the message concerns (the user's unit, the order's station):
    # failed sends are listed to the chiefs of that unit and above.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # The provider's last delivery report (SMS): delivered | failed | … and when.
    report_status: Mapped[str] = mapped_column(String(16), default="", server_default="")
    reported_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SmsReport(Base):
    """A delivery report from the SMS gateway, as received (signed by the gateway)."""

    __tablename__ = "sms_reports"
    __audit__ = False

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    delivery_id: Mapped[int | None] = mapped_column(
        ForeignKey("notification_deliveries.id"), index=True
    )
    ref: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    error: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Contact(Base):
    """Where a user wants outside notifications: an e-mail address and/or SMS."""

    __tablename__ = "notification_contacts"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    email: Mapped[str | None] = mapped_column(Encrypted("notification_contacts.email"))
    email_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    sms_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    kinds: Mapped[list[Any]] = mapped_column(JSON, default=list)  # empty = every kind
