"""Recording evidence: files in the blob store, entries, versions, bulk, scope, bad input."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.blobs.models import Blob
from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.evidence import entry, queries, service
from jingwu.evidence.models import EvidenceEntry, EvidenceItem, LogLeaf, QueuedEntry
from jingwu.org.models import Unit
from jingwu.runtime import Runtime
from tests.conftest import FrozenClock
from tests.factories.accounts import principal
from tests.integration.evidence.evidence_world import World, build_world, fast_user


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


class Failing:
    """An upload stream that breaks after some bytes, like a dropped connection."""

    def __init__(self, good: int) -> None:
        self.left = good

    def read(self, n: int = -1) -> bytes:
        if self.left <= 0:
            raise ConnectionResetError("client went away")
        part = min(self.left, 4096 if n < 0 else n)
        self.left -= part
        return b"x" * part


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_recorded_item_has_its_file_encrypted_in_the_store_and_a_queued_entry(
    world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    content = b"interview transcript, page one " * 100
    item = world.record(
        runtime.blobs,
        content,
        now=clock.now,
        category="interview_transcript",
        note="signed by both parties",
    )
    assert item.code == f"{world.order}-E01" and item.unit_id == world.officer.unit_id
    row = world.session.scalars(select(EvidenceEntry)).one()
    decoded = entry.decode(bytes(row.body))
    assert decoded.sha256 == hashlib.sha256(content).digest() and decoded.size == len(content)
    assert (decoded.recorded_by, decoded.version, decoded.previous) == ("officer-sa01", 1, None)
    assert decoded.note == "signed by both parties" and row.content_held
    # The log was free, so recording gave the entry its log index itself.
    assert (count(world.session, LogLeaf), count(world.session, QueuedEntry)) == (1, 0)
    path = runtime.blobs.path_of(row.sha256)  # type: ignore[attr-defined]
    assert b"interview transcript" not in path.read_bytes()


def test_an_upload_that_fails_midway_leaves_no_entry_no_item_and_no_file(
    world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    with pytest.raises(ConnectionResetError), world.session.begin_nested():
        service.record_item(
            world.session,
            world.officer,
            runtime.blobs,
            order_code=world.order,
            category="audio",
            filename="call.m4a",
            media_type="audio/mp4",
            stream=Failing(3 << 20),
            now=clock.now,
        )
    assert count(world.session, EvidenceEntry) == 0 and count(world.session, EvidenceItem) == 0
    assert count(world.session, Blob) == 0
    stored = [p for p in runtime.blobs.root.rglob("*") if p.is_file()]  # type: ignore[attr-defined]
    assert stored == []


def test_bad_input_gets_sentences_naming_the_field(
    world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    with pytest.raises(Invalid, match="Unknown evidence category 'selfie'") as bad:
        world.record(runtime.blobs, b"a", now=clock.now, category="selfie")
    assert bad.value.fields == {"category": "unknown category"}
    with pytest.raises(Invalid, match="2,001 characters") as long_note:
        world.record(runtime.blobs, b"a", now=clock.now, note="字" * 2001)
    assert "note" in long_note.value.fields
    with pytest.raises(Invalid, match="control characters"):
        world.record(runtime.blobs, b"a", now=clock.now, note="bell\x07")
    with pytest.raises(Invalid, match="file name has 300 characters"):
        world.record(runtime.blobs, b"a", now=clock.now, filename="n" * 300)
    assert count(world.session, EvidenceEntry) == 0


def test_the_same_content_twice_in_one_case_is_a_conflict_but_fine_in_another(
    world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    first = world.record(runtime.blobs, b"the same photo", now=clock.now)
    with pytest.raises(
        Conflict, match=f"already recorded for order {world.order} as item {first.code}"
    ):
        world.record(runtime.blobs, b"the same photo", now=clock.now, category="scene_photo")
    again = world.record(
        runtime.blobs, b"the same photo", now=clock.now, order=world.other_order, who=world.other
    )
    assert again.code == f"{world.other_order}-E01"


def test_a_new_version_names_the_previous_entry_by_its_leaf_hash(
    world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    item = world.record(
        runtime.blobs, b"draft agreement", now=clock.now, category="mediation_agreement"
    )
    service.record_version(
        world.session,
        world.officer,
        runtime.blobs,
        item_code=item.code,
        filename="final.pdf",
        media_type="application/pdf",
        stream=io.BytesIO(b"signed agreement"),
        note="signed",
        now=clock.advance(minutes=5),
    )
    rows = world.session.scalars(select(EvidenceEntry).order_by(EvidenceEntry.version)).all()
    first, second = (entry.decode(bytes(r.body)) for r in rows)
    assert (second.version, second.previous) == (2, first.leaf_hash())
    assert second.category == "mediation_agreement" and second.item == item.code
    views = queries.order_items(world.session, world.officer, order_code=world.order)
    assert [(v.code, v.version, v.versions) for v in views] == [(item.code, 2, 2)]


def test_officers_of_another_community_cannot_record_read_or_list(
    world: World, runtime: Runtime, clock: FrozenClock
) -> None:
    item = world.record(runtime.blobs, b"ours", now=clock.now)
    with pytest.raises(NotFound):
        world.record(runtime.blobs, b"theirs", now=clock.now, who=world.other)
    with pytest.raises(NotFound):
        service.get_item(world.session, world.other, code=item.code)
    with pytest.raises(NotFound):
        queries.order_items(world.session, world.other, order_code=world.order)
    with pytest.raises(NotFound):
        service.record_version(
            world.session,
            world.other,
            runtime.blobs,
            item_code=item.code,
            filename="x",
            media_type="",
            stream=io.BytesIO(b"x"),
            now=clock.now,
        )
    assert service.get_item(world.session, world.inspector, code=item.code).id == item.id


def test_roles_without_evidence_rights_are_refused(
    world: World, runtime: Runtime, clock: FrozenClock, session: Session
) -> None:
    unit = session.get(Unit, world.officer.unit_id)
    assert unit is not None
    partner = principal(session, fast_user(session, unit, "partner", "partner-sa01"))
    with pytest.raises(Forbidden, match=r"evidence\.record"):
        world.record(runtime.blobs, b"x", now=clock.now, who=partner)
    with pytest.raises(Forbidden, match=r"evidence\.view"):
        queries.order_items(session, partner, order_code=world.order)


def test_bulk_recording_by_hash_numbers_items_and_marks_content_not_held(
    world: World, clock: FrozenClock
) -> None:
    records = [
        service.HashedRecord(
            order_code=world.order,
            category="body_camera_video",
            sha256=hashlib.sha256(f"clip {i}".encode()).digest(),
            size=1000 + i,
            media_type="video/mp4",
            filename=f"clip{i}.mp4",
        )
        for i in range(5)
    ]
    codes = service.record_hashed(world.session, SYSTEM, records=records, now=clock.now)
    assert codes == [f"{world.order}-E{n:02d}" for n in range(1, 6)]
    rows = world.session.scalars(select(EvidenceEntry).order_by(EvidenceEntry.id)).all()
    assert [r.content_held for r in rows] == [False] * 5
    assert [entry.decode(bytes(r.body)).size for r in rows] == [1000, 1001, 1002, 1003, 1004]
    with pytest.raises(Conflict, match="twice in this upload"):
        service.record_hashed(
            world.session, SYSTEM, records=[records[0], records[0]], now=clock.now
        )
    with pytest.raises(Conflict, match="already recorded"):
        service.record_hashed(world.session, SYSTEM, records=records[:1], now=clock.now)
    many = [replace(records[0], sha256=bytes([i]) * 32) for i in range(40)]  # a bulk COPY
    with pytest.raises(Conflict, match="already recorded"):
        service.record_hashed(world.session, SYSTEM, records=[*many, records[3]], now=clock.now)
    assert count(world.session, EvidenceEntry) == 5
