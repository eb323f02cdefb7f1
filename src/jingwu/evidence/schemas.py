"""JSON shapes of the evidence API (hashes hex-encoded)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel

from jingwu.evidence.proofs import Consistency, Inclusion
from jingwu.evidence.queries import ItemView


class ItemOut(BaseModel):
    """An evidence item's latest version and its place in the log."""

    code: str
    category: str
    version: int
    versions: int
    filename: str
    sha256: str
    size: int
    media_type: str
    note: str
    recorded_at: dt.datetime
    recorded_by: str
    log_index: int | None
    status: str
    problem: str | None

    @classmethod
    def of(cls, view: ItemView) -> ItemOut:
        return cls(
            code=view.code,
            category=view.category,
            version=view.version,
            versions=view.versions,
            filename=view.filename,
            sha256=view.sha256,
            size=view.size,
            media_type=view.media_type,
            note=view.note,
            recorded_at=view.recorded_at,
            recorded_by=view.recorded_by,
            log_index=view.index,
            status=view.status,
            problem=view.problem,
        )


class RecordedOut(BaseModel):
    """What recording returns: the item, its version, and where it stands in the log.

    ``queued`` waits for the sequencer; ``sequenced`` has its log index and waits for the
    next signed checkpoint (a fraction of a second).
    """

    item: str
    order: str
    version: int
    sha256: str
    size: int
    log_index: int | None
    status: str


class ProofOut(BaseModel):
    """An entry with its inclusion proof in the latest signed checkpoint."""

    item: str
    version: int
    entry: dict[str, Any]
    leaf_hash: str
    log_index: int
    tree_size: int
    root: str
    proof: list[str]
    checkpoint: str

    @classmethod
    def of(cls, found: Inclusion) -> ProofOut:
        return cls(
            item=found.item_code,
            version=found.version,
            entry=found.entry.to_json(),
            leaf_hash=found.leaf_hash.hex(),
            log_index=found.index,
            tree_size=found.size,
            root=found.root.hex(),
            proof=[h.hex() for h in found.proof],
            checkpoint=found.checkpoint_note,
        )


class ConsistencyOut(BaseModel):
    """A consistency proof between two tree sizes."""

    old_size: int
    new_size: int
    old_root: str
    new_root: str
    proof: list[str]

    @classmethod
    def of(cls, found: Consistency) -> ConsistencyOut:
        return cls(
            old_size=found.old_size,
            new_size=found.new_size,
            old_root=found.old_root.hex(),
            new_root=found.new_root.hex(),
            proof=[h.hex() for h in found.proof],
        )


class CosignedOut(BaseModel):
    """Which witnesses' cosignatures the log stored for a checkpoint."""

    size: int
    stored: list[str]
    already: list[str]
