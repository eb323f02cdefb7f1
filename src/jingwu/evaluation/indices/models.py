"""The indices' tables: catalogue versions, indicator values with provenance, index results.

Values and results are written in bulk by the recompute (as the sweep writes its alerts),
so they are not audited row by row: the recompute, an entry and an import each record one
audit event (``evaluation.recompute``, ``evaluation.values_entered``,
``evaluation.values_imported``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, UTCDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class CatalogueVersion(Base):
    """A version of the indicator catalogue (the seed is ``2026.1``); one is active."""

    __tablename__ = "eval_catalogue_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(16), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class IndicatorValue(Base):
    """One station's value of one measure for one period, and where it came from.

    ``value`` NULL means missing (no data), never 0. ``source`` is ``computed`` (``rows``
    holds the selection it was computed from, ``basis`` the rate's denominator) or
    ``entered`` / ``imported`` (``entered_by_id``, and for a file its name, digest and line).
    """

    __tablename__ = "eval_indicator_values"
    __audit__ = False
    __table_args__ = (
        UniqueConstraint("indicator", "unit_id", "period"),
        Index("ix_eval_indicator_values_period_source", "period", "source"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    indicator: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM, YYYY-Qn or YYYY
    value: Mapped[float | None] = mapped_column(Float)
    basis: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String(16))  # query | checks | form | file
    catalogue_version: Mapped[str] = mapped_column(String(16))
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    rows: Mapped[dict[str, Any]] = mapped_column(JSON)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str | None] = mapped_column(String(64))
    line: Mapped[int | None] = mapped_column(Integer)


class IndexResult(Base):
    """A unit's index (a KPI index or the safety index) for a period, its rank and interval."""

    __tablename__ = "eval_index_results"
    __audit__ = False
    __table_args__ = (
        UniqueConstraint("index_id", "unit_id", "period"),
        Index("ix_eval_index_results_period_index_id", "period", "index_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    index_id: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))
    value: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)
    rank_p05: Mapped[float | None] = mapped_column(Float)
    rank_p95: Mapped[float | None] = mapped_column(Float)
    ranked: Mapped[int] = mapped_column(Integer, default=0)  # units ranked together
    method: Mapped[dict[str, Any]] = mapped_column(JSON)
    catalogue_version: Mapped[str] = mapped_column(String(16))
    computed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
