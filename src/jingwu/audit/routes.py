"""The audit log page and its CSV export (same filters, same scope)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response, StreamingResponse

from jingwu.accounts.principal import Principal
from jingwu.audit import queries
from jingwu.errors import NotFound
from jingwu.web.authz import PUBLIC, Requires
from jingwu.web.deps import SessionDep
from jingwu.web.i18n import translations
from jingwu.web.nav import NavItem
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Audit log", "/audit", "audit.view", order=95)]
STATIC = Path(__file__).parent / "static"
Reader = Annotated[Principal, Requires("audit.view")]


def _filter(
    date_from: str = "",
    date_to: str = "",
    actor: str = "",
    unit: str = "",
    object_type: str = "",
    object: str = "",
    action: str = "",
) -> queries.AuditFilter:
    return queries.AuditFilter.parse(
        date_from=date_from,
        date_to=date_to,
        actor=actor,
        unit=unit,
        object_type=object_type,
        object=object,
        action=action,
    )


Filter = Annotated[queries.AuditFilter, Depends(_filter)]


@router.get("/audit/static/{name}", dependencies=[PUBLIC])
def static_file(name: str) -> FileResponse:
    """The page's stylesheet."""
    path = STATIC / name
    if path.parent != STATIC or path.suffix != ".css" or not path.is_file():
        raise NotFound("No such file.")
    return FileResponse(path, media_type="text/css")


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    session: SessionDep,
    principal: Reader,
    f: Filter,
    before: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
) -> Response:
    language = request.state.language
    result = queries.page(
        session,
        principal,
        f,
        tz=request.app.state.settings.tz,
        gettext=translations(language).ugettext,
        language=language,
        before_id=before,
    )
    query = f.query()
    ctx = {
        "p": result,
        "f": f,
        "export": "/audit.csv" + (f"?{urlencode(query)}" if query else ""),
        "older": f"/audit?{urlencode({**query, 'before': result.next_before})}"
        if result.next_before
        else None,
    }
    return render(request, "audit/log.html", ctx)


def _csv(rows: Iterator[list[str]]) -> Iterator[bytes]:
    yield "\ufeff".encode()  # spreadsheet programs then read the Chinese as UTF-8
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for k, row in enumerate(rows, start=1):
        writer.writerow(row)
        if k % 200 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


@router.get("/audit.csv")
def audit_csv(
    request: Request,
    session: SessionDep,
    principal: Reader,
    f: Filter,
) -> Response:
    """Every entry of the filter in the scope, as CSV, streamed."""
    tz = request.app.state.settings.tz
    # checked now, with the request's session: a bad filter is a 422, not a broken download
    where = queries.conditions(session, principal, f, tz=tz)
    language = request.state.language
    rows = queries.export_rows(
        request.app.state.db,
        where,
        gettext=translations(language).ugettext,
        language=language,
        tz=tz,
    )
    return StreamingResponse(
        _csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit-log.csv"'},
    )
