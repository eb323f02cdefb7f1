"""Pages of the improvement lists: a unit's quarter board, an item, and their forms."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, unit_in_scope
from jingwu.errors import DomainError, Invalid
from jingwu.evaluation.improvement import queries, routes_cases, service
from jingwu.evaluation.improvement.routes_cases import Keeper, Viewer, failed
from jingwu.evaluation.pdca import COMPLETION_TARGET
from jingwu.web.deps import BlobsDep, Now, SessionDep
from jingwu.web.params import IdPath
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
UnitQuery = Annotated[str | None, Query(pattern=r"^[A-Za-z0-9]{1,12}$")]
QuarterQuery = Annotated[str | None, Query(pattern=r"^\d{4}-Q[1-4]$")]
UnitForm = Annotated[str, Form(max_length=12)]
Note = Annotated[str, Form(max_length=2000)]


def _date(text: str, field: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise Invalid("A date looks like 2026-12-31.", fields={field: "YYYY-MM-DD"}) from exc


def _board_context(
    session: Session, principal: Principal, now: dt.datetime, unit: str | None, quarter: str | None
) -> dict[str, Any]:
    units = queries.board_units(session, principal)
    chosen = unit_in_scope(session, principal, unit) if unit else None
    if chosen is None:
        own = [u for u in units if u.id == principal.unit_id]
        chosen = own[0] if own else (units[0] if units else None)
    period = quarter or service.current_quarter(now)
    board = (
        queries.board(session, principal, unit=chosen, quarter=period, now=now) if chosen else None
    )
    members = queries.unit_members(session, chosen) if chosen else []
    return {
        "units": units,
        "unit": chosen,
        "quarter": period,
        "board": board,
        "members": members,
        "target": COMPLETION_TARGET,
        "stages": service.ORDER,
        "tab": "pdca",
        "form": {},
    }


@router.get("/evaluation/pdca", response_class=HTMLResponse)
def board_page(
    request: Request,
    session: SessionDep,
    principal: Viewer,
    now: Now,
    unit: UnitQuery = None,
    quarter: QuarterQuery = None,
) -> Response:
    """A unit's improvement list for a quarter: colours, owners, stages, completion rate."""
    context = _board_context(session, principal, now, unit, quarter)
    return render(request, "evaluation/pdca_board.html", context)


def _back(unit: str, quarter: str) -> RedirectResponse:
    return RedirectResponse(f"/evaluation/pdca?unit={unit}&quarter={quarter}", status_code=303)


@router.post("/evaluation/pdca", response_class=HTMLResponse)
def open_list(
    request: Request,
    session: SessionDep,
    principal: Keeper,
    now: Now,
    unit: UnitForm,
    quarter: Annotated[str, Form(max_length=7)],
) -> Response:
    """Open the unit's list for the quarter with the catalogue's items."""
    try:
        row = service.open_list(session, principal, unit=unit, quarter=quarter, now=now)
    except DomainError as exc:
        session.rollback()
        context = _board_context(session, principal, now, unit, None)
        return failed(request, "evaluation/pdca_board.html", context, exc)
    return _back(unit.strip().upper(), row.quarter)


@router.post("/evaluation/pdca/rectifications", response_class=HTMLResponse)
def add_rectification(
    request: Request,
    session: SessionDep,
    principal: Keeper,
    now: Now,
    unit: UnitForm,
    title: Annotated[str, Form(max_length=200)],
    due: Annotated[str, Form(max_length=10)],
    owner: Annotated[str, Form(max_length=64)] = "",
    source_ref: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Add a rectification to the unit's list of this quarter."""
    try:
        day = _date(due, "due")
        if day is None:
            raise Invalid("A date looks like 2026-12-31.", fields={"due": "YYYY-MM-DD"})
        item = service.open_rectification(
            session,
            principal,
            unit=unit,
            title=title,
            due=day,
            owner=owner or None,
            source_ref=source_ref or None,
            now=now,
        )
    except DomainError as exc:
        session.rollback()
        context = _board_context(session, principal, now, unit, None)
        context["form"] = {"title": title, "due": due, "owner": owner, "source_ref": source_ref}
        return failed(request, "evaluation/pdca_board.html", context, exc)
    return RedirectResponse(f"/evaluation/pdca/items/{item.id}", status_code=303)


def _item_context(
    session: Session, principal: Principal, now: dt.datetime, item_id: int
) -> dict[str, Any]:
    detail = queries.item_detail(session, principal, item_id=item_id, now=now)
    return {
        "d": detail,
        "members": queries.unit_members(session, detail.unit),
        "tab": "pdca",
        "next_stage": service.ORDER[service.ORDER.index(detail.view.item.stage) + 1],
    }


@router.get("/evaluation/pdca/items/{item_id}", response_class=HTMLResponse)
def item_page(
    request: Request, session: SessionDep, principal: Viewer, now: Now, item_id: IdPath
) -> Response:
    """An item: its target, owner, due date, colour, stage moves and evidence."""
    return render(
        request, "evaluation/pdca_item.html", _item_context(session, principal, now, item_id)
    )


def _item_failed(
    request: Request,
    session: Session,
    principal: Principal,
    now: dt.datetime,
    item_id: int,
    exc: DomainError,
) -> HTMLResponse:
    session.rollback()
    context = _item_context(session, principal, now, item_id)
    return failed(request, "evaluation/pdca_item.html", context, exc)


@router.post("/evaluation/pdca/items/{item_id}/move", response_class=HTMLResponse)
def move(
    request: Request,
    session: SessionDep,
    principal: Keeper,
    now: Now,
    item_id: IdPath,
    to: Annotated[str, Form(max_length=8)],
    note: Note = "",
    back: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Move the item to its next stage (or finish it), with a note."""
    try:
        service.move(session, principal, item_id=item_id, to=to, note=note, now=now)
    except DomainError as exc:
        return _item_failed(request, session, principal, now, item_id, exc)
    if back == "board":
        item = service.get_item(session, principal, item_id)
        detail = queries.item_detail(session, principal, item_id=item.id, now=now)
        return _back(detail.unit.short_code, detail.quarter)
    return RedirectResponse(f"/evaluation/pdca/items/{item_id}", status_code=303)


@router.post("/evaluation/pdca/items/{item_id}/assign", response_class=HTMLResponse)
def assign(
    request: Request,
    session: SessionDep,
    principal: Keeper,
    now: Now,
    item_id: IdPath,
    owner: Annotated[str, Form(max_length=64)] = "",
    due: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Give the item another owner or due date."""
    try:
        day = _date(due, "due")
        service.assign(session, principal, item_id=item_id, owner=owner or None, due=day, now=now)
    except DomainError as exc:
        return _item_failed(request, session, principal, now, item_id, exc)
    return RedirectResponse(f"/evaluation/pdca/items/{item_id}", status_code=303)


@router.post("/evaluation/pdca/items/{item_id}/evidence", response_class=HTMLResponse)
def upload(
    request: Request,
    session: SessionDep,
    principal: Keeper,
    blobs: BlobsDep,
    now: Now,
    item_id: IdPath,
    file: Annotated[UploadFile, File()],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Attach an evidence file (multipart; the CSRF token travels in the query string)."""
    try:
        service.attach(
            session,
            principal,
            blobs,
            item_id=item_id,
            stream=file.file,
            filename=file.filename or "",
            media_type=file.content_type or "",
            note=note,
            now=now,
        )
    except DomainError as exc:
        return _item_failed(request, session, principal, now, item_id, exc)
    return RedirectResponse(f"/evaluation/pdca/items/{item_id}#evidence", status_code=303)


@router.get("/evaluation/pdca/items/{item_id}/evidence/{evidence_id}")
def download(
    session: SessionDep,
    principal: Viewer,
    blobs: BlobsDep,
    item_id: IdPath,
    evidence_id: IdPath,
) -> Response:
    """An evidence file's content (scoped like its item)."""
    row, chunks = service.read_evidence(
        session, principal, blobs, item_id=item_id, evidence_id=evidence_id
    )
    name = row.filename.encode("ascii", "replace").decode().replace('"', "")
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return StreamingResponse(chunks, media_type=row.media_type, headers=headers)


router.include_router(routes_cases.router)
