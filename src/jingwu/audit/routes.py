"""The audit log page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from jingwu.audit import queries
from jingwu.web.deps import CurrentPrincipal, SessionDep
from jingwu.web.nav import NavItem
from jingwu.web.params import IdQuery
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Audit log", "/audit", "audit.view", order=95)]


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    session: SessionDep,
    principal: CurrentPrincipal,
    action: str = "",
    actor: str = "",
    before: IdQuery | None = None,
) -> Response:
    rows = queries.entries(session, principal, action=action, actor=actor, before_id=before)
    return render(
        request,
        "audit/log.html",
        {
            "rows": rows,
            "action": action,
            "actor": actor,
            "next_before": rows[-1].id if len(rows) == queries.PAGE else None,
        },
    )
