"""Pages of the standard: the stations' scores, a station's scorecard and its forms.

A form that breaks a rule re-renders the scorecard with the error (nothing stored); one
that succeeds goes back to the requirement on the scorecard.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import DomainError, Invalid, NotFound
from jingwu.org.models import Unit
from jingwu.standard import assess, present, queries, rectify
from jingwu.standard.models import Assessment, Rectification
from jingwu.web.authz import PUBLIC, Requires
from jingwu.web.deps import BlobsDep, Now, SessionDep
from jingwu.web.i18n import translations
from jingwu.web.nav import NavItem
from jingwu.web.params import IdPath, upload
from jingwu.web.templating import render

STATIC = FilePath(__file__).parent / "static"
_MEDIA = {".css": "text/css"}

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Station standard", "/standard", "standard.view", order=57)]
Viewer = Annotated[Principal, Requires("standard.view")]
Assessor = Annotated[Principal, Requires("standard.assess")]
Verifier = Annotated[Principal, Requires("standard.verify")]
Rectifier = Annotated[Principal, Requires("standard.rectify")]
StationPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9]{1,12}$")]
VersionQuery = Annotated[str | None, Query(pattern=r"^\d{1,2}\.\d{1,2}$")]
VersionForm = Annotated[str, Form(pattern=r"^\d{1,2}\.\d{1,2}$")]
RequirementForm = Annotated[str, Form(max_length=64)]
KindForm = Annotated[str, Form(max_length=32)]
Text = Annotated[str, Form(max_length=2000)]


@router.get("/standard/static/{name}", dependencies=[PUBLIC])
def static_file(name: str) -> FileResponse:
    """The standard pages' style sheet."""
    path = STATIC / name
    if path.parent != STATIC or path.suffix not in _MEDIA or not path.is_file():
        raise NotFound("No such file.")
    return FileResponse(path, media_type=_MEDIA[path.suffix])


@router.get("/standard", response_class=HTMLResponse)
def standard_list(
    request: Request,
    session: SessionDep,
    principal: Viewer,
    now: Now,
    version: VersionQuery = None,
    unit: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9]{0,12}$")] = None,
) -> Response:
    """The stations in scope with their scores for a version of the standard."""
    page = queries.list_page(session, principal, version=version, unit=unit or None, now=now)
    return render(request, "standard/index.html", {"page": page, "present": present})


def _station(
    request: Request,
    session: Session,
    principal: Principal,
    now: dt.datetime,
    station: StationPath,
    version: str | None,
    exc: DomainError | None = None,
) -> HTMLResponse:
    page = queries.station_page(session, principal, station=station, version=version, now=now)
    ctx = {"page": page, "present": present, "today": now.date(), "error": None, "error_fields": {}}
    if exc is None:
        return render(request, "standard/station.html", ctx)
    tr = translations(getattr(request.state, "language", "zh_CN")).ugettext
    ctx.update(error=exc.translated(tr), error_fields=exc.translated_fields(tr))
    return render(request, "standard/station.html", ctx, status_code=exc.status)


@router.get("/standard/stations/{station}", response_class=HTMLResponse)
def station_page(
    request: Request,
    session: SessionDep,
    principal: Viewer,
    now: Now,
    station: StationPath,
    version: VersionQuery = None,
) -> Response:
    """A station's scorecard: every requirement met, not met or not measurable."""
    return _station(request, session, principal, now, station, version)


def _back(unit: Unit | str, version: str, requirement: str) -> RedirectResponse:
    code = unit if isinstance(unit, str) else unit.short_code
    anchor = requirement.replace(".", "-")
    return RedirectResponse(
        f"/standard/stations/{code}?version={version}#req-{anchor}", status_code=303
    )


def _on_row(
    request: Request,
    session: Session,
    principal: Principal,
    now: dt.datetime,
    row: Assessment | Rectification,
    version: str,
    action: Callable[[], object],
) -> Response:
    """A form's action on a self-assessment or a rectification: back to its requirement on
    the scorecard, or the scorecard again with the error (nothing stored)."""
    unit_id, requirement = row.unit_id, row.requirement_id
    try:
        action()
    except DomainError as exc:
        session.rollback()
        unit = session.get(Unit, unit_id)
        assert unit is not None
        return _station(request, session, principal, now, unit.short_code, version, exc)
    return _back(session.get(Unit, unit_id) or "", version, requirement)


@dataclass
class EvidenceForm:
    """A multipart form adding an evidence file (CSRF in the query)."""

    evidence_kind: KindForm
    file: Annotated[UploadFile, File()]
    version: VersionForm = "1.0"


Evidence = Annotated[EvidenceForm, Depends()]


@router.post("/standard/stations/{station}/assess", response_class=HTMLResponse)
def self_assess(
    request: Request,
    session: SessionDep,
    principal: Assessor,
    blobs: BlobsDep,
    now: Now,
    station: StationPath,
    requirement: RequirementForm,
    version: VersionForm,
    claims_met: Annotated[str, Form(pattern=r"^(yes|no)$")],
    note: Text,
    evidence_kind: KindForm = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Self-assess a requirement, with an evidence file (multipart; CSRF in the query)."""
    try:
        row = assess.assess(
            session,
            principal,
            station=station,
            requirement_id=requirement,
            version=version,
            claims_met=claims_met == "yes",
            note=note,
            now=now,
        )
        if file is not None and file.filename:
            assess.attach(
                session,
                principal,
                blobs,
                assessment_id=row.id,
                evidence_kind=evidence_kind,
                now=now,
                **upload(file),
            )
    except DomainError as exc:
        session.rollback()
        return _station(request, session, principal, now, station, version, exc)
    return _back(station, version, requirement)


@router.post("/standard/assessments/{assessment_id}/files", response_class=HTMLResponse)
def attach_assessment_file(
    request: Request,
    session: SessionDep,
    principal: Assessor,
    blobs: BlobsDep,
    now: Now,
    assessment_id: IdPath,
    form: Evidence,
) -> Response:
    """Add an evidence file to a self-assessment (multipart; CSRF in the query)."""
    row = assess.get_assessment(session, principal, assessment_id)
    kind = form.evidence_kind

    def attach() -> object:
        return assess.attach(
            session, principal, blobs, assessment_id=row.id, evidence_kind=kind, now=now,
            **upload(form.file),
        )  # fmt: skip

    return _on_row(request, session, principal, now, row, form.version, attach)


@router.get("/standard/assessments/{assessment_id}/files/{file_id}")
def download(
    session: SessionDep, principal: Viewer, blobs: BlobsDep, assessment_id: IdPath, file_id: IdPath
) -> Response:
    """An evidence file of a self-assessment (scoped like the station)."""
    row, chunks = assess.read_file(
        session, principal, blobs, assessment_id=assessment_id, file_id=file_id
    )
    name = row.filename.encode("ascii", "replace").decode().replace('"', "")
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(chunks, media_type=row.media_type, headers=headers)


@router.post("/standard/assessments/{assessment_id}/verify", response_class=HTMLResponse)
def verify(
    request: Request,
    session: SessionDep,
    principal: Verifier,
    now: Now,
    assessment_id: IdPath,
    decision: Annotated[str, Form(pattern=r"^(accept|reject)$")],
    reason: Text = "",
    version: VersionForm = "1.0",
) -> Response:
    """Accept a self-assessment, or reject it with a reason."""
    row = assess.get_assessment(session, principal, assessment_id)

    def verify() -> object:
        return assess.verify(
            session, principal, assessment_id=row.id, accept=decision == "accept",
            reason=reason, now=now,
        )  # fmt: skip

    return _on_row(request, session, principal, now, row, version, verify)


def _due(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise Invalid("A date looks like 2026-12-31.", fields={"due": "YYYY-MM-DD"}) from exc
    if day.year > 2100:
        raise Invalid("A date looks like 2026-12-31.", fields={"due": "YYYY-MM-DD"})
    return day


@router.post("/standard/stations/{station}/rectifications", response_class=HTMLResponse)
def open_rectification(
    request: Request,
    session: SessionDep,
    principal: Rectifier,
    now: Now,
    station: StationPath,
    requirement: RequirementForm,
    version: VersionForm,
    due: Annotated[str, Form(max_length=10)],
    owner: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Open a rectification of a failed requirement with a deadline (and owner)."""
    try:
        rectify.open_for(
            session,
            principal,
            station=station,
            requirement_id=requirement,
            version=version,
            due=_due(due),
            owner=owner or None,
            now=now,
        )
    except DomainError as exc:
        session.rollback()
        return _station(request, session, principal, now, station, version, exc)
    return _back(station, version, requirement)


@router.post("/standard/rectifications/{rectification_id}/files", response_class=HTMLResponse)
def attach_rectification_file(
    request: Request,
    session: SessionDep,
    principal: Rectifier,
    blobs: BlobsDep,
    now: Now,
    rectification_id: IdPath,
    form: Evidence,
) -> Response:
    """Attach a rectification's evidence file (multipart; CSRF in the query)."""
    row = rectify.get(session, principal, rectification_id)
    kind = form.evidence_kind

    def attach() -> object:
        return rectify.attach(
            session, principal, blobs, rectification_id=row.id, evidence_kind=kind, now=now,
            **upload(form.file),
        )  # fmt: skip

    return _on_row(request, session, principal, now, row, form.version, attach)


@router.post("/standard/rectifications/{rectification_id}/close", response_class=HTMLResponse)
def close_rectification(
    request: Request,
    session: SessionDep,
    principal: Rectifier,
    now: Now,
    rectification_id: IdPath,
    note: Text,
    version: VersionForm = "1.0",
) -> Response:
    """Close a rectification (only with the evidence its requirement names)."""
    row = rectify.get(session, principal, rectification_id)

    def close() -> object:
        return rectify.close(session, principal, rectification_id=row.id, note=note, now=now)

    return _on_row(request, session, principal, now, row, version, close)
