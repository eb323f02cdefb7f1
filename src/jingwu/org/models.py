"""Organisation tables: units, functional zones, equipment, staff and posts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jingwu.db import Base, Encrypted, UTCDateTime


class Unit(Base):
    """A unit of the three tiers; ``path`` (``/1/4/9/``) makes subtree queries one LIKE."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # district | street | community
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), index=True, default="/")
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    short_code: Mapped[str] = mapped_column(String(12), unique=True)
    division_code: Mapped[str] = mapped_column(String(12))  # GB/T 2260 (+ street digits)
    org_code: Mapped[str] = mapped_column(String(18), unique=True)
    address: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    boundary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    floor_area_m2: Mapped[float | None] = mapped_column(Float)
    design: Mapped[str] = mapped_column(String(16), default="traditional")
    residents: Mapped[int | None] = mapped_column(Integer)
    opened_on: Mapped[dt.date | None] = mapped_column()
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], lazy="raise")
    zones: Mapped[list[Zone]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", lazy="raise", order_by="Zone.id"
    )


class Zone(Base):
    """A functional zone of a station and its floor area (ORG-4)."""

    __tablename__ = "zones"
    __table_args__ = (UniqueConstraint("unit_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    area_m2: Mapped[float] = mapped_column(Float)
    notes: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[Unit] = relationship(back_populates="zones", lazy="raise")
    equipment: Mapped[list[Equipment]] = relationship(
        back_populates="zone", cascade="all, delete-orphan", lazy="raise", order_by="Equipment.id"
    )


class Equipment(Base):
    """An item of a zone's equipment inventory."""

    __tablename__ = "equipment"

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("zones.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[int] = mapped_column(Integer, default=1)

    zone: Mapped[Zone] = relationship(back_populates="equipment", lazy="raise")


class Staff(Base):
    """A person on a unit's staff: police officer (with 警号), auxiliary or expert."""

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(16))  # police | auxiliary | expert
    police_number: Mapped[str | None] = mapped_column(String(16), unique=True)
    specialty: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str | None] = mapped_column(Encrypted("staff.phone"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    grade: Mapped[str] = mapped_column(String(32), default="")  # 警衔 / 职级
    expert_field: Mapped[str] = mapped_column(String(32), default="")  # the "X" of 3+X


class StaffMembership(Base):
    """A period a person belonged to a unit; moving a person closes one and opens the next."""

    __tablename__ = "staff_memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # None: before records
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(120), default="")


class Post(Base):
    """A post of a unit with its holder (A) and named backup (B) (ORG-3)."""

    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(120), default="")
    is_key: Mapped[bool] = mapped_column(Boolean, default=False)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    backup_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)

    holder: Mapped[Staff | None] = relationship(foreign_keys=[holder_id], lazy="raise")
    backup: Mapped[Staff | None] = relationship(foreign_keys=[backup_id], lazy="raise")
