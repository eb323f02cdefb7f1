"""Portal tables: the inbox handed inward, the published status read by the public, and the
portal's own abuse-control and rating tables (see :mod:`jingwu.portal.zone`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, UTCDateTime


class PublicInbox(Base):
    """A submission from the internet zone (portal, Open311, 12345 or 110 feed); the
    description, contact data and photos are ``sealed`` to the intranet's public key."""

    __tablename__ = "public_inbox"
    __audit__ = False  # written by the internet zone, whose role may not write audit_log
    __table_args__ = (Index("ix_public_inbox_pending", "processed_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(16))  # portal|open311|hotline12345|dispatch110
    service_code: Mapped[str] = mapped_column(String(48))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    sealed: Mapped[str] = mapped_column(Text)
    source_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    api_key_id: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    order_code: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(String(255))


class PublishedRequest(Base):
    """What the public may know of a submission: status, fixed-phrase notes, a timeline.
    No description, no personal data, no officer; the location snapped to a coarse grid."""

    __tablename__ = "pub_requests"
    __audit__ = False  # written by the internet zone, whose role may not write audit_log

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32), unique=True)
    service_request_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    service_code: Mapped[str] = mapped_column(String(48), index=True)
    status: Mapped[str] = mapped_column(String(8), index=True)  # open | closed
    status_notes: Mapped[str] = mapped_column(String(120), default="")
    agency_responsible: Mapped[str] = mapped_column(String(120), default="")
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expected_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    community: Mapped[str] = mapped_column(String(120), default="")
    timeline: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    rated: Mapped[bool] = mapped_column(Boolean, default=False)


class PortalCode(Base):
    """An SMS one-time code for a phone (both hashed with a portal key; never stored plain)."""

    __tablename__ = "portal_codes"
    __audit__ = False  # written by the internet zone, whose role may not write audit_log

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_key: Mapped[str] = mapped_column(String(64), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    tries: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class PortalAttempt(Base):
    """One counted action (an SMS sent, a submission, a rating) per hashed phone or address,
    for the portal's rate limits."""

    __tablename__ = "portal_attempts"
    __audit__ = False  # written by the internet zone, whose role may not write audit_log
    __table_args__ = (Index("ix_portal_attempts_kind_key_at", "kind", "key", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PublicRating(Base):
    """A citizen's rating of a closed request, given on the portal; ``portal.intake`` records
    it as the order's feedback (WO-6). The comment is sealed like a submission."""

    __tablename__ = "public_ratings"
    __audit__ = False  # written by the internet zone, whose role may not write audit_log

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str | None] = mapped_column(String(32), index=True)  # the portal's token
    feedback_token: Mapped[str | None] = mapped_column(String(120))  # or the SMS link's (WO-6)
    rating: Mapped[int] = mapped_column(Integer)
    resolved: Mapped[bool] = mapped_column(Boolean)
    sealed_comment: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    processed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    error: Mapped[str | None] = mapped_column(String(255))
