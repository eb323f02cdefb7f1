"""A draw's two documents in the evidence log: the commitment before, the record after.

Each is logged through :func:`jingwu.evidence.service.record_document` as a version of one
evidence item named after the draw (``<draw code>-E01``): version 1 the commitment,
version 2 the record, which names version 1's leaf hash. The log index of each is stored
with the draw as soon as the log has sequenced it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import Conflict
from jingwu.evaluation.checks.documents import CommitmentDoc, RecordDoc, digest
from jingwu.evaluation.checks.draws import Pair
from jingwu.evaluation.checks.models import CheckDraw
from jingwu.evaluation.checks.pools import Purpose
from jingwu.evidence import proofs
from jingwu.evidence import service as evidence
from jingwu.evidence.service import RecordedDocument

MEDIA_TYPE = "text/plain"


def commitment_doc(draw: CheckDraw, unit_code: str) -> CommitmentDoc:
    """The commitment document of a draw, from its stored fields."""
    return CommitmentDoc(
        code=draw.code,
        kind=draw.kind,
        unit=unit_code,
        period=draw.period,
        quota=draw.quota,
        team=draw.team,
        inspectors=tuple(str(i) for i in draw.inspectors),
        commitment=draw.commitment,
        committed_at=draw.committed_at,
    )


def pairs_of(stored: Mapping[str, Any] | None) -> dict[str, list[Pair]]:
    """The stored pairs (``{purpose: [[target, [inspector, ...]], ...]}``) as :class:`Pair`."""
    return {
        str(purpose): [Pair(str(t), tuple(str(i) for i in team)) for t, team in rows]
        for purpose, rows in (stored or {}).items()
    }


def stored_pairs(pairs: Mapping[Purpose, Sequence[Pair]]) -> dict[str, list[list[object]]]:
    """Pairs as stored in the JSON column."""
    return {str(p): [[x.target, list(x.inspectors)] for x in rows] for p, rows in pairs.items()}


def record_doc(draw: CheckDraw, seed: str) -> RecordDoc:
    """The record document of a drawn draw, from its stored fields."""
    assert draw.drawn_at is not None
    return RecordDoc(
        code=draw.code,
        commitment=draw.commitment,
        seed=seed,
        targets=tuple(str(t) for t in draw.targets or []),
        checked=tuple(str(t) for t in draw.checked or []),
        pairs=pairs_of(draw.pairs),
        drawn_at=draw.drawn_at,
    )


def _log(
    session: Session,
    principal: Principal,
    draw: CheckDraw,
    body: bytes,
    *,
    name: str,
    note: str,
    now: dt.datetime,
) -> RecordedDocument:
    return evidence.record_document(
        session,
        principal,
        subject=draw.code,
        unit_id=draw.unit_id,
        sha256=digest(body),
        size=len(body),
        media_type=MEDIA_TYPE,
        filename=f"{draw.code}-{name}.txt",
        note=note,
        now=now,
    )


def log_commitment(
    session: Session, principal: Principal, draw: CheckDraw, *, unit_code: str, now: dt.datetime
) -> None:
    """Log the draw's commitment (version 1) and keep where it went."""
    body = commitment_doc(draw, unit_code).encode()
    note = f"draw commitment {draw.code}: seed SHA-256 {draw.commitment}"
    found = _log(session, principal, draw, body, name="commitment", note=note, now=now)
    draw.evidence_item = found.item_code
    draw.commit_entry_id = found.entry_id
    draw.commit_log_index = proofs.leaf_index(session, found.entry_id)


def log_record(
    session: Session, principal: Principal, draw: CheckDraw, *, seed: str, now: dt.datetime
) -> None:
    """Log the draw's record (version 2) and keep where it went."""
    body = record_doc(draw, seed).encode()
    note = f"draw record {draw.code}: seed revealed, {_count(draw)} target(s) drawn"
    found = _log(session, principal, draw, body, name="record", note=note, now=now)
    draw.record_entry_id = found.entry_id
    draw.record_log_index = proofs.leaf_index(session, found.entry_id)


def _count(draw: CheckDraw) -> int:
    return sum(len(rows) for rows in (draw.pairs or {}).values())


def require_logged(session: Session, draw: CheckDraw) -> int:
    """The commitment's log index; Conflict while the log has not sequenced it yet."""
    if draw.commit_log_index is None:
        draw.commit_log_index = proofs.leaf_index(session, draw.commit_entry_id)
    if draw.commit_log_index is None:
        raise Conflict(
            "The commitment of {code} is recorded but not yet in the evidence log; "
            "try again in a moment.",
            params={"code": draw.code},
            code="not_sequenced",
        )
    return draw.commit_log_index


def refresh_indexes(session: Session, draw: CheckDraw) -> None:
    """Fill in log indexes the sequencer has given since the documents were recorded."""
    if draw.commit_log_index is None:
        draw.commit_log_index = proofs.leaf_index(session, draw.commit_entry_id)
    if draw.record_entry_id is not None and draw.record_log_index is None:
        draw.record_log_index = proofs.leaf_index(session, draw.record_entry_id)
