"""Rollout tables: targets per street and phase, stations in the plan, their status moves."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, UTCDateTime


class RolloutTarget(Base):
    """How many demonstration stations a street is to have in a phase of the plan."""

    __tablename__ = "rollout_targets"
    __table_args__ = (UniqueConstraint("unit_id", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # a street
    phase: Mapped[str] = mapped_column(String(8))  # 2025 | 2025-H2
    target: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class RolloutStation(Base):
    """A station in the plan: its phase, its demonstration status and the day it reached
    each status (a step back clears the days of the statuses after it)."""

    __tablename__ = "rollout_stations"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)  # a station
    phase: Mapped[str | None] = mapped_column(String(8), index=True)
    status: Mapped[str] = mapped_column(String(16), default="planned")
    planned_on: Mapped[dt.date] = mapped_column(Date)
    building_on: Mapped[dt.date | None] = mapped_column(Date)
    self_assessed_on: Mapped[dt.date | None] = mapped_column(Date)
    verified_on: Mapped[dt.date | None] = mapped_column(Date)
    demonstration_on: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class RolloutMove(Base):
    """A status change of a station: from, to, on which day, why, who, when recorded."""

    __tablename__ = "rollout_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("rollout_stations.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    on_day: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text, default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
