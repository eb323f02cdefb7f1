"""Online consultations and their messages (the bodies encrypted at rest)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, Encrypted, UTCDateTime


class Consultation(Base):
    """One citizen's consultation with a station: queued, answered by one expert at a time.

    The citizen's secret token is never stored, only its SHA-256 (``token_hash``).
    """

    __tablename__ = "consult_sessions"
    __table_args__ = (Index("ix_consult_sessions_queue", "unit_id", "status", "opened_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)  # ZX-<station>-<n>
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    topic: Mapped[str] = mapped_column(String(16))
    display_name: Mapped[str] = mapped_column(Encrypted("consult_sessions.display_name"))
    status: Mapped[str] = mapped_column(String(8), index=True)
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    retain_until: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    evidence_item: Mapped[str | None] = mapped_column(String(64))
    transcript_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))


class ConsultMessage(Base):
    """A line of the conversation; ``seq`` numbers the consultation's lines from 1."""

    __tablename__ = "consult_messages"
    __audit__ = False  # the conversation itself: never copied into the audit log
    __table_args__ = (UniqueConstraint("consultation_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consult_sessions.id"))
    seq: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(8))  # citizen | expert | note | system
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Encrypted("consult_messages.body", length=4096))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
