"""The patrol-route table: one imported line (a GPS track or a planned route) of a unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, UTCDateTime


class PatrolRoute(Base):
    """A patrol line with its bounding box, so that a map viewport finds it with an index."""

    __tablename__ = "patrol_routes"
    __audit__ = False  # imported in files: one summary audit event per import
    __table_args__ = (Index("ix_patrol_routes_bbox", "min_lon", "max_lon", "min_lat", "max_lat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # track | planned
    name: Mapped[str] = mapped_column(String(120), default="")
    filename: Mapped[str] = mapped_column(String(255))
    coords: Mapped[list[Any]] = mapped_column(JSON)  # [[lon, lat], ...]
    points: Mapped[int] = mapped_column(Integer)
    length_m: Mapped[float] = mapped_column(Float)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
