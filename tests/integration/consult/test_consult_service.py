"""Consultations in the database: the queue and hand-over, messages encrypted at rest, the
purge after the retention period, and the transcript in the evidence log."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jingwu.blobs.store import BlobStore
from jingwu.consult import rules, service
from jingwu.consult.models import Consultation, ConsultMessage
from jingwu.errors import Forbidden, Invalid, NotFound
from jingwu.evidence.models import EvidenceEntry, EvidenceItem
from jingwu.runtime import Runtime
from tests.integration.consult.consult_world import NOW, ConsultWorld, build

SECRET = "楼上装修噪音ZQX-SECRET-LINE"


@pytest.fixture
def w(session: Session) -> ConsultWorld:
    return build(session)


def _open(session: Session, station: str = "SA01", minutes: int = 0) -> service.Opened:
    return service.open_consultation(
        session, station=station, topic="neighbours", display_name="王女士ZQX",
        now=NOW + dt.timedelta(minutes=minutes),
    )  # fmt: skip


def test_the_queue_is_per_station_oldest_first_and_claimed_once(
    session: Session, w: ConsultWorld
) -> None:
    first, second = _open(session, minutes=0), _open(session, minutes=1)
    _open(session, station="SA02", minutes=-5)  # older, but another station's
    got = service.claim_next(session, w.who["expert"], now=NOW)
    assert got is not None and got.code == first.consultation.code
    assert got.status == rules.ACTIVE and got.expert_id == w.who["expert"].user_id
    got2 = service.claim_next(session, w.who["expert2"], now=NOW)
    assert got2 is not None and got2.code == second.consultation.code
    assert service.claim_next(session, w.who["expert2"], now=NOW) is None
    with pytest.raises(NotFound):  # another station's expert cannot see it
        service.get(session, w.who["other"], code=first.consultation.code)
    with pytest.raises(Forbidden):  # an officer has no desk
        service.claim_next(session, w.who["officer"], now=NOW)


def test_hand_over_to_a_colleague_with_a_note_hidden_from_the_citizen(
    session: Session, w: ConsultWorld
) -> None:
    o = _open(session)
    code = o.consultation.code
    service.claim(session, w.who["expert"], code=code, now=NOW)
    with pytest.raises(Invalid):  # the other station's expert is no colleague
        service.hand_over(session, w.who["expert"], code=code, to="c-other", note="n", now=NOW)
    service.hand_over(
        session, w.who["expert"], code=code, to="c-expert2", note="劳动法问题 ZQX-NOTE", now=NOW
    )
    assert o.consultation.expert_id == w.who["expert2"].user_id
    with pytest.raises(Forbidden):  # the first expert no longer answers it
        service.send_expert(session, w.who["expert"], code=code, body="x", now=NOW)
    service.send_expert(session, w.who["expert2"], code=code, body="您好", now=NOW)
    citizen = [m.body for m in service.messages(session, o.consultation, citizen=True)]
    experts = [m.body for m in service.messages(session, o.consultation, citizen=False)]
    assert "劳动法问题 ZQX-NOTE" in experts and "劳动法问题 ZQX-NOTE" not in citizen
    assert "您好" in citizen
    service.close(session, w.who["chief"], code=code, now=NOW)  # the chief may close it
    assert o.consultation.status == rules.CLOSED


def test_messages_and_names_are_encrypted_at_rest(session: Session, w: ConsultWorld) -> None:
    o = _open(session)
    service.send_citizen(session, token=o.token, body=SECRET, now=NOW)
    session.flush()
    raw = session.execute(text("SELECT body FROM consult_messages")).scalars().all()
    assert raw and all("ZQX" not in b and "装修" not in b for b in raw)
    name = session.execute(text("SELECT display_name FROM consult_sessions")).scalar_one()
    assert "王女士" not in name
    token_col = session.execute(text("SELECT token_hash FROM consult_sessions")).scalar_one()
    assert o.token not in token_col
    session.expire_all()
    assert SECRET in [m.body for m in session.scalars(select(ConsultMessage))]


def test_the_purge_deletes_expired_messages_only(session: Session, w: ConsultWorld) -> None:
    old, fresh = _open(session), _open(session, minutes=10)
    service.send_citizen(session, token=old.token, body="old", now=NOW)
    service.send_citizen(session, token=fresh.token, body="fresh", now=NOW)
    service.close_by_citizen(session, token=old.token, now=NOW)
    service.close_by_citizen(session, token=fresh.token, now=NOW + dt.timedelta(days=30))
    assert service.purge_expired(session, now=NOW + rules.RETENTION - dt.timedelta(seconds=1)) == 0
    later = NOW + rules.RETENTION + dt.timedelta(days=1)
    assert service.purge_expired(session, now=later) == 1
    left = session.scalars(select(ConsultMessage.consultation_id)).all()
    assert set(left) == {fresh.consultation.id}
    session.refresh(old.consultation)
    assert old.consultation.purged_at is not None and old.consultation.display_name == "-"
    with pytest.raises(NotFound):
        service.by_token(session, token=old.token)
    assert service.purge_expired(session, now=later) == 0


def test_the_transcript_is_recorded_as_electronic_data_evidence(
    session: Session, w: ConsultWorld, runtime: Runtime
) -> None:
    blobs: BlobStore = runtime.blobs
    o = _open(session)
    code = o.consultation.code
    service.send_citizen(session, token=o.token, body=SECRET, now=NOW)
    service.claim(session, w.who["expert"], code=code, now=NOW)
    tz = dt.timezone(dt.timedelta(hours=8))
    item = service.record_transcript(session, w.who["expert"], blobs, code=code, tz=tz, now=NOW)
    found = session.scalars(select(EvidenceItem).where(EvidenceItem.code == item)).one()
    assert found.category == "electronic_data" and found.order_code == code
    entry = session.scalars(select(EvidenceEntry).where(EvidenceEntry.item_id == found.id)).one()
    sha = o.consultation.transcript_sha256
    assert sha is not None and entry.sha256 == sha
    assert SECRET.encode() in b"".join(blobs.read(sha))
    unchanged = service.record_transcript(
        session, w.who["expert"], blobs, code=code, tz=tz, now=NOW
    )
    assert unchanged == item and o.consultation.transcript_sha256 == sha
    service.send_expert(session, w.who["expert"], code=code, body="答复", now=NOW)
    again = service.record_transcript(session, w.who["expert"], blobs, code=code, tz=tz, now=NOW)
    assert again == item and o.consultation.transcript_sha256 != sha  # the next version
    versions = session.scalars(
        select(EvidenceEntry.version).where(EvidenceEntry.item_id == found.id)
    )
    assert sorted(versions) == [1, 2]
    assert session.scalar(select(Consultation.evidence_item).where(Consultation.code == code))
