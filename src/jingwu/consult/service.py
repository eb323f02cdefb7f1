"""Consultations: opening one (citizen), the station queue, claiming, messages, hand-over,
closing, the transcript as evidence, and the retention purge.

Services flush, the caller commits. The citizen is known by the secret token handed out at
opening (only its SHA-256 is stored); an expert by their principal and org scope.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal, scoped
from jingwu.audit import service as audit
from jingwu.blobs import service as blob_service
from jingwu.blobs.store import BlobStore
from jingwu.consult import rules
from jingwu.consult.models import Consultation, ConsultMessage
from jingwu.consult.permissions import PERMISSIONS
from jingwu.errors import Invalid, NotFound, Term
from jingwu.evidence import service as evidence
from jingwu.org.models import Unit

TRANSCRIPT_CATEGORY = "electronic_data"  # 电子数据: a chat record is electronic data
TRANSCRIPT_MEDIA = "text/plain; charset=utf-8"
LEADS = frozenset({"chief"})  # may hand over or close a consultation another expert holds


@dataclass(frozen=True)
class Opened:
    consultation: Consultation
    token: str  # shown once to the citizen; the key to their session


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _state(c: Consultation) -> rules.State:
    return rules.State(c.status, c.expert_id)


def _lead(principal: Principal) -> bool:
    return principal.role in LEADS


def _apply(c: Consultation, state: rules.State) -> None:
    c.status, c.expert_id = state.status, state.expert_id


def stations(session: Session) -> list[Unit]:
    """The community stations a citizen may consult (public names)."""
    stmt = select(Unit).where(Unit.kind == "community").order_by(Unit.short_code)
    return list(session.scalars(stmt))


def open_consultation(
    session: Session, *, station: str, topic: str, display_name: str, now: dt.datetime
) -> Opened:
    """A new consultation in the station's queue, and the citizen's secret token."""
    unit = session.scalar(
        select(Unit).where(Unit.short_code == station.strip().upper(), Unit.kind == "community")
    )
    if unit is None:
        raise Invalid("Choose a police station.", fields={"station": "unknown"})
    if topic not in rules.TOPICS:
        raise Invalid("Choose a topic.", fields={"topic": "unknown"})
    name = rules.check_text(display_name, limit=rules.MAX_NAME, field="display_name")
    token = secrets.token_urlsafe(24)
    c = Consultation(
        code=f"ZX-{unit.short_code}-{secrets.token_hex(4).upper()}",
        token_hash=token_hash(token),
        unit_id=unit.id,
        topic=topic,
        display_name=name,
        status=rules.WAITING,
        opened_at=now,
        retain_until=rules.retain_until(opened_at=now, closed_at=None),
        last_seq=0,
    )
    session.add(c)
    session.flush()
    _add(session, c, sender=rules.SYSTEM, body="opened", author_id=None, now=now)
    return Opened(c, token)


def by_token(session: Session, *, token: str, lock: bool = False) -> Consultation:
    """The citizen's consultation; NotFound for any token that is not one."""
    stmt = select(Consultation).where(Consultation.token_hash == token_hash(token))
    c = session.scalar(stmt.with_for_update() if lock else stmt)
    if c is None or c.purged_at is not None:
        raise NotFound("No such consultation.")
    return c


def get(session: Session, principal: Principal, *, code: str, lock: bool = False) -> Consultation:
    """A consultation of a station in the principal's scope; NotFound otherwise."""
    principal.require("consult.answer")
    stmt = scoped(select(Consultation), principal, Consultation.unit_id)
    stmt = stmt.where(Consultation.code == code)
    c = session.scalar(stmt.with_for_update() if lock else stmt)
    if c is None:
        raise NotFound("No such consultation.")
    return c


def _add(
    session: Session,
    c: Consultation,
    *,
    sender: str,
    body: str,
    author_id: int | None,
    now: dt.datetime,
) -> ConsultMessage:
    c.last_seq += 1
    m = ConsultMessage(
        consultation_id=c.id, seq=c.last_seq, sender=sender, author_id=author_id, body=body,
        sent_at=now,
    )  # fmt: skip
    session.add(m)
    session.flush()
    return m


def send_citizen(session: Session, *, token: str, body: str, now: dt.datetime) -> ConsultMessage:
    c = by_token(session, token=token, lock=True)
    rules.may_send(_state(c), sender=rules.CITIZEN)
    text = rules.check_text(body)
    return _add(session, c, sender=rules.CITIZEN, body=text, author_id=None, now=now)


def send_expert(
    session: Session, principal: Principal, *, code: str, body: str, now: dt.datetime
) -> ConsultMessage:
    c = get(session, principal, code=code, lock=True)
    rules.may_send(_state(c), sender=rules.EXPERT, by=principal.user_id, lead=_lead(principal))
    text = rules.check_text(body)
    return _add(session, c, sender=rules.EXPERT, body=text, author_id=principal.user_id, now=now)


def claim_next(session: Session, principal: Principal, *, now: dt.datetime) -> Consultation | None:
    """The oldest waiting consultation of the principal's stations, now theirs (or None)."""
    principal.require("consult.answer")
    stmt = scoped(select(Consultation.code), principal, Consultation.unit_id)
    stmt = stmt.where(Consultation.status == rules.WAITING).order_by(
        Consultation.opened_at, Consultation.id
    )
    code = session.scalar(stmt.limit(1))
    return None if code is None else claim(session, principal, code=code, now=now)


def claim(session: Session, principal: Principal, *, code: str, now: dt.datetime) -> Consultation:
    c = get(session, principal, code=code, lock=True)
    assert principal.user_id is not None
    _apply(c, rules.claim(_state(c), by=principal.user_id))
    c.claimed_at = now
    _add(session, c, sender=rules.SYSTEM, body="claimed", author_id=principal.user_id, now=now)
    return c


def colleagues(session: Session, c: Consultation) -> list[User]:
    """Who may take the consultation over: the answering roles of its station."""
    roles = sorted(PERMISSIONS["consult.answer"])
    stmt = select(User).where(User.unit_id == c.unit_id, User.role.in_(roles), User.active)
    return list(session.scalars(stmt.order_by(User.username)))


def hand_over(
    session: Session,
    principal: Principal,
    *,
    code: str,
    to: str | None,
    note: str,
    now: dt.datetime,
) -> Consultation:
    """To the colleague named ``to`` (a username), or back to the queue when ``to`` is None."""
    c = get(session, principal, code=code, lock=True)
    target = None
    if to:
        target = next((u for u in colleagues(session, c) if u.username == to), None)
        if target is None:
            raise Invalid(
                "{user} cannot take this consultation over.",
                params={"user": Term(to)},
                fields={"to": "not an expert of the station"},
            )
    assert principal.user_id is not None
    state = rules.hand_over(
        _state(c), by=principal.user_id, lead=_lead(principal),
        to=None if target is None else target.id, note=note,
    )  # fmt: skip
    _apply(c, state)
    _add(session, c, sender=rules.NOTE, body=note.strip(), author_id=principal.user_id, now=now)
    _add(session, c, sender=rules.SYSTEM, body="handed_over", author_id=principal.user_id, now=now)
    return c


def _close(c: Consultation, state: rules.State, now: dt.datetime) -> None:
    _apply(c, state)
    c.closed_at = now
    c.retain_until = rules.retain_until(opened_at=c.opened_at, closed_at=now)


def close_by_citizen(session: Session, *, token: str, now: dt.datetime) -> Consultation:
    c = by_token(session, token=token, lock=True)
    _close(c, rules.close(_state(c), by=None, lead=False), now)
    _add(session, c, sender=rules.SYSTEM, body="closed", author_id=None, now=now)
    return c


def close(session: Session, principal: Principal, *, code: str, now: dt.datetime) -> Consultation:
    c = get(session, principal, code=code, lock=True)
    _close(c, rules.close(_state(c), by=principal.user_id, lead=_lead(principal)), now)
    _add(session, c, sender=rules.SYSTEM, body="closed", author_id=principal.user_id, now=now)
    return c


def messages(
    session: Session, c: Consultation, *, after: int = 0, citizen: bool
) -> list[ConsultMessage]:
    """The consultation's lines after ``after``; the citizen's side without experts' notes."""
    stmt = select(ConsultMessage).where(
        ConsultMessage.consultation_id == c.id, ConsultMessage.seq > after
    )
    found = session.scalars(stmt.order_by(ConsultMessage.seq)).all()
    return [m for m in found if not citizen or m.sender in rules.CITIZEN_SEES]


def line_counters(session: Session, ids: list[int]) -> dict[int, int]:
    """How many lines each of these consultations has (the streams' poller)."""
    stmt = select(Consultation.id, Consultation.last_seq).where(Consultation.id.in_(ids))
    return {int(i): int(n) for i, n in session.execute(stmt)}


def transcript(session: Session, c: Consultation, *, tz: dt.tzinfo) -> bytes:
    """The whole conversation as UTF-8 text, one line per message (notes included)."""
    lines = [f"{c.code} {c.topic} opened {c.opened_at.astimezone(tz):%Y-%m-%d %H:%M:%S}"]
    for m in messages(session, c, citizen=False):
        lines.append(f"{m.seq:04d} {m.sent_at.astimezone(tz):%H:%M:%S} {m.sender}: {m.body}")
    return ("\n".join(lines) + "\n").encode()


def record_transcript(
    session: Session,
    principal: Principal,
    blobs: BlobStore,
    *,
    code: str,
    tz: dt.tzinfo,
    now: dt.datetime,
) -> str:
    """Store the transcript (blob store, encrypted) and log it as evidence (electronic data);
    a later recording logs the next version. Returns the evidence item's code."""
    c = get(session, principal, code=code, lock=True)
    if c.purged_at is not None:
        raise NotFound("No such consultation.")
    body = transcript(session, c, tz=tz)
    name = f"{c.code}-transcript.txt"
    blob = blob_service.store(
        session, blobs, stream=io.BytesIO(body), filename=name, media_type="text/plain", now=now
    )
    if c.evidence_item is not None and c.transcript_sha256 == blob.sha256:
        return c.evidence_item  # nothing new since it was recorded
    found = evidence.record_document(
        session, principal, subject=c.code, unit_id=c.unit_id,
        sha256=bytes.fromhex(blob.sha256), size=len(body), media_type="text/plain",
        filename=name, note=f"online consultation transcript {c.code}",
        category=TRANSCRIPT_CATEGORY, now=now,
    )  # fmt: skip
    c.evidence_item, c.transcript_sha256 = found.item_code, blob.sha256
    return found.item_code


def purge_expired(session: Session, *, now: dt.datetime) -> int:
    """Delete the messages of every consultation past its ``retain_until`` (closing the
    ones left open); returns how many consultations were purged."""
    ids = list(
        session.scalars(
            select(Consultation.id).where(
                Consultation.retain_until <= now, Consultation.purged_at.is_(None)
            )
        )
    )
    if not ids:
        return 0
    session.execute(delete(ConsultMessage).where(ConsultMessage.consultation_id.in_(ids)))
    session.execute(
        update(Consultation)
        .where(Consultation.id.in_(ids))
        .values(purged_at=now, status=rules.CLOSED, display_name="-")
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session, principal=None, action="consult.purge", object_type="consult_sessions",
        detail={"consultations": len(ids)}, now=now,
    )  # fmt: skip
    return len(ids)
