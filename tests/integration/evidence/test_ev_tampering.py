"""Tampering with a file, an entry row or a tree node is detected and named."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jingwu.errors import Conflict
from jingwu.evidence import export, queries, scrub, sequencer
from jingwu.evidence.logkeys import LogKeys, load_log_keys
from jingwu.evidence.models import EvidenceEntry, EvidenceItem
from jingwu.runtime import Runtime
from tests.conftest import FrozenClock
from tests.integration.evidence.evidence_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


@pytest.fixture
def log_keys(runtime: Runtime) -> LogKeys:
    return load_log_keys(runtime.settings)


def tamper(session: Session, table: str, statement: str, **params: object) -> None:
    """Change a row of an append-only table the way an insider with DBA rights could.

    Only inside the test's transaction: the rollback restores the trigger.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text(f"DROP TRIGGER {table}_no_update"))
    else:
        session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only"))
    session.execute(text(statement), params)


def filled(world: World, runtime: Runtime, clock: FrozenClock, log_keys: LogKeys) -> list[str]:
    codes = [
        world.record(runtime.blobs, f"photo {i}".encode() * 50, now=clock.now).code
        for i in range(6)
    ]
    sequencer.sequence_once(runtime.db, log_keys, clock=clock)
    return codes


def problems(world: World, runtime: Runtime, clock: FrozenClock, log_keys: LogKeys) -> list[str]:
    run = scrub.scrub(world.session, runtime.blobs, log_keys, now=clock.now, full=True)
    return list(run.problems)


def status(world: World, code: str) -> tuple[str, str | None]:
    views = queries.order_items(world.session, world.officer, order_code=world.order)
    view = next(v for v in views if v.code == code)
    return view.status, view.problem


def test_an_untouched_log_scrubs_clean_and_counts_what_it_checked(
    world: World, runtime: Runtime, clock: FrozenClock, log_keys: LogKeys
) -> None:
    filled(world, runtime, clock, log_keys)
    run = scrub.scrub(world.session, runtime.blobs, log_keys, now=clock.now, full=True)
    assert run.problems == [] and (run.entries_checked, run.files_checked) == (6, 6)
    assert run.nodes_checked == 4  # (1,0) (1,1) (1,2) (2,0) above six leaves


def test_a_changed_file_is_named_by_item(
    world: World, runtime: Runtime, clock: FrozenClock, log_keys: LogKeys
) -> None:
    codes = filled(world, runtime, clock, log_keys)
    sha = world.session.scalars(
        select(EvidenceEntry.sha256).join(EvidenceItem).where(EvidenceItem.code == codes[2])
    ).one()
    path = runtime.blobs.path_of(sha)  # type: ignore[attr-defined]
    raw = bytearray(path.read_bytes())
    raw[-5] ^= 0x01
    path.write_bytes(bytes(raw))
    found = problems(world, runtime, clock, log_keys)
    assert found == [
        f"the file of item {codes[2]} version 1 (sha256 {sha}) "
        "is missing or does not match its entry"
    ]
    with pytest.raises(Conflict, match="is damaged"):
        export.export_bundle(
            world.session,
            world.officer,
            runtime.blobs,
            item_code=codes[2],
            out=io.BytesIO(),
            now=clock.now,
        )


def test_a_changed_entry_row_is_named_and_its_proof_fails(
    world: World, runtime: Runtime, clock: FrozenClock, log_keys: LogKeys
) -> None:
    codes = filled(world, runtime, clock, log_keys)
    row = world.session.scalars(
        select(EvidenceEntry).join(EvidenceItem).where(EvidenceItem.code == codes[1])
    ).one()
    forged = bytes(row.body).replace(b"category scene_photo", b"category audio")
    tamper(
        world.session,
        "evidence_entries",
        "UPDATE evidence_entries SET body = :b WHERE id = :i",
        b=forged,
        i=row.id,
    )
    world.session.expire_all()
    found = problems(world, runtime, clock, log_keys)
    assert (
        f"entry {row.id} (item {codes[1]} version 1): its stored bytes do not hash to its leaf hash"
        in found
    )
    assert status(world, codes[1]) == ("failed", "the stored entry does not hash to its leaf")
    assert status(world, codes[0])[0] == "verified"
    with pytest.raises(Conflict, match="fails verification"):
        export.export_bundle(
            world.session,
            world.officer,
            runtime.blobs,
            item_code=codes[1],
            out=io.BytesIO(),
            now=clock.now,
        )


def test_a_changed_leaf_hash_and_matching_entry_hash_still_break_the_tree(
    world: World, runtime: Runtime, clock: FrozenClock, log_keys: LogKeys
) -> None:
    codes = filled(world, runtime, clock, log_keys)
    row = world.session.scalars(
        select(EvidenceEntry).join(EvidenceItem).where(EvidenceItem.code == codes[4])
    ).one()
    forged = bytes(row.body).replace(b"version 1", b"version 1\nnote backdated")
    from jingwu.evidence.merkle import leaf_hash

    tamper(
        world.session,
        "evidence_entries",
        "UPDATE evidence_entries SET body = :b, leaf_hash = :h WHERE id = :i",
        b=forged,
        h=leaf_hash(forged),
        i=row.id,
    )
    tamper(
        world.session,
        "evidence_leaves",
        "UPDATE evidence_leaves SET hash = :h WHERE idx = 4",
        h=leaf_hash(forged),
    )
    world.session.expire_all()
    found = problems(world, runtime, clock, log_keys)
    assert "tree node (1, 2) is not the hash of its children" in found
    assert status(world, codes[4])[0] == "failed"


def test_a_changed_tree_node_is_named_and_the_log_refuses_to_sign_over_it(
    world: World, runtime: Runtime, clock: FrozenClock, log_keys: LogKeys
) -> None:
    filled(world, runtime, clock, log_keys)
    tamper(
        world.session,
        "evidence_nodes",
        "UPDATE evidence_nodes SET hash = :h WHERE level = 2 AND idx = 0",
        h=b"\x00" * 32,
    )
    world.session.expire_all()
    found = problems(world, runtime, clock, log_keys)
    assert "tree node (2, 0) is not the hash of its children" in found
    assert "the head's root for size 6 differs from the stored tree" in found
    assert "the signed checkpoint of size 6 does not match the stored tree" in found
    world.record(runtime.blobs, b"one more", now=clock.now)
    with pytest.raises(sequencer.LogIntegrityError, match="another root for size 6"):
        sequencer.sequence_once(runtime.db, log_keys, clock=clock)


def test_a_scrub_resumes_where_the_last_one_stopped_and_wraps_around(
    world: World, runtime: Runtime, clock: FrozenClock, log_keys: LogKeys
) -> None:
    filled(world, runtime, clock, log_keys)
    runs = [
        scrub.scrub(
            world.session, runtime.blobs, log_keys, now=clock.now, entry_window=4, node_window=3
        )
        for _ in range(3)
    ]
    assert [r.entries_checked for r in runs] == [4, 2, 4]
    assert [r.nodes_checked for r in runs] == [3, 1, 3]
