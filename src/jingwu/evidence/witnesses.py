"""The log's side of witnessing: which witnesses it trusts, and storing their cosignatures.

A witness fetches ``/evidence/checkpoint``, checks it against the last checkpoint it
cosigned (using the public tiles for the consistency proof), and posts the checkpoint back
with its cosignature line. The log keeps a line only when it verifies with the key of a
registered, active witness and the checkpoint text is exactly one the log signed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.audit import service as audit
from jingwu.errors import Conflict, Invalid, NotFound, Term
from jingwu.evidence.checkpoint import CheckpointError, parse_checkpoint
from jingwu.evidence.keys import NoteError, cosignature_timestamp, parse_verifier_key
from jingwu.evidence.models import Cosignature, LogCheckpoint, Witness
from jingwu.evidence.note import Note, check_note, parse_note


def add_witness(
    session: Session, principal: Principal, *, vkey: str, label: str = "", now: dt.datetime
) -> Witness:
    """Trust a witness's verifier key (name+keyid+base64) for cosignatures."""
    principal.require("evidence.admin")
    try:
        verifier = parse_verifier_key(vkey)
    except NoteError as exc:
        raise Invalid(
            "The witness key is invalid: {why}.",
            params={"why": Term(str(exc))},
            fields={"vkey": "invalid key"},
        ) from None
    if session.scalars(select(Witness).where(Witness.name == verifier.name)).first():
        raise Conflict(
            "A witness named '{name}' is already registered.", params={"name": verifier.name}
        )
    witness = Witness(name=verifier.name, vkey=vkey.strip(), label=label[:120], added_at=now)
    session.add(witness)
    session.flush()
    return witness


def set_active(session: Session, principal: Principal, *, name: str, active: bool) -> Witness:
    """Stop (or resume) accepting a witness's cosignatures; stored ones stay."""
    principal.require("evidence.admin")
    witness = session.scalars(select(Witness).where(Witness.name == name)).first()
    if witness is None:
        raise NotFound("No witness '{name}'.", params={"name": name})
    witness.active = active
    session.flush()
    return witness


def list_witnesses(session: Session) -> list[Witness]:
    """Return every registered witness, by name."""
    return list(session.scalars(select(Witness).order_by(Witness.name)))


@dataclass(frozen=True)
class Accepted:
    """Which witnesses' cosignatures of which checkpoint were stored."""

    size: int
    stored: tuple[str, ...]
    already: tuple[str, ...]


def _signed_checkpoint(session: Session, note: str) -> tuple[LogCheckpoint, Note]:
    """Return the stored checkpoint whose text the note carries, and the parsed note."""
    try:
        parsed = parse_note(note)
        head = parse_checkpoint(parsed.text)
    except (NoteError, CheckpointError) as exc:
        raise Invalid(
            "The cosigned checkpoint is malformed: {why}.", params={"why": str(exc)}
        ) from None
    row = session.scalars(select(LogCheckpoint).where(LogCheckpoint.size == head.size)).first()
    if row is None or parse_note(row.note).text != parsed.text:
        raise Invalid("The log never signed this checkpoint.", code="unknown_checkpoint")
    return row, parsed


def submit_cosigned(session: Session, *, note: str, now: dt.datetime) -> Accepted:
    """Store the registered witnesses' cosignatures found on a checkpoint note."""
    row, parsed = _signed_checkpoint(session, note)
    by_name = {w.name: w for w in list_witnesses(session) if w.active}
    checked = check_note(note, [parse_verifier_key(w.vkey) for w in by_name.values()])
    if checked.failed:
        names = ", ".join(v.name for v in checked.failed)
        raise Invalid(
            "A cosignature does not verify ({names}).",
            params={"names": names},
            code="bad_cosignature",
        )
    if not checked.verified:
        raise Invalid("No registered witness cosigned this checkpoint.", code="no_cosignature")
    have = set(
        session.scalars(select(Cosignature.witness_id).where(Cosignature.checkpoint_id == row.id))
    )
    lines = {(s.name, s.key_id): s for s in parsed.signatures}
    stored, already = [], []
    for verifier in checked.verified:
        witness = by_name[verifier.name]
        if witness.id in have:
            already.append(witness.name)
            continue
        sig = lines[(verifier.name, verifier.key_id)]
        session.add(
            Cosignature(
                checkpoint_id=row.id,
                witness_id=witness.id,
                timestamp=_timestamp(sig.signature),
                line=sig.line(),
                received_at=now,
            )
        )
        stored.append(witness.name)
    session.flush()
    if stored:
        audit.record(
            session,
            principal=None,
            action="evidence.cosigned",
            object_type="evidence_checkpoint",
            object_id=str(row.size),
            detail={"witnesses": stored},
            now=now,
        )
    return Accepted(row.size, tuple(stored), tuple(already))


def _timestamp(signature: bytes) -> int:
    try:
        return cosignature_timestamp(signature)
    except NoteError:
        return 0  # a witness key of another type carries no timestamp


@dataclass(frozen=True)
class WitnessView:
    """A witness and the newest checkpoint it cosigned."""

    witness: Witness
    last_size: int | None
    last_time: dt.datetime | None


def witness_views(session: Session) -> list[WitnessView]:
    """Return each witness with the largest checkpoint it cosigned and when."""
    views = []
    for w in list_witnesses(session):
        row = session.execute(
            select(LogCheckpoint.size, Cosignature.timestamp)
            .join(Cosignature, Cosignature.checkpoint_id == LogCheckpoint.id)
            .where(Cosignature.witness_id == w.id)
            .order_by(LogCheckpoint.size.desc())
            .limit(1)
        ).first()
        when = None if row is None else dt.datetime.fromtimestamp(int(row[1]), dt.UTC)
        views.append(WitnessView(w, None if row is None else int(row[0]), when))
    return views
