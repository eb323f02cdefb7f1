"""Coverage tables: imported road networks and resident grids, computed circles and runs.

A network or grid belongs to the unit it was imported for (a district, usually); the newest
of each is the one used. Circles are stored per station and mode; a run keeps a unit's
coverage share, its uncovered places and the suggested new sites.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, UTCDateTime


class RoadNetwork(Base):
    """One imported road file (its lines are ``RoadLine`` rows)."""

    __tablename__ = "cov_networks"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    lines: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RoadLine(Base):
    """One road line: its (lon, lat) positions, speed in km/h (None: the default), one-way."""

    __tablename__ = "cov_road_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(
        ForeignKey("cov_networks.id", ondelete="CASCADE"), index=True
    )
    coords: Mapped[list[Any]] = mapped_column(JSON)
    speed_kmh: Mapped[float | None] = mapped_column(Float)
    oneway: Mapped[bool] = mapped_column(Boolean, default=False)


class ResidentGrid(Base):
    """One imported resident file (its places are ``ResidentPlace`` rows)."""

    __tablename__ = "cov_resident_grids"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    places: Mapped[int] = mapped_column(Integer)
    population: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ResidentPlace(Base):
    """A point or a cell's centre and the residents living there."""

    __tablename__ = "cov_resident_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(
        ForeignKey("cov_resident_grids.id", ondelete="CASCADE"), index=True
    )
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    population: Mapped[int] = mapped_column(Integer)


class ServiceCircle(Base):
    """A station's computed circle for one mode (walk, drive)."""

    __tablename__ = "cov_circles"
    __table_args__ = (UniqueConstraint("unit_id", "mode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    mode: Mapped[str] = mapped_column(String(8))
    method: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int] = mapped_column(Integer)
    geometry: Mapped[dict[str, Any]] = mapped_column(JSON)
    area_m2: Mapped[float] = mapped_column(Float)
    nodes_reached: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CoverageRun(Base):
    """A unit's coverage for one mode: the share, uncovered places, suggested sites."""

    __tablename__ = "cov_runs"
    __table_args__ = (UniqueConstraint("unit_id", "mode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    mode: Mapped[str] = mapped_column(String(8))
    method: Mapped[str] = mapped_column(String(16))
    minutes: Mapped[int] = mapped_column(Integer)
    network_id: Mapped[int | None] = mapped_column(
        ForeignKey("cov_networks.id", ondelete="SET NULL")
    )
    grid_id: Mapped[int | None] = mapped_column(
        ForeignKey("cov_resident_grids.id", ondelete="SET NULL")
    )
    stations: Mapped[int] = mapped_column(Integer)
    covered: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    uncovered: Mapped[list[Any]] = mapped_column(JSON)
    suggestions: Mapped[list[Any]] = mapped_column(JSON)
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
