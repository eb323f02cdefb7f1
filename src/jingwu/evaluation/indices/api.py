"""JSON API of the indices under ``/api/v1/evaluation``: rankings, measures, values with
their provenance, entering and importing values, recomputing, catalogue versions.

Reading needs ``evaluation.view``; entering and importing ``evaluation.enter``; recomputing
``evaluation.manage``; catalogue edits ``evaluation.catalogue``. Rows are those of the
caller's units; a value outside the scope is 404; a broken rule is 422 naming the field
(files: the lines), and nothing is stored.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Query, UploadFile
from fastapi.responses import PlainTextResponse

from jingwu.accounts.scope import Principal
from jingwu.evaluation.checks.schemas import ErrorOut
from jingwu.evaluation.indices import catalogues, queries, service, valuecsv, values
from jingwu.evaluation.indices.schemas import (
    MEASURE,
    MONTH_OR_QUARTER,
    PERIOD,
    UNIT,
    CatalogueIn,
    ChooseIn,
    ImportedOut,
    IndexOut,
    MeasureOut,
    RankOut,
    RecomputedOut,
    RecomputeIn,
    ValueDetailOut,
    ValueIn,
    ValueOut,
    VersionOut,
)
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep, one_transaction
from jingwu.web.openapi import API_ERRORS

router = APIRouter(prefix="/api/v1/evaluation", tags=["evaluation: indices"], responses=API_ERRORS)
Viewer = Annotated[Principal, Requires("evaluation.view")]
Enterer = Annotated[Principal, Requires("evaluation.enter")]
Manager = Annotated[Principal, Requires("evaluation.manage")]
Editor = Annotated[Principal, Requires("evaluation.catalogue")]
INDEX = r"^(kpi\.satisfaction|kpi\.efficiency|kpi\.social|safety)$"


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    text = {
        401: "not signed in",
        403: "the caller's role may not do this (the message names the role)",
        404: "no such record in the caller's scope",
        409: "the catalogue version exists already",
        413: "the request body is too large",
        422: "an input is missing or breaks a rule (fields names it; for files, the lines)",
    }
    return {c: {"model": ErrorOut, "description": text[c]} for c in codes}


@router.get("/indices", response_model=IndexOut, responses=_errors(401, 403, 422))
@one_transaction
def ranking(
    session: SessionDep,
    principal: Viewer,
    index: Annotated[str, Query(pattern=INDEX, description="the index")],
    period: Annotated[str, Query(pattern=MONTH_OR_QUARTER, description="2026-11 or 2026-Q4")],
    kind: Annotated[str, Query(pattern="^(community|street|district)$")] = "community",
) -> IndexOut:
    """The units in scope ranked on an index for a period, with rank intervals and trends."""
    rows = queries.ranking(session, principal, index=index, period=period, kind=kind)
    return IndexOut(index=index, period=period, kind=kind, units=[RankOut.of(r) for r in rows])


@router.get("/indicators", response_model=list[MeasureOut], responses=_errors(401, 403))
@one_transaction
def indicators(session: SessionDep, principal: Viewer, now: Now) -> list[MeasureOut]:
    """The active catalogue's indicators and KPI components."""
    _, catalogue = catalogues.active(session, now=now)
    out = [MeasureOut.of(i, i.category) for i in catalogue.indicators]
    return out + [MeasureOut.of(c, c.index) for c in catalogue.components]


@router.get("/values", response_model=list[ValueOut], responses=_errors(401, 403, 422))
@one_transaction
def list_values(
    session: SessionDep,
    principal: Viewer,
    now: Now,
    period: Annotated[str | None, Query(pattern=PERIOD)] = None,
    indicator: Annotated[str | None, Query(pattern=MEASURE)] = None,
    unit: Annotated[str | None, Query(pattern=UNIT)] = None,
    limit: Annotated[int, Query(ge=1, le=queries.MAX_ROWS)] = 100,
) -> list[ValueOut]:
    """Stored values of units in scope, with their provenance."""
    rows = queries.values(
        session, principal, period=period, indicator=indicator, unit=unit, limit=limit, now=now
    )
    return [ValueOut.of(r) for r in rows]


@router.get("/values/{value_id}", response_model=ValueDetailOut, responses=_errors(401, 403, 404))
@one_transaction
def value_detail(
    session: SessionDep,
    principal: Viewer,
    now: Now,
    value_id: Annotated[int, Path(ge=1, le=2**62)],
) -> ValueDetailOut:
    """A value with the rows it was computed from, or who entered it from which file."""
    return ValueDetailOut.of(queries.value_detail(session, principal, value_id=value_id, now=now))


@router.post("/values", response_model=ValueOut, status_code=201, responses=_errors(401, 403, 422))
@one_transaction
def enter_value(session: SessionDep, principal: Enterer, now: Now, body: ValueIn) -> ValueOut:
    """Enter a value of an entered or imported measure for a station in scope."""
    row = values.enter(session, principal, **body.model_dump(), now=now)
    return ValueOut.of(queries.value_detail(session, principal, value_id=row.id, now=now))


@router.get(
    "/values-template",
    response_class=PlainTextResponse,
    responses={**_errors(401, 403), 200: {"content": {"text/csv": {}}}},
)
@one_transaction
def values_template(session: SessionDep, principal: Viewer, now: Now) -> PlainTextResponse:
    """The values file template (CSV), one example row per entered or imported measure."""
    _, catalogue = catalogues.active(session, now=now)
    headers = {"Content-Disposition": 'attachment; filename="values-template.csv"'}
    return PlainTextResponse(valuecsv.template(catalogue), media_type="text/csv", headers=headers)


@router.post(
    "/values/import",
    response_model=ImportedOut,
    status_code=201,
    responses=_errors(401, 403, 413, 422),
)
@one_transaction
def import_values(
    session: SessionDep,
    principal: Enterer,
    now: Now,
    file: Annotated[UploadFile, File(description="CSV in the template's columns")],
) -> ImportedOut:
    """Import a values file: every line checked, all rows stored or none."""
    content = file.file.read(values.MAX_BYTES + 1)
    n = values.import_file(
        session, principal, filename=file.filename or "values.csv", content=content, now=now
    )
    return ImportedOut(rows=n)


@router.post("/recompute", response_model=RecomputedOut, responses=_errors(401, 403, 422))
@one_transaction
def recompute(
    session: SessionDep, principal: Manager, now: Now, body: RecomputeIn
) -> RecomputedOut:
    """Recompute a period now (idempotent): its computed values and index results."""
    done = service.recompute(session, body.period, now=now, principal=principal)
    return RecomputedOut(
        periods=list(done.periods),
        values=done.values,
        results=done.results,
        catalogue_version=done.catalogue_version,
    )


@router.get("/catalogue/versions", response_model=list[VersionOut], responses=_errors(401, 403))
@one_transaction
def versions(session: SessionDep, principal: Viewer, now: Now) -> list[VersionOut]:
    """The stored catalogue versions, newest first."""
    catalogues.active(session, now=now)
    return [VersionOut.of(v) for v in catalogues.versions(session)]


@router.post(
    "/catalogue/versions",
    response_model=VersionOut,
    status_code=201,
    responses=_errors(401, 403, 409, 413, 422),
)
@one_transaction
def save_version(session: SessionDep, principal: Editor, now: Now, body: CatalogueIn) -> VersionOut:
    """Store an edited catalogue as a new version, validated like the seed."""
    row = catalogues.save(
        session, principal, data=body.catalogue, note=body.note, activate=body.activate, now=now
    )
    return VersionOut.of(row)


@router.post("/catalogue/active", response_model=VersionOut, responses=_errors(401, 403, 404, 422))
@one_transaction
def choose_version(session: SessionDep, principal: Editor, now: Now, body: ChooseIn) -> VersionOut:
    """Make a stored version the active catalogue."""
    return VersionOut.of(catalogues.choose(session, principal, version=body.version, now=now))
