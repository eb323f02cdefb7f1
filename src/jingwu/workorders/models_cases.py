"""Mediation cases (WO-5) and the quota draws of orange orders (WO-2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, Encrypted, UTCDateTime


class Mediation(Base):
    """A mediation case opened from a dispute order."""

    __tablename__ = "wo_mediations"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    mediator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    mediator_name: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|agreed|failed
    subject: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agreement_text: Mapped[str | None] = mapped_column(Text)
    agreed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class MediationParty(Base):
    """A party to a mediation (personal data encrypted)."""

    __tablename__ = "wo_mediation_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("wo_mediations.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    side: Mapped[str] = mapped_column(String(16))  # applicant | respondent | third_party
    name: Mapped[str] = mapped_column(Encrypted("wo_mediation_parties.name"))
    phone: Mapped[str | None] = mapped_column(Encrypted("wo_mediation_parties.phone"))


class MediationSession(Base):
    """A mediation session and its minutes."""

    __tablename__ = "wo_mediation_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("wo_mediations.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    held_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(120), default="")
    minutes: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class FollowUp(Base):
    """A follow-up visit due after an agreement."""

    __tablename__ = "wo_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    mediation_id: Mapped[int] = mapped_column(ForeignKey("wo_mediations.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")


class Draw(Base):
    """A station-month's quota draw: the commitment first, the seed and the result later."""

    __tablename__ = "wo_draws"
    __table_args__ = (UniqueConstraint("unit_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, local calendar
    commitment: Mapped[str] = mapped_column(String(64))
    # Kept encrypted until the reveal so nobody at the station can read it early.
    seed: Mapped[str] = mapped_column(Encrypted("wo_draws.seed"))
    committed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    committed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revealed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    population: Mapped[int | None] = mapped_column(Integer)
    codes: Mapped[list[Any] | None] = mapped_column(JSON)
    reinspection: Mapped[list[Any] | None] = mapped_column(JSON)
    home_visit: Mapped[list[Any] | None] = mapped_column(JSON)
