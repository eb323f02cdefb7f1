"""The sequencer: give queued entries their log index, then sign a checkpoint.

One writer at a time (`store.lock_log`). Each round is two transactions:

1. ``integrate``: take up to ``max_batch`` queued entries in recording order, append
   their leaf hashes with `jingwu.evidence.tree.append` (reading only the old tree's
   frontier), bulk-insert the leaves and the new complete nodes, dequeue, move the head.
2. ``sign_head``: sign a checkpoint of the head, after `checkpoint.sign_checkpoint` has
   checked that it extends the last checkpoint the log signed.

Both commit durably (SQLite ``synchronous=FULL``, PostgreSQL ``synchronous_commit=on``).
A crash between them leaves sequenced leaves without a checkpoint: the next round signs
them, and nothing recorded is lost, because recording committed the entry and its queue
row before it was acknowledged.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jingwu import bulk
from jingwu.db import Database
from jingwu.evidence import checkpoint, tree
from jingwu.evidence.keys import NoteError
from jingwu.evidence.logkeys import LogKeys
from jingwu.evidence.models import HEAD, LEAVES, NODES, QUEUE, EvidenceEntry, LogCheckpoint
from jingwu.evidence.models import QueuedEntry as Queue
from jingwu.evidence.store import (
    HEAD_ID,
    consistency_proof,
    frontier,
    load_head,
    lock_log,
    read_head,
    root_at,
)
from jingwu.evidence.writer import write_session

log = logging.getLogger("jingwu.evidence")

MAX_BATCH = 20_000
POLL_SECONDS = 0.05


class LogIntegrityError(Exception):
    """The stored tree disagrees with itself: the log refuses to sign until it is repaired."""


@dataclass(frozen=True)
class Batch:
    """Entries given log indices ``first … first + len(entry_ids) - 1`` in one transaction."""

    first: int
    entry_ids: tuple[int, ...]
    size: int
    root: bytes


@dataclass(frozen=True)
class Round:
    """What one sequencer round did."""

    batch: Batch | None
    checkpoint: LogCheckpoint | None


def integrate(session: Session, *, now: dt.datetime, max_batch: int = MAX_BATCH) -> Batch | None:
    """Sequence up to ``max_batch`` queued entries (the caller commits)."""
    lock_log(session)
    rows = session.execute(
        select(Queue.entry_id, EvidenceEntry.leaf_hash)
        .join(EvidenceEntry, EvidenceEntry.id == Queue.entry_id)
        .order_by(Queue.entry_id)
        .limit(max_batch)
    ).all()
    if not rows:
        return None
    batch = append_leaves(session, [(int(e), bytes(h)) for e, h in rows], now=now)
    bulk.delete_ids(session, QUEUE, "entry_id", batch.entry_ids)
    return batch


def queue_is_empty(session: Session) -> bool:
    """Return whether no recorded entry waits for its log index."""
    return session.scalar(select(Queue.entry_id).limit(1)) is None


def append_leaves(
    session: Session, leaves: Sequence[tuple[int, bytes]], *, now: dt.datetime
) -> Batch:
    """Give entries the next log indices: leaves, the nodes they complete, the new head.

    The caller holds the log's lock (`store.lock_log`) and commits.
    """
    head = load_head(session, now=now)
    size = head.size
    stored = frontier(session, size)

    def get_node(level: int, index: int) -> bytes:
        try:
            return stored[(level, index)]
        except KeyError:
            raise LogIntegrityError(f"tree node {(level, index)} is missing") from None

    if size and tree.root_plan(size).assemble(stored)[0] != head.root:
        # Appending over a changed node would bake the change into every later root.
        raise LogIntegrityError(f"the stored nodes give another root for size {size} than the head")
    appended = tree.append(size, [h for _, h in leaves], get_node)
    rows = [{"idx": size + i, "entry_id": e, "hash": h} for i, (e, h) in enumerate(leaves)]
    bulk.copy_rows(session, LEAVES, rows)
    nodes = [{"level": lv, "idx": ix, "hash": h} for lv, ix, h in appended.nodes() if lv > 0]
    bulk.copy_rows(session, NODES, nodes)
    session.connection().execute(
        update(HEAD)
        .where(HEAD.c.id == HEAD_ID)
        .values(size=appended.size, root=appended.root, updated_at=now)
    )
    session.expire(head)
    return Batch(size, tuple(e for e, _ in leaves), appended.size, appended.root)


def latest_checkpoint(session: Session) -> LogCheckpoint | None:
    """Return the last checkpoint the log signed."""
    return session.scalars(
        select(LogCheckpoint).order_by(LogCheckpoint.size.desc()).limit(1)
    ).first()


def sign_head(session: Session, keys: LogKeys, *, now: dt.datetime) -> LogCheckpoint | None:
    """Sign a checkpoint of the head if it grew since the last one (the caller commits).

    The root is recomputed from the stored nodes and must match the head; the candidate
    must extend the last signed checkpoint (`checkpoint.sign_checkpoint` refuses a fork).
    """
    lock_log(session)
    head = load_head(session, now=now)
    last = latest_checkpoint(session)
    if last is not None and last.size == head.size and last.root == head.root:
        return None
    root = root_at(session, head.size)
    if root != head.root:
        raise LogIntegrityError(
            f"the head says size {head.size} has root {head.root.hex()}, "
            f"but the stored nodes give {root.hex()}"
        )
    previous = None
    proof: list[bytes] = []
    if last is not None:
        previous, _ = checkpoint.open_checkpoint(last.note, keys.origin, keys.verifiers)
        if 0 < previous.size < head.size:
            proof = consistency_proof(session, previous.size, head.size)
    candidate = checkpoint.Checkpoint(keys.origin, head.size, root)
    note = checkpoint.sign_checkpoint(
        candidate, list(keys.signers), last_signed=previous, proof=proof
    )
    row = LogCheckpoint(size=head.size, root=root, note=note, signed_at=now)
    session.add(row)
    session.flush()
    return row


def sequence_once(
    db: Database,
    keys: LogKeys,
    *,
    clock: Callable[[], dt.datetime],
    max_batch: int = MAX_BATCH,
) -> Round:
    """Run one round: integrate a batch (committed), then sign its checkpoint (committed).

    Each step first looks (reading, which never waits for writers) whether it has work, so
    an idle sequencer does not take the write lock away from recorders.
    """
    pending, unsigned = _work(db)
    batch = signed = None
    if pending:
        with write_session(db) as session:
            batch = integrate(session, now=clock(), max_batch=max_batch)
    if pending or unsigned:
        with write_session(db) as session:
            signed = sign_head(session, keys, now=clock())
    return Round(batch, signed)


def _work(db: Database) -> tuple[bool, bool]:
    """Return whether entries wait in the queue, and whether the head is unsigned."""
    with db.unit_of_work(write=False) as session:
        pending = session.scalar(select(Queue.entry_id).limit(1)) is not None
        size, root = read_head(session)
        last = session.execute(
            select(LogCheckpoint.size, LogCheckpoint.root)
            .order_by(LogCheckpoint.size.desc())
            .limit(1)
        ).first()
    unsigned = last is None or (int(last[0]), bytes(last[1])) != (size, root)
    return pending, unsigned


def run(
    db: Database,
    keys: LogKeys,
    *,
    clock: Callable[[], dt.datetime],
    stop: threading.Event,
    poll_seconds: float = POLL_SECONDS,
    max_batch: int = MAX_BATCH,
    on_round: Callable[[Round], None] | None = None,
) -> None:
    """Sequence until ``stop`` is set: back to back while entries wait, else poll."""
    while not stop.is_set():
        try:
            done = sequence_once(db, keys, clock=clock, max_batch=max_batch)
        except (LogIntegrityError, checkpoint.CheckpointError, NoteError) as exc:
            log.error("evidence log refuses to sign: %s", exc)
            stop.wait(5.0)
            continue
        except Exception:  # the database may be briefly unavailable: retry
            log.exception("evidence sequencer round failed")
            stop.wait(1.0)
            continue
        if on_round is not None:
            on_round(done)
        if done.batch is None or len(done.batch.entry_ids) < max_batch:
            stop.wait(poll_seconds)
