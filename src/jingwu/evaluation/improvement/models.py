"""PDCA tables: a unit's quarterly improvement list, its items, their stage moves and
evidence; and the case library (de-identified closed orders and mediations)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, ForeignKey, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, UTCDateTime


class PdcaList(Base):
    """A unit's improvement list for one quarter, opened from the catalogue's items."""

    __tablename__ = "eval_pdca_lists"
    __table_args__ = (UniqueConstraint("unit_id", "quarter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(7))  # YYYY-Qn, local calendar
    catalogue_version: Mapped[str] = mapped_column(String(32))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PdcaItem(Base):
    """One item of a list: a catalogue item (``improvement``) or a ``rectification``.

    ``stage`` moves forward only (plan → do → check → act); ``done_at`` is set when the act
    stage is finished. ``escalation_level`` is how far its overdue notice has gone: 0 none,
    1 the owner and the unit's head, 2 the level above.
    """

    __tablename__ = "eval_pdca_items"
    __table_args__ = (UniqueConstraint("list_id", "item_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("eval_pdca_lists.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="improvement")
    item_key: Mapped[str | None] = mapped_column(String(64))  # the catalogue item's id
    title: Mapped[str] = mapped_column(String(200), default="")  # a rectification's
    source_ref: Mapped[str | None] = mapped_column(String(64))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    start_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    stage: Mapped[str] = mapped_column(String(8), default="plan")
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    escalation_level: Mapped[int] = mapped_column(SmallInteger, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PdcaMove(Base):
    """A stage move of an item: from, to (``done`` when finished), who, when and why."""

    __tablename__ = "eval_pdca_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("eval_pdca_items.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    from_stage: Mapped[str] = mapped_column(String(8))
    to_stage: Mapped[str] = mapped_column(String(8))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")


class PdcaEvidence(Base):
    """A file attached to an item as evidence (the bytes are in the blob store)."""

    __tablename__ = "eval_pdca_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("eval_pdca_items.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    stage: Mapped[str] = mapped_column(String(8))  # the item's stage when it was attached
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(500), default="")
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Case(Base):
    """A closed order or mediation in the case library, de-identified and tagged.

    ``tags`` is kept as ``|tag|tag|`` so that a tag is found with one LIKE on any database.
    """

    __tablename__ = "eval_cases"
    __table_args__ = (UniqueConstraint("source_kind", "source_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    source_kind: Mapped[str] = mapped_column(String(16))  # order | mediation
    source_code: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(48))
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(String(400), default="|")
    month: Mapped[str] = mapped_column(String(7), index=True)  # local month promoted
    seq: Mapped[int] = mapped_column(Integer)
    promoted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    promoted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
