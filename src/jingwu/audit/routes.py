"""The audit log page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from jingwu.accounts.principal import Principal
from jingwu.audit import queries
from jingwu.web.authz import Requires
from jingwu.web.deps import SessionDep
from jingwu.web.nav import NavItem
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Audit log", "/audit", "audit.view", order=95)]


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("audit.view")],
    action: str = "",
    actor: str = "",
    before: int | None = None,
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
