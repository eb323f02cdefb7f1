"""Analytics tables: incidents, watermarks, the heat-map cube, forecasts and backtest runs.

Incidents are machine data written in bulk with Core (imports, the work-order feed); each
write records one summary audit event instead of one per row. The heat-map cube keeps, per
grid and local day, the counts per (unit, category, cell) as packed numpy arrays
(:mod:`jingwu.analytics.heatcube`): a refresh touches one row per day with new incidents,
and a map query reads at most a window's worth of rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, UTCDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class IncidentCategory(Base):
    """A category name, numbered so that bulk reads of incidents stay numeric."""

    __tablename__ = "incident_categories"
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


class Incident(Base):
    """One incident: what, where, when, and the unit it falls in (a station, else the district).

    ``(source, ref)`` is the identity outside: the id column of an imported file, or the code
    of a completed work order; writing an incident twice is a no-op.
    """

    __tablename__ = "incidents"
    __audit__ = False  # bulk machine data: one summary audit event per import or feed run
    __table_args__ = (
        UniqueConstraint("source", "ref"),
        Index("ix_incidents_unit_id_occurred_at", "unit_id", "occurred_at"),
        # ids are the heat map's watermark: SQLite must never hand out a deleted one again
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str] = mapped_column(String(64))
    category_id: Mapped[int] = mapped_column(ForeignKey("incident_categories.id"))
    occurred_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    reported_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AnalyticsState(Base):
    """A named watermark (the work-order feed) or lock row (incident writes)."""

    __tablename__ = "analytics_state"
    __audit__ = False

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class HeatGrid(Base):
    """The heat map's grid (square cells in a local plane) and how far its cube has counted."""

    __tablename__ = "heat_grids"
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    lon0: Mapped[float] = mapped_column(Float)
    lat0: Mapped[float] = mapped_column(Float)
    cell_m: Mapped[float] = mapped_column(Float)
    x0: Mapped[float] = mapped_column(Float)
    y0: Mapped[float] = mapped_column(Float)
    nx: Mapped[int] = mapped_column(Integer)
    ny: Mapped[int] = mapped_column(Integer)
    tz: Mapped[str] = mapped_column(String(64))
    keep_days: Mapped[int] = mapped_column(Integer)
    watermark: Mapped[int] = mapped_column(BigInteger, default=0)  # last incident id counted
    binned: Mapped[int] = mapped_column(BigInteger, default=0)  # incidents in the cube
    skipped: Mapped[int] = mapped_column(BigInteger, default=0)  # off the grid or too old
    first_day: Mapped[int] = mapped_column(Integer)  # oldest local day kept (days since 1970)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    refreshed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class HeatDay(Base):
    """One local day of the cube: sorted packed keys (unit, category, cell) and their counts."""

    __tablename__ = "heat_days"
    __audit__ = False

    grid_id: Mapped[int] = mapped_column(
        ForeignKey("heat_grids.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    incidents: Mapped[int] = mapped_column(Integer)
    keys: Mapped[bytes] = mapped_column(LargeBinary)  # little-endian int64
    counts: Mapped[bytes] = mapped_column(LargeBinary)  # little-endian int32


class BacktestRun(Base):
    """A stored ``jingwu analytics backtest --json`` document, shown on the map page."""

    __tablename__ = "backtest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(255))
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)
    best_baseline: Mapped[str | None] = mapped_column(String(32))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    stored_by: Mapped[str] = mapped_column(String(64))
    stored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class Forecast(Base):
    """Expected incidents per cell for one local day, with the grid it was computed on."""

    __tablename__ = "forecasts"
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    model: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    backtest_id: Mapped[int | None] = mapped_column(ForeignKey("backtest_runs.id"))
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    events: Mapped[int] = mapped_column(Integer)  # incidents the model was fitted on
    last_incident: Mapped[int] = mapped_column(BigInteger)  # highest incident id then stored
    lon0: Mapped[float] = mapped_column(Float)
    lat0: Mapped[float] = mapped_column(Float)
    cell_m: Mapped[float] = mapped_column(Float)
    x0: Mapped[float] = mapped_column(Float)
    y0: Mapped[float] = mapped_column(Float)
    nx: Mapped[int] = mapped_column(Integer)
    ny: Mapped[int] = mapped_column(Integer)
    tz: Mapped[str] = mapped_column(String(64))
    cells: Mapped[bytes] = mapped_column(LargeBinary)  # int32 grid index (row·nx + col)
    expected: Mapped[bytes] = mapped_column(LargeBinary)  # float64 expected incidents
    units: Mapped[bytes] = mapped_column(LargeBinary)  # int32 unit of each cell's centre
