"""Standard tables: loaded versions, self-assessments with evidence, rectifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, UTCDateTime


class StandardVersionRow(Base):
    """A version of the standard loaded by an administrator (the shipped ones are files)."""

    __tablename__ = "std_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(8), unique=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    loaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Assessment(Base):
    """A station chief's self-assessment of one requirement, and its verification.

    ``status``: ``submitted`` (awaiting the inspector), ``accepted`` or ``rejected`` (with
    ``verify_reason``). Assessing again resets it to ``submitted``.
    """

    __tablename__ = "std_assessments"
    __table_args__ = (UniqueConstraint("unit_id", "requirement_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    requirement_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(8))
    claims_met: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="submitted")
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assessed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    verified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    verify_reason: Mapped[str] = mapped_column(Text, default="")


class AssessmentFile(Base):
    """An evidence file of a self-assessment (the bytes are in the blob store)."""

    __tablename__ = "std_assessment_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("std_assessments.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    evidence_kind: Mapped[str] = mapped_column(String(32))
    blob_sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Rectification(Base):
    """A failed requirement's rectification: a PDCA item of kind ``rectification``."""

    __tablename__ = "std_rectifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    requirement_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(8))
    pdca_item_id: Mapped[int] = mapped_column(ForeignKey("eval_pdca_items.id"), unique=True)
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class RectificationFile(Base):
    """Which evidence kind a file attached to the rectification's PDCA item shows."""

    __tablename__ = "std_rectification_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    rectification_id: Mapped[int] = mapped_column(ForeignKey("std_rectifications.id"), index=True)
    evidence_kind: Mapped[str] = mapped_column(String(32))
    pdca_evidence_id: Mapped[int] = mapped_column(ForeignKey("eval_pdca_evidence.id"))
