"""Published tables of the sunshine portal (``pub_*``: the internet zone reads them only).

No foreign key reaches an intranet table: a version carries everything its pages and
downloads show, as the canonical bytes that were hashed into the evidence log.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, UTCDateTime


class SunshineVersion(Base):
    """One published version of the dataset: its canonical JSON and CSV, their hashes, and
    where its entry sits in the evidence log."""

    __tablename__ = "pub_sunshine_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    published_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    first_month: Mapped[str] = mapped_column(String(7))
    last_month: Mapped[str] = mapped_column(String(7))
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)  # figures only
    sha256: Mapped[str] = mapped_column(String(64))  # of json_body, logged
    csv_sha256: Mapped[str] = mapped_column(String(64))  # of csv_body, inside json_body
    json_body: Mapped[str] = mapped_column(Text)
    csv_body: Mapped[str] = mapped_column(Text)
    cells: Mapped[int] = mapped_column(Integer)
    withheld: Mapped[int] = mapped_column(Integer)
    evidence_item: Mapped[str] = mapped_column(String(64))
    evidence_version: Mapped[int] = mapped_column(Integer)
    evidence_entry_id: Mapped[int] = mapped_column(BigInteger)
    leaf_hash: Mapped[str] = mapped_column(String(64))
    log_index: Mapped[int | None] = mapped_column(BigInteger)  # once sequenced


class SunshineCell(Base):
    """One published figure of a version (withheld cells are not stored at all)."""

    __tablename__ = "pub_sunshine_cells"
    __table_args__ = (Index("ix_pub_sunshine_cells_lookup", "version_id", "month", "community"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("pub_sunshine_versions.id"))
    community: Mapped[str] = mapped_column(String(12))
    month: Mapped[str] = mapped_column(String(7))
    measure: Mapped[str] = mapped_column(String(32))
    category: Mapped[str] = mapped_column(String(48))
    tier: Mapped[str] = mapped_column(String(16))
    value: Mapped[float] = mapped_column(Float)
