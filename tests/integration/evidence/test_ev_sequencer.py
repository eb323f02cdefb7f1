"""The sequencer on the database: batches, the stored tree, checkpoints, the no-fork rule."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.evidence import checkpoint, merkle, recording, sequencer, store
from jingwu.evidence.logkeys import LogKeys, build_log_keys, generate_signer_key, load_log_keys
from jingwu.evidence.models import EvidenceEntry, LogCheckpoint, LogLeaf, QueuedEntry
from jingwu.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.evidence.evidence_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


@pytest.fixture(autouse=True)
def _queue_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Leave every entry to the sequencer (recording sequences inline when it can)."""
    monkeypatch.setattr(recording, "SEQUENCE_INLINE", False)


@pytest.fixture
def log_keys(runtime: Runtime) -> LogKeys:
    return load_log_keys(runtime.settings)


def _record(world: World, runtime: Runtime, clock: FrozenClock, count: int) -> None:
    for _ in range(count):
        now = clock.advance(seconds=1)
        world.record(runtime.blobs, f"photo taken at {now}".encode(), now=now)


def _leaf_hashes(session: Session) -> list[bytes]:
    rows = session.execute(
        select(EvidenceEntry.leaf_hash)
        .join(LogLeaf, LogLeaf.entry_id == EvidenceEntry.id)
        .order_by(LogLeaf.idx)
    )
    return [bytes(r[0]) for r in rows]


def test_a_round_sequences_the_queue_and_signs_a_checkpoint_of_it(
    world: World, runtime: Runtime, clock: FrozenClock, log_keys: LogKeys
) -> None:
    _record(world, runtime, clock, 5)
    done = sequencer.sequence_once(runtime.db, log_keys, clock=clock)
    assert done.batch is not None and done.batch.first == 0 and len(done.batch.entry_ids) == 5
    assert done.checkpoint is not None and done.checkpoint.size == 5
    session = world.session
    assert session.scalar(select(func.count()).select_from(QueuedEntry)) == 0
    leaves = _leaf_hashes(session)
    assert done.checkpoint.root == merkle.root(leaves)
    head, _ = checkpoint.open_checkpoint(done.checkpoint.note, log_keys.origin, log_keys.verifiers)
    assert (head.size, head.root) == (5, merkle.root(leaves))


def test_batches_extend_the_tree_and_every_stored_proof_matches_the_reference(
    world: World, runtime: Runtime, clock: FrozenClock, log_keys: LogKeys
) -> None:
    for batch in (3, 1, 6, 7):
        _record(world, runtime, clock, batch)
        sequencer.sequence_once(runtime.db, log_keys, clock=clock, max_batch=4)
        while sequencer.sequence_once(runtime.db, log_keys, clock=clock).batch:
            pass
    session = world.session
    leaves = _leaf_hashes(session)
    assert len(leaves) == 17 and store.read_head(session) == (17, merkle.root(leaves))
    for index in range(17):
        assert store.inclusion_proof(session, index, 17) == merkle.inclusion_proof(leaves, index)
    for old in range(1, 18):
        assert store.consistency_proof(session, old, 17) == merkle.consistency_proof(leaves, old)
    sizes = list(session.scalars(select(LogCheckpoint.size).order_by(LogCheckpoint.size)))
    assert sizes[-1] == 17 and sizes == sorted(set(sizes))


def test_a_round_with_nothing_new_signs_nothing_twice(
    world: World, runtime: Runtime, clock: FrozenClock, log_keys: LogKeys
) -> None:
    _record(world, runtime, clock, 2)
    assert sequencer.sequence_once(runtime.db, log_keys, clock=clock).checkpoint is not None
    again = sequencer.sequence_once(runtime.db, log_keys, clock=clock)
    assert again.batch is None and again.checkpoint is None


def test_the_log_refuses_to_sign_when_the_last_checkpoint_is_not_its_own(
    world: World, runtime: Runtime, clock: FrozenClock, log_keys: LogKeys
) -> None:
    _record(world, runtime, clock, 2)
    sequencer.sequence_once(runtime.db, log_keys, clock=clock)
    _record(world, runtime, clock, 1)
    stranger = build_log_keys([generate_signer_key(log_keys.origin)], [])
    with pytest.raises(ValueError, match="not signed by any of the given keys"):
        sequencer.sequence_once(runtime.db, stranger, clock=clock)


def test_leaf_hashes_are_those_of_the_canonical_entries(
    world: World, runtime: Runtime, clock: FrozenClock, log_keys: LogKeys
) -> None:
    _record(world, runtime, clock, 3)
    sequencer.sequence_once(runtime.db, log_keys, clock=clock)
    for body, leaf in world.session.execute(select(EvidenceEntry.body, EvidenceEntry.leaf_hash)):
        assert hashlib.sha256(b"\x00" + bytes(body)).digest() == bytes(leaf)


def test_recording_sequences_inline_when_the_log_is_free_and_the_sequencer_only_signs(
    world: World,
    runtime: Runtime,
    clock: FrozenClock,
    log_keys: LogKeys,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(recording, "SEQUENCE_INLINE", True)
    _record(world, runtime, clock, 3)
    assert store.read_head(world.session)[0] == 3
    done = sequencer.sequence_once(runtime.db, log_keys, clock=clock)
    assert done.batch is None
    assert done.checkpoint is not None and done.checkpoint.size == 3


def test_recording_queues_for_the_sequencer_when_another_transaction_holds_the_log(
    world: World,
    runtime: Runtime,
    clock: FrozenClock,
    log_keys: LogKeys,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(recording, "SEQUENCE_INLINE", True)
    monkeypatch.setattr(store, "try_lock_log", lambda session: False)
    _record(world, runtime, clock, 2)
    session = world.session
    assert session.scalar(select(func.count()).select_from(QueuedEntry)) == 2
    assert store.read_head(session)[0] == 0
    done = sequencer.sequence_once(runtime.db, log_keys, clock=clock)
    assert done.batch is not None and len(done.batch.entry_ids) == 2
