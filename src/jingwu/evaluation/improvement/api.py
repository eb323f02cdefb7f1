"""JSON API of the improvement lists and the case library under ``/api/v1/evaluation``.

Reading needs ``evaluation.view``; opening lists, moving stages, attaching evidence and
promoting cases need ``evaluation.pdca``. A record outside the caller's scope is 404; a rule
broken is 422 naming the field; a state that does not allow it (a list open already, an
item done, a stage skipped, an order not closed) is 409.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, UploadFile

from jingwu.accounts.scope import Principal
from jingwu.errors import Invalid
from jingwu.evaluation.improvement import cases, queries, service
from jingwu.evaluation.improvement.schemas import (
    QUARTER,
    UNIT,
    AssignmentIn,
    BoardOut,
    CaseIn,
    CaseOut,
    CasesOut,
    EvidenceOut,
    ItemDetailOut,
    ItemOut,
    ListIn,
    MonthOut,
    MoveIn,
    RectificationIn,
)
from jingwu.evaluation.pdca import COMPLETION_TARGET
from jingwu.web.authz import Requires
from jingwu.web.deps import BlobsDep, Now, SessionDep, one_transaction
from jingwu.web.openapi import API_ERRORS
from jingwu.web.params import IdPath
from jingwu.workorders.schemas import ErrorOut

router = APIRouter(
    prefix="/api/v1/evaluation", tags=["evaluation: improvement lists"], responses=API_ERRORS
)
Viewer = Annotated[Principal, Requires("evaluation.view")]
Keeper = Annotated[Principal, Requires("evaluation.pdca")]
CaseCode = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,24}$", description="the case's code")]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        401: "not signed in",
        403: "the caller's role may not do this (the message names the role)",
        404: "no such record in the caller's scope",
        409: "the state does not allow this (open already, done, a stage skipped, not closed)",
        413: "the request body is too large",
        422: "an input is missing or breaks a rule (fields names it)",
    }
    return {c: {"model": ErrorOut, "description": text[c]} for c in codes}


@router.get("/pdca", response_model=BoardOut, responses=_errors(401, 403, 422))
@one_transaction
def board(
    session: SessionDep,
    principal: Viewer,
    now: Now,
    unit: Annotated[str | None, Query(pattern=UNIT, description="default: the caller's")] = None,
    quarter: Annotated[str | None, Query(pattern=QUARTER, description="default: now")] = None,
) -> BoardOut:
    """A unit's list for a quarter: items, colours and the completion rate against 95 %."""
    code = unit or ""
    if not code:
        own = [u for u in queries.board_units(session, principal) if u.id == principal.unit_id]
        if not own:
            raise Invalid("Name a unit.", fields={"unit": "required"})
        code = own[0].short_code
    where = service.unit_named(session, principal, code)
    period = quarter or service.current_quarter(now)
    result = queries.board(session, principal, unit=where, quarter=period, now=now)
    return BoardOut.of(result, COMPLETION_TARGET)


@router.post(
    "/pdca", response_model=BoardOut, status_code=201, responses=_errors(401, 403, 409, 422)
)
@one_transaction
def open_list(session: SessionDep, principal: Keeper, now: Now, body: ListIn) -> BoardOut:
    """Open a unit's list for a quarter with the catalogue's 12 items."""
    service.open_list(session, principal, unit=body.unit, quarter=body.quarter, now=now)
    where = service.unit_named(session, principal, body.unit)
    result = queries.board(session, principal, unit=where, quarter=body.quarter, now=now)
    return BoardOut.of(result, COMPLETION_TARGET)


@router.post(
    "/pdca/rectifications",
    response_model=ItemOut,
    status_code=201,
    responses=_errors(401, 403, 409, 422),
)
@one_transaction
def add_rectification(
    session: SessionDep, principal: Keeper, now: Now, body: RectificationIn
) -> ItemOut:
    """Add a rectification (with its source reference) to the unit's list of this quarter."""
    item = service.open_rectification(
        session,
        principal,
        unit=body.unit,
        title=body.title,
        due=body.due,
        owner=body.owner,
        source_ref=body.source_ref,
        now=now,
    )
    return ItemOut.of(queries.item_detail(session, principal, item_id=item.id, now=now).view)


@router.get("/pdca/items/{item_id}", response_model=ItemDetailOut, responses=_errors(401, 403, 404))
@one_transaction
def get_item(session: SessionDep, principal: Viewer, now: Now, item_id: IdPath) -> ItemDetailOut:
    """An item with its stage moves and evidence."""
    return ItemDetailOut.of(queries.item_detail(session, principal, item_id=item_id, now=now))


@router.post(
    "/pdca/items/{item_id}/moves",
    response_model=ItemDetailOut,
    status_code=201,
    responses=_errors(401, 403, 404, 409, 422),
)
@one_transaction
def move(
    session: SessionDep, principal: Keeper, now: Now, item_id: IdPath, body: MoveIn
) -> ItemDetailOut:
    """Move an item to its next stage (``done`` after act), recording the note."""
    service.move(session, principal, item_id=item_id, to=body.to, note=body.note, now=now)
    return ItemDetailOut.of(queries.item_detail(session, principal, item_id=item_id, now=now))


@router.post(
    "/pdca/items/{item_id}/assignment",
    response_model=ItemDetailOut,
    responses=_errors(401, 403, 404, 409, 422),
)
@one_transaction
def assign(
    session: SessionDep, principal: Keeper, now: Now, item_id: IdPath, body: AssignmentIn
) -> ItemDetailOut:
    """Give an open item another owner (a user of its unit) or due date."""
    service.assign(session, principal, item_id=item_id, owner=body.owner, due=body.due, now=now)
    return ItemDetailOut.of(queries.item_detail(session, principal, item_id=item_id, now=now))


@router.post(
    "/pdca/items/{item_id}/evidence",
    response_model=EvidenceOut,
    status_code=201,
    responses=_errors(401, 403, 404, 413, 422),
)
@one_transaction
def attach(
    session: SessionDep,
    principal: Keeper,
    blobs: BlobsDep,
    now: Now,
    item_id: IdPath,
    file: Annotated[UploadFile, File(description="the evidence file")],
    note: Annotated[str, Form(max_length=500)] = "",
) -> EvidenceOut:
    """Attach an evidence file to an item (stored in the blob store)."""
    row = service.attach(
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
    return EvidenceOut.of(row)


@router.get("/cases", response_model=CasesOut, responses=_errors(401, 403, 422))
@one_transaction
def search_cases(
    session: SessionDep,
    principal: Viewer,
    q: Annotated[str, Query(max_length=100, description="words in the title or text")] = "",
    tag: Annotated[str, Query(max_length=20)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> CasesOut:
    """Cases in scope matching the words and the tag, newest first."""
    rows, total = cases.search(session, principal, q=q, tag=tag, limit=limit, offset=offset)
    return CasesOut(total=total, cases=[CaseOut.of(c) for c in rows])


@router.post(
    "/cases", response_model=CaseOut, status_code=201, responses=_errors(401, 403, 404, 409, 422)
)
@one_transaction
def promote(session: SessionDep, principal: Keeper, now: Now, body: CaseIn) -> CaseOut:
    """Promote a closed order (or its finished mediation) to a de-identified case."""
    row = cases.promote(
        session, principal, source=body.source, code=body.code, tags=",".join(body.tags), now=now
    )
    return CaseOut.of(row)


@router.get("/case-counts", response_model=list[MonthOut], responses=_errors(401, 403, 422))
@one_transaction
def case_counts(
    session: SessionDep,
    principal: Viewer,
    now: Now,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
) -> list[MonthOut]:
    """New cases in scope in each month of the year, against 50 a month."""
    rows = cases.monthly(session, principal, year=year or now.year)
    return [MonthOut.of(m, cases.MONTHLY_TARGET) for m in rows]


@router.get("/cases/{code}", response_model=CaseOut, responses=_errors(401, 403, 404))
@one_transaction
def get_case(session: SessionDep, principal: Viewer, code: CaseCode) -> CaseOut:
    """A de-identified case."""
    return CaseOut.of(cases.get_case(session, principal, code))
