"""Work-order tables: orders, their event log, day counters, attachments, tasks, alerts,
overdue records and feedback. Mediation and draw tables live in ``models_cases``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, Encrypted, UTCDateTime
from jingwu.workorders.models_cases import (
    Draw,
    FollowUp,
    Mediation,
    MediationParty,
    MediationSession,
)

__all__ = [
    "Alert",
    "Attachment",
    "DayCounter",
    "Draw",
    "Feedback",
    "FollowUp",
    "Mediation",
    "MediationParty",
    "MediationSession",
    "OrderEvent",
    "OverdueRecord",
    "Task",
    "WorkOrder",
]

BigId = BigInteger().with_variant(Integer, "sqlite")


class WorkOrder(Base):
    """A citizen request, incident or dispute handled by one community station."""

    __tablename__ = "work_orders"
    __table_args__ = (
        Index("ix_work_orders_unit_id_state", "unit_id", "state"),
        Index("ix_work_orders_unit_id_received_at", "unit_id", "received_at"),
        Index("ix_work_orders_phone_received", "reporter_phone_index", "received_at"),
        Index("ix_work_orders_address_received", "address_key", "received_at"),
        # The sweep's window close reads resolved orders by resolve time.
        Index("ix_work_orders_state_resolved_at", "state", "resolved_at"),
        # A draft sent twice (an offline phone replaying its queue) becomes one order.
        Index("ix_work_orders_draft_id", "draft_id", unique=True),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    channel: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(48))
    module: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    address: Mapped[str] = mapped_column(String(255), default="")
    address_key: Mapped[str | None] = mapped_column(String(64))
    reporter_name: Mapped[str | None] = mapped_column(Encrypted("work_orders.reporter_name"))
    reporter_phone: Mapped[str | None] = mapped_column(Encrypted("work_orders.reporter_phone"))
    reporter_id_number: Mapped[str | None] = mapped_column(
        Encrypted("work_orders.reporter_id_number")
    )
    reporter_phone_index: Mapped[str | None] = mapped_column(String(64))
    minors_involved: Mapped[bool] = mapped_column(Boolean, default=False)
    elderly_involved: Mapped[bool] = mapped_column(Boolean, default=False)
    source_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    draft_id: Mapped[str | None] = mapped_column(String(64))  # the client's id of the draft

    state: Mapped[str] = mapped_column(String(16))
    suggested_tier: Mapped[str] = mapped_column(String(8))
    suggestion: Mapped[dict[str, Any]] = mapped_column(JSON)
    tier: Mapped[str | None] = mapped_column(String(8))
    override_reason: Mapped[str | None] = mapped_column(Text)
    triaged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    triaged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sla: Mapped[dict[str, Any]] = mapped_column(JSON)
    sla_provisional: Mapped[bool] = mapped_column(Boolean, default=True)

    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who filed it
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # first receiver
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    responded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    response_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    completion_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0)
    next_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    escalation_level: Mapped[int] = mapped_column(SmallInteger, default=0)
    resolve_count: Mapped[int] = mapped_column(Integer, default=0)
    closure: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    transfer_to: Mapped[str | None] = mapped_column(String(64))
    duplicate_of: Mapped[str | None] = mapped_column(String(32))
    event_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class OrderEvent(Base):
    """One step in an order's life: who, holding which role where, did what, when.

    ``kind`` is ``action`` for a state-table action (the clocks read these), else ``intake``,
    ``task``, ``attachment``, ``alert``, ``feedback``, ``mediation`` or ``note``.
    Append-only in the database.
    """

    __tablename__ = "wo_events"
    __table_args__ = (UniqueConstraint("order_id", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(24))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    actor_role: Mapped[str] = mapped_column(String(16), default="")
    actor_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class DayCounter(Base):
    """The last sequence number handed out per station and local day (atomic upsert)."""

    __tablename__ = "wo_day_counters"
    __audit__ = False

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer)


class Attachment(Base):
    """A file attached to an order (the bytes are in the blob store)."""

    __tablename__ = "wo_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Task(Base):
    """A task given to an outside department or another unit, with its own deadline (WO-4)."""

    __tablename__ = "wo_tasks"
    __table_args__ = (Index("ix_wo_tasks_status_due_at", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    target_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    instructions: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|done|cancelled
    result: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # past-deadline notice


class Alert(Base):
    """A warning (50 %, 80 %) or breach (100 %) of one clock, written once by the sweep."""

    __tablename__ = "wo_alerts"
    __audit__ = False  # written in bulk by the sweep, which records a summary audit event
    __table_args__ = (UniqueConstraint("order_id", "clock", "percent"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    clock: Mapped[str] = mapped_column(String(16))
    percent: Mapped[int] = mapped_column(SmallInteger)
    tier: Mapped[str] = mapped_column(String(8))
    crossed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    emitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recipients: Mapped[list[Any]] = mapped_column(JSON)


class OverdueRecord(Base):
    """A breached deadline and the person answerable for it (WO-3)."""

    __tablename__ = "wo_overdue"
    __audit__ = False  # written in bulk by the sweep, which records a summary audit event
    __table_args__ = (
        UniqueConstraint("order_id", "clock"),
        Index("ix_wo_overdue_unit_id_deadline_at", "unit_id", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    clock: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str] = mapped_column(String(8))
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    responsible_name: Mapped[str] = mapped_column(String(64), default="")
    deadline_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    detected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    handled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handling_note: Mapped[str] = mapped_column(Text, default="")


class Feedback(Base):
    """The citizen's rating of one resolution (through the link, or recorded on a call)."""

    __tablename__ = "wo_feedback"
    __table_args__ = (UniqueConstraint("order_id", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)  # the resolve it rates (1 = first)
    via: Mapped[str] = mapped_column(String(8))  # link | call
    rating: Mapped[int] = mapped_column(SmallInteger)
    resolved: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reopened: Mapped[bool] = mapped_column(Boolean, default=False)
