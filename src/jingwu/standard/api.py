"""JSON API of the standard under ``/api/v1/standard``.

Reading needs ``standard.view``; the chief's self-assessment ``standard.assess``; the
inspector's verification ``standard.verify``; rectifications ``standard.rectify``; loading a
version ``standard.manage``. A station outside the caller's scope is 404; a rule broken (an
inconsistent version, missing evidence) is 422 naming the field; a state that does not allow
it (verified already, a rectification open already, a met requirement) is 409.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, UploadFile

from jingwu.accounts.scope import Principal
from jingwu.standard import assess, queries, rectify, service
from jingwu.standard.requirements import MAX_FILE_BYTES
from jingwu.standard.schemas import (
    STATION,
    VERSION,
    AssessIn,
    AssessmentOut,
    CloseIn,
    ErrorOut,
    FileOut,
    ModuleMixOut,
    RectificationOut,
    RectifyIn,
    ScorecardOut,
    VerifyIn,
    VersionOut,
)
from jingwu.web.authz import Requires
from jingwu.web.deps import BlobsDep, Now, SessionDep, one_transaction
from jingwu.web.openapi import API_ERRORS
from jingwu.web.params import IdPath, upload

router = APIRouter(prefix="/api/v1/standard", tags=["standard"], responses=API_ERRORS)
Viewer = Annotated[Principal, Requires("standard.view")]
Assessor = Annotated[Principal, Requires("standard.assess")]
Verifier = Annotated[Principal, Requires("standard.verify")]
Rectifier = Annotated[Principal, Requires("standard.rectify")]
Manager = Annotated[Principal, Requires("standard.manage")]
StationPath = Annotated[str, Path(pattern=STATION, description="the station's short code")]
VersionQuery = Annotated[str | None, Query(pattern=VERSION, description="the version (1.0)")]
Kind = Annotated[str, Form(pattern=r"^[a-z][a-z0-9_]{0,31}$", description="the evidence kind")]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        401: "not signed in",
        403: "the caller's role may not do this (the message names the role)",
        404: "no such station or record in the caller's scope",
        409: "the record's state does not allow it",
        413: "the request body is too large",
        422: "an input is missing or breaks a rule (fields names it)",
    }
    return {c: {"model": ErrorOut, "description": text[c]} for c in codes}


@router.get("/versions", response_model=list[VersionOut], responses=_errors(401, 403))
@one_transaction
def list_versions(session: SessionDep, principal: Viewer) -> list[VersionOut]:
    """Every version of the standard with its requirements and thresholds."""
    return [VersionOut.of(v) for v in service.versions(session)]


@router.post(
    "/versions",
    response_model=VersionOut,
    status_code=201,
    responses=_errors(401, 403, 409, 413, 422),
)
@one_transaction
def load_version(
    session: SessionDep,
    principal: Manager,
    now: Now,
    file: Annotated[UploadFile, File(description="the version as JSON (docs/standard.md)")],
) -> VersionOut:
    """Load a new version; an inconsistent one is refused whole (nothing is stored)."""
    content = file.file.read(MAX_FILE_BYTES + 1)
    return VersionOut.of(service.load(session, principal, content=content, now=now))


@router.get("/scorecards", response_model=list[ScorecardOut], responses=_errors(401, 403, 404, 422))
@one_transaction
def list_scorecards(
    session: SessionDep,
    principal: Viewer,
    now: Now,
    version: VersionQuery = None,
    unit: Annotated[str | None, Query(pattern=STATION, description="a street or district")] = None,
) -> list[ScorecardOut]:
    """The scorecard of every station in scope (below ``unit``) for a version."""
    cards = service.scorecards(session, principal, version=version, unit=unit, now=now)
    return [ScorecardOut.of(c) for c in cards]


@router.get(
    "/scorecards/{station}", response_model=ScorecardOut, responses=_errors(401, 403, 404, 422)
)
@one_transaction
def get_scorecard(
    session: SessionDep,
    principal: Viewer,
    now: Now,
    station: StationPath,
    version: VersionQuery = None,
) -> ScorecardOut:
    """One station's scorecard for a version."""
    return ScorecardOut.of(
        service.scorecard_of(session, principal, station=station, version=version, now=now)
    )


@router.get(
    "/stations/{station}/modules",
    response_model=ModuleMixOut,
    responses=_errors(401, 403, 404, 422),
)
@one_transaction
def get_module_mix(
    session: SessionDep,
    principal: Viewer,
    now: Now,
    station: StationPath,
    version: VersionQuery = None,
) -> ModuleMixOut:
    """A station's work orders by functional module against the standard's 40/30/30."""
    mix = queries.module_mix(session, principal, station=station, version=version, now=now)
    return ModuleMixOut.of(mix)


@router.post(
    "/stations/{station}/assessments",
    response_model=AssessmentOut,
    status_code=201,
    responses=_errors(401, 403, 404, 422),
)
@one_transaction
def self_assess(
    session: SessionDep, principal: Assessor, now: Now, station: StationPath, body: AssessIn
) -> AssessmentOut:
    """The chief's self-assessment of a self-assessed requirement (back to the inspector)."""
    row = assess.assess(
        session,
        principal,
        station=station,
        requirement_id=body.requirement,
        version=body.version,
        claims_met=body.claims_met,
        note=body.note,
        now=now,
    )
    return AssessmentOut.of(row)


@router.post(
    "/assessments/{assessment_id}/files",
    response_model=FileOut,
    status_code=201,
    responses=_errors(401, 403, 404, 413, 422),
)
@one_transaction
def attach_assessment_file(
    session: SessionDep,
    principal: Assessor,
    blobs: BlobsDep,
    now: Now,
    assessment_id: IdPath,
    evidence_kind: Kind,
    file: Annotated[UploadFile, File(description="the evidence file")],
) -> FileOut:
    """Attach an evidence file of a kind the requirement names."""
    return FileOut.of(
        assess.attach(
            session,
            principal,
            blobs,
            assessment_id=assessment_id,
            evidence_kind=evidence_kind,
            now=now,
            **upload(file),
        )
    )


@router.post(
    "/assessments/{assessment_id}/verification",
    response_model=AssessmentOut,
    responses=_errors(401, 403, 404, 409, 422),
)
@one_transaction
def verify(
    session: SessionDep, principal: Verifier, now: Now, assessment_id: IdPath, body: VerifyIn
) -> AssessmentOut:
    """The inspector accepts (with every named evidence) or rejects (with a reason)."""
    row = assess.verify(
        session,
        principal,
        assessment_id=assessment_id,
        accept=body.accept,
        reason=body.reason,
        now=now,
    )
    return AssessmentOut.of(row)


@router.post(
    "/stations/{station}/rectifications",
    response_model=RectificationOut,
    status_code=201,
    responses=_errors(401, 403, 404, 409, 422),
)
@one_transaction
def open_rectification(
    session: SessionDep, principal: Rectifier, now: Now, station: StationPath, body: RectifyIn
) -> RectificationOut:
    """Open a rectification (a PDCA item) of a requirement the station fails."""
    row = rectify.open_for(
        session,
        principal,
        station=station,
        requirement_id=body.requirement,
        version=body.version,
        due=body.due,
        owner=body.owner,
        now=now,
    )
    return RectificationOut.of(row)


@router.post(
    "/rectifications/{rectification_id}/files",
    response_model=FileOut,
    status_code=201,
    responses=_errors(401, 403, 404, 409, 413, 422),
)
@one_transaction
def attach_rectification_file(
    session: SessionDep,
    principal: Rectifier,
    blobs: BlobsDep,
    now: Now,
    rectification_id: IdPath,
    evidence_kind: Kind,
    file: Annotated[UploadFile, File(description="the evidence file")],
) -> FileOut:
    """Attach a file to the rectification as one kind of the evidence its requirement names."""
    return FileOut.of(
        rectify.attach(
            session,
            principal,
            blobs,
            rectification_id=rectification_id,
            evidence_kind=evidence_kind,
            now=now,
            **upload(file),
        )
    )


@router.post(
    "/rectifications/{rectification_id}/closure",
    response_model=RectificationOut,
    responses=_errors(401, 403, 404, 409, 422),
)
@one_transaction
def close_rectification(
    session: SessionDep, principal: Rectifier, now: Now, rectification_id: IdPath, body: CloseIn
) -> RectificationOut:
    """Close a rectification: only with every kind of evidence its requirement names."""
    row = rectify.close(
        session, principal, rectification_id=rectification_id, note=body.note, now=now
    )
    return RectificationOut.of(row)
