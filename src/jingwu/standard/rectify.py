"""Rectification of a failed requirement: a PDCA item of kind ``rectification``.

Opened for a requirement the station does not meet (or that cannot be measured), with an
owner and a deadline, on the station's improvement list of the quarter (the evaluation
domain's :func:`~jingwu.evaluation.improvement.service.open_rectification`; its source
reference is ``standard:<version>:<requirement>``). Evidence files are attached to the
PDCA item, each labelled with the kind of evidence the requirement names; it closes only
when every named kind has a file (the PDCA board refuses to close it by itself).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped, unit_in_scope
from jingwu.audit import service as audit
from jingwu.blobs.store import BlobStore, Readable
from jingwu.errors import Conflict, Invalid, NotFound, Terms
from jingwu.evaluation.improvement import service as pdca
from jingwu.evaluation.improvement.models import PdcaItem
from jingwu.standard.models import Rectification, RectificationFile
from jingwu.standard.requirements import Requirement
from jingwu.standard.service import get_version, scorecard_of
from jingwu.standard.verdicts import MET

SOURCE_PREFIX = pdca.STANDARD_SOURCE


@dataclass(frozen=True)
class RectificationView:
    """A rectification with its PDCA item and the evidence kinds covered so far."""

    rectification: Rectification
    item: PdcaItem
    covered: frozenset[str]


def _requirement(session: Session, row: Rectification) -> Requirement:
    return get_version(session, row.version).requirement(row.requirement_id)


def open_for(
    session: Session,
    principal: Principal,
    *,
    station: str,
    requirement_id: str,
    version: str | None,
    due: dt.date,
    now: dt.datetime,
    owner: str | None = None,
) -> Rectification:
    """Open a rectification of a requirement the station fails, with owner and deadline."""
    principal.require("standard.rectify")
    card = scorecard_of(session, principal, station=station, version=version, now=now)
    chosen = get_version(session, version)
    requirement = chosen.requirement(requirement_id)
    verdict = next(v for v in card.card.verdicts if v.requirement.id == requirement.id)
    if verdict.status == MET:
        raise Conflict(
            "Requirement {id} is met; there is nothing to rectify.",
            params={"id": requirement.id},
            code="met",
        )
    if session.scalar(
        select(Rectification.id).where(
            Rectification.unit_id == card.unit.id,
            Rectification.requirement_id == requirement.id,
            Rectification.closed_at.is_(None),
        )
    ):
        raise Conflict(
            "A rectification of {id} is open already.",
            params={"id": requirement.id},
            code="exists",
        )
    item = pdca.open_rectification(
        session,
        principal,
        unit=card.unit.short_code,
        title=f"{requirement.id}：{requirement.clause_zh}"[:200],
        due=due,
        now=now,
        owner=owner or None,
        source_ref=f"{SOURCE_PREFIX}{chosen.version}:{requirement.id}",
    )
    row = Rectification(
        unit_id=card.unit.id,
        requirement_id=requirement.id,
        version=chosen.version,
        pdca_item_id=item.id,
        opened_at=now,
        opened_by_id=principal.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="standard.rectification_opened",
        object_type="std_rectifications",
        object_id=row.id,
        unit_id=row.unit_id,
        detail={"requirement": requirement.id, "due": due.isoformat()},
        now=now,
    )
    return row


def get(session: Session, principal: Principal, rectification_id: int) -> Rectification:
    """A rectification of a station in scope, or NotFound."""
    principal.require("standard.view")
    row = session.scalar(
        scoped(select(Rectification), principal, Rectification.unit_id).where(
            Rectification.id == rectification_id
        )
    )
    if row is None:
        raise NotFound("No such rectification.")
    return row


def attach(
    session: Session,
    principal: Principal,
    blobs: BlobStore,
    *,
    rectification_id: int,
    evidence_kind: str,
    stream: Readable,
    filename: str,
    media_type: str,
    now: dt.datetime,
) -> RectificationFile:
    """Attach a file to the rectification's PDCA item as one kind of the named evidence."""
    principal.require("standard.rectify")
    row = get(session, principal, rectification_id)
    requirement = _requirement(session, row)
    kind = requirement.evidence_kind(evidence_kind)
    evidence = pdca.attach(
        session,
        principal,
        blobs,
        item_id=row.pdca_item_id,
        stream=stream,
        filename=filename,
        media_type=media_type,
        now=now,
        note=kind.name_zh,
    )
    file = RectificationFile(
        rectification_id=row.id, evidence_kind=evidence_kind, pdca_evidence_id=evidence.id
    )
    session.add(file)
    session.flush()
    return file


def _covered(session: Session, rectification_id: int) -> frozenset[str]:
    return frozenset(
        session.scalars(
            select(RectificationFile.evidence_kind).where(
                RectificationFile.rectification_id == rectification_id
            )
        )
    )


def close(
    session: Session, principal: Principal, *, rectification_id: int, note: str, now: dt.datetime
) -> Rectification:
    """Close a rectification: only with a file for every kind of evidence the requirement names."""
    principal.require("standard.rectify")
    row = get(session, principal, rectification_id)
    if row.closed_at is not None:
        raise Conflict("This rectification is closed already.", code="wrong_state")
    requirement = _requirement(session, row)
    covered = _covered(session, row.id)
    missing = [e for e in requirement.evidence if e.id not in covered]
    if missing:
        raise Invalid(
            "The rectification cannot close without the evidence its requirement names: {missing}.",
            params={"missing": Terms(e.term() for e in missing)},
            fields={"evidence": "missing"},
            code="evidence_missing",
        )
    if not note.strip():
        raise Invalid("Say what was done in this stage.", fields={"note": "required"})
    item = pdca.get_item(session, principal, row.pdca_item_id)
    while item.done_at is None:  # the remaining stages, each recorded with the note
        at = pdca.ORDER[pdca.ORDER.index(item.stage) + 1]
        pdca.move(
            session, principal, item_id=item.id, to=at, note=note, now=now, evidence_checked=True
        )
    row.closed_at = now
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="standard.rectification_closed",
        object_type="std_rectifications",
        object_id=row.id,
        unit_id=row.unit_id,
        detail={"requirement": row.requirement_id},
        now=now,
    )
    return row


def for_station(
    session: Session, principal: Principal, *, station: str | int
) -> list[RectificationView]:
    """A station's rectifications, newest first, with their PDCA items."""
    principal.require("standard.view")
    unit = unit_in_scope(session, principal, station, kind="community")
    if unit is None:
        raise NotFound("No such station.")
    rows = session.execute(
        select(Rectification, PdcaItem)
        .join(PdcaItem, PdcaItem.id == Rectification.pdca_item_id)
        .where(Rectification.unit_id == unit.id)
        .order_by(Rectification.id.desc())
    ).all()
    return [RectificationView(r, i, _covered(session, r.id)) for r, i in rows]
