"""Reading the log: published checkpoints, inclusion and consistency proofs, entry status.

Every proof is one bulk read of the stored nodes (`jingwu.evidence.store`). Item lookups
go through the org scope (`service.get_item`); checkpoints and tree hashes are public.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import Conflict, Invalid, NotFound
from jingwu.evidence import entry as entry_format
from jingwu.evidence import merkle, service, store
from jingwu.evidence.checkpoint import CheckpointError, check_extension, open_checkpoint
from jingwu.evidence.keys import NoteError
from jingwu.evidence.logkeys import LogKeys
from jingwu.evidence.models import Cosignature, EvidenceEntry, LogCheckpoint, LogLeaf
from jingwu.evidence.sequencer import latest_checkpoint


def published_note(session: Session, checkpoint: LogCheckpoint) -> str:
    """Return a checkpoint's note with every stored witness cosignature appended."""
    lines = session.scalars(
        select(Cosignature.line)
        .where(Cosignature.checkpoint_id == checkpoint.id)
        .order_by(Cosignature.id)
    ).all()
    # Signature lines end the note, so cosignature lines are simply appended.
    return checkpoint.note + "".join(lines)


def checkpoint_by_size(session: Session, size: int) -> LogCheckpoint:
    """Return the checkpoint the log signed at ``size`` (NotFound if it signed none)."""
    row = session.scalars(select(LogCheckpoint).where(LogCheckpoint.size == size)).first()
    if row is None:
        raise NotFound("The log signed no checkpoint of size {size}.", params={"size": size})
    return row


@dataclass(frozen=True)
class Inclusion:
    """An entry, where it sits in the log, and the proof that a checkpoint covers it."""

    item_code: str
    version: int
    body: bytes
    filename: str
    content_held: bool
    index: int
    size: int
    leaf_hash: bytes
    proof: list[bytes]
    root: bytes
    checkpoint_note: str

    @property
    def entry(self) -> entry_format.Entry:
        """Return the decoded entry."""
        return entry_format.decode(self.body)


def entry_row(
    session: Session, principal: Principal, *, item_code: str, version: int | None = None
) -> EvidenceEntry:
    """Return an item's entry (the latest version unless given), within the scope."""
    item = service.get_item(session, principal, code=item_code)
    if version is None:
        return service.latest_entry(session, item.id)
    row = session.scalars(
        select(EvidenceEntry).where(
            EvidenceEntry.item_id == item.id, EvidenceEntry.version == version
        )
    ).first()
    if row is None:
        raise NotFound(
            "Evidence item {item_code} has no version {version}.",
            params={"item_code": item_code, "version": version},
        )
    return row


def leaf_index(session: Session, entry_id: int) -> int | None:
    """Return the log index of an entry, or None while it waits in the queue."""
    index = session.scalar(select(LogLeaf.idx).where(LogLeaf.entry_id == entry_id))
    return None if index is None else int(index)


def inclusion(
    session: Session, principal: Principal, *, item_code: str, version: int | None = None
) -> Inclusion:
    """Return the inclusion proof of an item's entry in the latest signed checkpoint."""
    row = entry_row(session, principal, item_code=item_code, version=version)
    index = leaf_index(session, row.id)
    if index is None:
        raise Conflict(
            "Evidence item {item_code} version {version} is recorded but not yet sequenced "
            "into the log; try again in a moment.",
            params={"item_code": item_code, "version": row.version},
            code="not_sequenced",
        )
    head = latest_checkpoint(session)
    if head is None or head.size <= index:
        raise Conflict(
            "Evidence item {item_code} version {version} is in the log at index {index} but no "
            "signed checkpoint covers it yet; try again in a moment.",
            params={"item_code": item_code, "version": row.version, "index": index},
            code="not_checkpointed",
        )
    return Inclusion(
        item_code=item_code,
        version=row.version,
        body=bytes(row.body),
        filename=row.filename,
        content_held=row.content_held,
        index=int(index),
        size=head.size,
        leaf_hash=bytes(row.leaf_hash),
        proof=store.inclusion_proof(session, int(index), head.size),
        root=bytes(head.root),
        checkpoint_note=published_note(session, head),
    )


@dataclass(frozen=True)
class Consistency:
    """A consistency proof between two tree sizes and the roots it links."""

    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    proof: list[bytes]


def consistency(
    session: Session, principal: Principal, *, old_size: int, new_size: int | None = None
) -> Consistency:
    """Return the consistency proof from ``old_size`` to ``new_size`` (default: latest)."""
    principal.require("evidence.view")
    head = latest_checkpoint(session)
    top = 0 if head is None else head.size
    new = top if new_size is None else new_size
    if not 1 <= old_size <= new <= top:
        raise Invalid(
            "Sizes must satisfy 1 ≤ old ≤ new ≤ {top} (the latest checkpoint); "
            "got old {old_size}, new {new}.",
            params={"top": top, "old_size": old_size, "new": new},
            fields={"old": "out of range"},
        )
    proof = store.consistency_proof(session, old_size, new)
    return Consistency(
        old_size, new, store.root_at(session, old_size), store.root_at(session, new), proof
    )


def verify_inclusion(found: Inclusion) -> str | None:
    """Return what is wrong with a stored inclusion proof, or None when it verifies."""
    if merkle.leaf_hash(found.body) != found.leaf_hash:
        return "the stored entry does not hash to its leaf"
    try:
        merkle.verify_inclusion(found.leaf_hash, found.index, found.size, found.proof, found.root)
    except merkle.ProofError as exc:
        return f"the inclusion proof does not verify ({exc})"
    return None


@dataclass(frozen=True)
class ConsistencyCheck:
    """Whether an earlier signed checkpoint is a prefix of the latest one, and why not."""

    ok: bool
    old_size: int
    new_size: int
    hashes: int
    message: str


def check_consistency(
    session: Session, principal: Principal, keys: LogKeys, *, old_size: int
) -> ConsistencyCheck:
    """Check the signed checkpoint of ``old_size`` against the latest signed checkpoint."""
    principal.require("evidence.view")
    earlier = checkpoint_by_size(session, old_size)
    latest = latest_checkpoint(session)
    assert latest is not None  # there is an earlier one
    try:
        then, _ = open_checkpoint(earlier.note, keys.origin, keys.verifiers)
        now, _ = open_checkpoint(latest.note, keys.origin, keys.verifiers)
    except (CheckpointError, NoteError) as exc:
        return ConsistencyCheck(False, old_size, latest.size, 0, f"a signature fails: {exc}")
    proof = [] if then.size == 0 else store.consistency_proof(session, then.size, now.size)
    try:
        check_extension(then, now, proof)
    except CheckpointError as exc:
        return ConsistencyCheck(False, then.size, now.size, len(proof), str(exc))
    return ConsistencyCheck(True, then.size, now.size, len(proof), "")
