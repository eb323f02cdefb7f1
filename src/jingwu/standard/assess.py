"""Self-assessment by the station chief, with evidence files, and the inspector's verification.

Only self-assessed requirements are assessed (the others are measured from the records). A
chief assesses the stations in their scope (their own); assessing again sends the
assessment back to the inspector. The inspector accepts (only with a file for every kind of
evidence the requirement names) or rejects with a reason. Every step is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped, unit_in_scope
from jingwu.audit import service as audit
from jingwu.blobs import service as blobs_service
from jingwu.blobs.store import BlobStore, Readable
from jingwu.errors import Conflict, Invalid, NotFound, Terms
from jingwu.org.models import Unit
from jingwu.standard.models import Assessment, AssessmentFile
from jingwu.standard.requirements import Requirement
from jingwu.standard.service import get_version
from jingwu.workorders.service_files import MAX_ATTACHMENT_BYTES

MAX_EVIDENCE_BYTES = MAX_ATTACHMENT_BYTES
STATUS_LABELS = {
    "submitted": "Awaiting verification",
    "accepted": "Passed verification",
    "rejected": "Sent back",
}


@dataclass(frozen=True)
class AssessmentView:
    """An assessment with its files, for the pages."""

    assessment: Assessment
    files: list[AssessmentFile]


def _station(session: Session, principal: Principal, station: str | int) -> Unit:
    unit = unit_in_scope(session, principal, station, kind="community")
    if unit is None:
        raise NotFound("No such station.")
    return unit


def _self_assessed(session: Session, version: str | None, requirement_id: str) -> Requirement:
    requirement = get_version(session, version).requirement(requirement_id)
    if not requirement.self_assessed:
        raise Invalid(
            "Requirement {id} is measured from the platform's records, not self-assessed.",
            params={"id": requirement_id},
            fields={"requirement": "measured"},
        )
    return requirement


def assess(
    session: Session,
    principal: Principal,
    *,
    station: str | int,
    requirement_id: str,
    version: str | None,
    claims_met: bool,
    note: str,
    now: dt.datetime,
) -> Assessment:
    """Record (or renew) the chief's self-assessment of a requirement."""
    principal.require("standard.assess")
    unit = _station(session, principal, station)
    requirement = _self_assessed(session, version, requirement_id)
    if not note.strip():
        raise Invalid("Say what the station has (or lacks).", fields={"note": "required"})
    row = session.scalar(
        select(Assessment).where(
            Assessment.unit_id == unit.id, Assessment.requirement_id == requirement.id
        )
    )
    if row is None:
        row = Assessment(unit_id=unit.id, requirement_id=requirement.id)
        session.add(row)
    row.version, row.claims_met, row.note = requirement.version, claims_met, note.strip()[:2000]
    row.status, row.assessed_by_id, row.assessed_at = "submitted", principal.user_id, now
    row.verified_by_id, row.verified_at, row.verify_reason = None, None, ""
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="standard.assessed",
        object_type="std_assessments",
        object_id=row.id,
        unit_id=unit.id,
        detail={"requirement": requirement.id, "claims_met": claims_met},
        now=now,
    )
    return row


def get_assessment(session: Session, principal: Principal, assessment_id: int) -> Assessment:
    """An assessment of a station in scope, or NotFound."""
    principal.require("standard.view")
    row = session.scalar(
        scoped(select(Assessment), principal, Assessment.unit_id).where(
            Assessment.id == assessment_id
        )
    )
    if row is None:
        raise NotFound("No such self-assessment.")
    return row


def attach(
    session: Session,
    principal: Principal,
    blobs: BlobStore,
    *,
    assessment_id: int,
    evidence_kind: str,
    stream: Readable,
    filename: str,
    media_type: str,
    now: dt.datetime,
) -> AssessmentFile:
    """Store an evidence file of a kind the requirement names with the assessment."""
    principal.require("standard.assess")
    row = get_assessment(session, principal, assessment_id)
    requirement = _self_assessed(session, row.version, row.requirement_id)
    if not evidence_kind and len(requirement.evidence) == 1:
        evidence_kind = requirement.evidence[0].id
    requirement.evidence_kind(evidence_kind)
    blob = blobs_service.store_upload(
        session,
        blobs,
        stream=stream,
        filename=filename,
        media_type=media_type,
        now=now,
        max_bytes=MAX_EVIDENCE_BYTES,
    )
    file = AssessmentFile(
        assessment_id=row.id,
        unit_id=row.unit_id,
        evidence_kind=evidence_kind,
        blob_sha256=blob.sha256,
        filename=filename.strip()[:255],
        media_type=blob.media_type,
        size=blob.size,
        added_by_id=principal.user_id,
        added_at=now,
    )
    session.add(file)
    session.flush()
    return file


def files(session: Session, assessment_id: int) -> list[AssessmentFile]:
    """The files of an assessment (already in scope), oldest first."""
    return list(
        session.scalars(
            select(AssessmentFile)
            .where(AssessmentFile.assessment_id == assessment_id)
            .order_by(AssessmentFile.id)
        )
    )


def verify(
    session: Session,
    principal: Principal,
    *,
    assessment_id: int,
    accept: bool,
    reason: str,
    now: dt.datetime,
) -> Assessment:
    """The inspector accepts (with all the named evidence) or rejects (with a reason)."""
    principal.require("standard.verify")
    row = get_assessment(session, principal, assessment_id)
    if row.status != "submitted":
        raise Conflict("This self-assessment has been verified already.", code="wrong_state")
    if not accept and not reason.strip():
        raise Invalid("Say why the self-assessment is rejected.", fields={"reason": "required"})
    if accept:
        requirement = _self_assessed(session, row.version, row.requirement_id)
        have = {f.evidence_kind for f in files(session, row.id)}
        missing = [e for e in requirement.evidence if e.id not in have]
        if missing:
            raise Invalid(
                "It cannot be accepted without the evidence the requirement names: {missing}.",
                params={"missing": Terms(e.term() for e in missing)},
                fields={"evidence": "missing"},
            )
    row.status = "accepted" if accept else "rejected"
    row.verified_by_id, row.verified_at, row.verify_reason = (
        principal.user_id,
        now,
        reason.strip()[:2000],
    )
    session.flush()
    audit.record(
        session,
        principal=principal,
        action="standard.verified",
        object_type="std_assessments",
        object_id=row.id,
        unit_id=row.unit_id,
        detail={"requirement": row.requirement_id, "outcome": row.status},
        now=now,
    )
    return row


def for_station(session: Session, unit: Unit) -> dict[str, AssessmentView]:
    """The assessments of a station (already in scope) with their files, by requirement."""
    rows = list(session.scalars(select(Assessment).where(Assessment.unit_id == unit.id)))
    out = {a.requirement_id: AssessmentView(a, []) for a in rows}
    by_id = {a.id: a.requirement_id for a in rows}
    if by_id:
        for f in session.scalars(
            select(AssessmentFile)
            .where(AssessmentFile.assessment_id.in_(list(by_id)))
            .order_by(AssessmentFile.id)
        ):
            out[by_id[f.assessment_id]].files.append(f)
    return out


def read_file(
    session: Session, principal: Principal, blobs: BlobStore, *, assessment_id: int, file_id: int
) -> tuple[AssessmentFile, Iterator[bytes]]:
    """An evidence file of an assessment in scope and its content."""
    row = get_assessment(session, principal, assessment_id)
    file = session.get(AssessmentFile, file_id)
    if file is None or file.assessment_id != row.id:
        raise NotFound("No such file.")
    _, chunks = blobs_service.read(session, blobs, sha256=file.blob_sha256)
    return file, chunks
