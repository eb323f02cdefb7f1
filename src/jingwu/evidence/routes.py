"""Evidence pages: a work order's evidence (upload, log index, proof status, bundles) and
the log page (latest checkpoint, witnesses, size, consistency with an earlier checkpoint).

The work-order page embeds the panel with
``<div hx-get="/evidence/orders/{code}" hx-trigger="load"></div>``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jingwu.accounts.principal import Principal
from jingwu.errors import Invalid, NotFound
from jingwu.evidence import proofs, queries, service
from jingwu.evidence.entry import CATEGORIES
from jingwu.evidence.logkeys import load_log_keys
from jingwu.web.authz import Requires
from jingwu.web.deps import BlobsDep, CurrentPrincipal, Now, SessionDep, SettingsDep
from jingwu.web.i18n import error_text
from jingwu.web.nav import NavItem
from jingwu.web.params import MAX_ID
from jingwu.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Evidence log", "/evidence/log", "evidence.view", order=60)]


def _panel(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    code: str,
) -> Response:
    items = queries.order_items(session, principal, order_code=code)
    context = {
        "order_code": code,
        "items": items,
        "categories": CATEGORIES,
        "can_record": principal.can("evidence.record"),
        "pending": any(i.status in (queries.QUEUED, queries.SEQUENCED) for i in items),
    }
    template = "evidence/panel.html" if is_htmx(request) else "evidence/order.html"
    return render(request, template, context)


@router.get("/evidence/orders/{code}", response_class=HTMLResponse)
def order_evidence(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("evidence.view")],
    code: str,
) -> Response:
    """An order's evidence: the panel (htmx) or a page around it."""
    return _panel(request, session, principal, code)


@router.post("/evidence/orders/{code}", response_class=HTMLResponse)
def add_evidence(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("evidence.record")],
    blobs: BlobsDep,
    now: Now,
    code: str,
    file: Annotated[UploadFile, File()],
    category: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    """Record an upload from the panel's form (the page without JavaScript)."""
    if not file.filename:
        raise Invalid("Choose a file to record.", fields={"file": "required"})
    service.record_item(
        session,
        principal,
        blobs,
        order_code=code,
        category=category,
        filename=file.filename,
        media_type=file.content_type or "",
        stream=file.file,
        note=note.replace("\r\n", "\n"),
        now=now,
    )
    return RedirectResponse(f"/evidence/orders/{code}", status_code=303)


@router.get("/evidence/log", response_class=HTMLResponse)
def log_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("evidence.view")],
    settings: SettingsDep,
    old: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """The log: latest checkpoint, witnesses, size; a consistency check when ``old`` given."""
    overview = queries.log_overview(session)
    keys = load_log_keys(settings)
    check = None
    if old is not None:
        try:
            check = proofs.check_consistency(session, principal, keys, old_size=old)
        except NotFound as exc:
            check = proofs.ConsistencyCheck(False, old, 0, 0, error_text(request, exc))
    return render(
        request,
        "evidence/log.html",
        {"o": overview, "vkeys": keys.verifier_keys, "old": old, "check": check},
    )
