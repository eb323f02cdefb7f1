"""Spot-check tables: draws and their outcomes, mystery visits, the expert panel, surveys."""

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
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, Encrypted, UTCDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class CheckDraw(Base):
    """A double-random draw: committed (and logged) first, drawn later.

    ``kind`` is ``station`` or ``order`` (targets drawn here) or ``orange`` (the work-order
    quota draw ``wo_draw_id``, whose commitment is logged here and whose samples are paired
    with inspectors here). ``inspectors`` is the pool published with the commitment;
    ``targets``, ``checked`` and ``pairs`` are set by the draw.
    """

    __tablename__ = "eval_check_draws"
    __table_args__ = (UniqueConstraint("kind", "unit_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM, local calendar
    quota: Mapped[str] = mapped_column(String(16))
    team: Mapped[int] = mapped_column(Integer)
    inspectors: Mapped[list[Any]] = mapped_column(JSON)
    commitment: Mapped[str] = mapped_column(String(64))
    # Kept encrypted until the draw; orange draws keep theirs in wo_draws.
    seed: Mapped[str | None] = mapped_column(Encrypted("eval_check_draws.seed"))
    wo_draw_id: Mapped[int | None] = mapped_column(ForeignKey("wo_draws.id"), unique=True)
    committed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    committed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    evidence_item: Mapped[str] = mapped_column(String(64))
    commit_entry_id: Mapped[int] = mapped_column(BigId, ForeignKey("evidence_entries.id"))
    commit_log_index: Mapped[int | None] = mapped_column(BigInteger)
    drawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    targets: Mapped[list[Any] | None] = mapped_column(JSON)
    checked: Mapped[list[Any] | None] = mapped_column(JSON)
    pairs: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    record_entry_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("evidence_entries.id"))
    record_log_index: Mapped[int | None] = mapped_column(BigInteger)


class CheckOutcome(Base):
    """What the inspectors found at one drawn target (re-recording corrects it)."""

    __tablename__ = "eval_check_outcomes"
    __table_args__ = (UniqueConstraint("draw_id", "purpose", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draw_id: Mapped[int] = mapped_column(ForeignKey("eval_check_draws.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # target | reinspection | home_visit
    target: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # the target's
    status: Mapped[str] = mapped_column(String(16))  # done | found | follow_up
    finding: Mapped[str] = mapped_column(Text, default="")
    follow_up_order: Mapped[str | None] = mapped_column(String(64))
    inspector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class MysteryPlan(Base):
    """A half-year's planned mystery visits of a district, spread over its stations."""

    __tablename__ = "eval_mystery_plans"
    __table_args__ = (UniqueConstraint("unit_id", "half"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    half: Mapped[str] = mapped_column(String(7))  # YYYY-H1 | YYYY-H2
    total: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(BigInteger)
    allocation: Mapped[dict[str, Any]] = mapped_column(JSON)  # station code → visits
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class MysteryVisit(Base):
    """One mystery visit (神秘人暗访) to a station and its scoring sheet."""

    __tablename__ = "eval_mystery_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    half: Mapped[str] = mapped_column(String(7), index=True)
    visited_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    visitor: Mapped[str] = mapped_column(String(32))  # the visitor's pseudonymous code
    scenario: Mapped[str] = mapped_column(String(32))
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)  # sheet item → points
    total: Mapped[float] = mapped_column(Float)  # 0–100
    environment: Mapped[float] = mapped_column(Float)  # the environment section, 0–100
    passed: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    entered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Expert(Base):
    """A member of the expert panel, in one of the guide's 8 fields."""

    __tablename__ = "eval_experts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # whose panel
    name: Mapped[str] = mapped_column(Encrypted("eval_experts.name"))
    affiliation: Mapped[str] = mapped_column(String(120), default="")
    field: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ExpertReview(Base):
    """An expert's review of a unit: a score and the text."""

    __tablename__ = "eval_expert_reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("eval_experts.id"), index=True)
    field: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # reviewed
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    score: Mapped[float] = mapped_column(Float)  # 0–100
    text: Mapped[str] = mapped_column(Text)
    entered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SurveyImport(Base):
    """One imported survey file (the rows it held are ``SurveyResult``)."""

    __tablename__ = "eval_survey_imports"
    __table_args__ = (UniqueConstraint("unit_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)  # importer's
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class SurveyResult(Base):
    """One row of an imported survey: a unit's result on one indicator for a period."""

    __tablename__ = "eval_survey_results"
    __table_args__ = (UniqueConstraint("import_id", "unit_id", "period", "indicator"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("eval_survey_imports.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    period: Mapped[str] = mapped_column(String(7))  # YYYY, YYYY-Qn, YYYY-Hn or YYYY-MM
    indicator: Mapped[str] = mapped_column(String(64))
    respondents: Mapped[int] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    share: Mapped[float | None] = mapped_column(Float)
    value: Mapped[float] = mapped_column(Float)
