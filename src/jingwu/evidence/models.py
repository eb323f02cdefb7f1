"""Evidence tables: items, log entries, the queue, the Merkle tree, checkpoints, witnesses.

The log is append-only in the database itself (triggers refuse UPDATE and DELETE on
entries, leaves, nodes, checkpoints and cosignatures). Recording writes an entry and a
queue row in the caller's transaction; the sequencer later gives queued entries their log
index (a leaf), adds the tree nodes they complete and signs a checkpoint.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, UTCDateTime

BigId = BigInteger().with_variant(Integer(), "sqlite")


class EvidenceItem(Base):
    """An evidence item of a work order; its versions are log entries."""

    __tablename__ = "evidence_items"
    __table_args__ = (UniqueConstraint("order_code", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    order_code: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    category: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class EvidenceEntry(Base):
    """One log entry: the canonical bytes of an item version (append-only)."""

    __tablename__ = "evidence_entries"
    __audit__ = False  # written with Core; recording is audited as evidence.record
    __table_args__ = (
        UniqueConstraint("item_id", "version"),
        UniqueConstraint("order_code", "sha256"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("evidence_items.id"))
    version: Mapped[int] = mapped_column(Integer)
    order_code: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(255))
    content_held: Mapped[bool] = mapped_column(Boolean)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class QueuedEntry(Base):
    """An entry recorded but not yet given a log index (deleted once sequenced)."""

    __tablename__ = "evidence_queue"
    __audit__ = False

    entry_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("evidence_entries.id"), primary_key=True
    )


class LogLeaf(Base):
    """Level 0 of the tree: the entry at log index ``idx`` and its leaf hash (append-only)."""

    __tablename__ = "evidence_leaves"
    __audit__ = False

    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    entry_id: Mapped[int] = mapped_column(ForeignKey("evidence_entries.id"), unique=True)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LogNode(Base):
    """A complete subtree above the leaves, keyed by (level ≥ 1, index) (append-only)."""

    __tablename__ = "evidence_nodes"
    __audit__ = False

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LogHead(Base):
    """The sequenced tree: its size and root (one row, updated with every batch)."""

    __tablename__ = "evidence_head"
    __audit__ = False

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigInteger)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class LogCheckpoint(Base):
    """A checkpoint the log signed: the signed note as issued (append-only)."""

    __tablename__ = "evidence_checkpoints"
    __audit__ = False

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, unique=True)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class Witness(Base):
    """A witness the log accepts cosignatures from (a procuratorate, a court, …)."""

    __tablename__ = "evidence_witnesses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    vkey: Mapped[str] = mapped_column(String(512))
    label: Mapped[str] = mapped_column(String(120), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Cosignature(Base):
    """A witness's cosignature of one checkpoint: its signature line (append-only)."""

    __tablename__ = "evidence_cosignatures"
    __audit__ = False
    __table_args__ = (UniqueConstraint("checkpoint_id", "witness_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("evidence_checkpoints.id"))
    witness_id: Mapped[int] = mapped_column(ForeignKey("evidence_witnesses.id"), index=True)
    timestamp: Mapped[int] = mapped_column(BigInteger)
    line: Mapped[str] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ScrubRun(Base):
    """One integrity scrub: what it covered, where it stopped, and what it found."""

    __tablename__ = "evidence_scrubs"
    __audit__ = False

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    entries_checked: Mapped[int] = mapped_column(BigInteger)
    files_checked: Mapped[int] = mapped_column(BigInteger)
    nodes_checked: Mapped[int] = mapped_column(BigInteger)
    entry_cursor: Mapped[int] = mapped_column(BigInteger)
    node_level: Mapped[int] = mapped_column(Integer)
    node_cursor: Mapped[int] = mapped_column(BigInteger)
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)


# Core tables for bulk statements (the hot paths bypass the ORM unit of work).
ITEMS = cast(Table, EvidenceItem.__table__)
ENTRIES = cast(Table, EvidenceEntry.__table__)
QUEUE = cast(Table, QueuedEntry.__table__)
LEAVES = cast(Table, LogLeaf.__table__)
NODES = cast(Table, LogNode.__table__)
HEAD = cast(Table, LogHead.__table__)
