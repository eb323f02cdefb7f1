"""Pages of the organisation: the tree, a station's profile, the staffing check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from jingwu.accounts.scope import Principal
from jingwu.errors import Invalid, NotFound
from jingwu.org import checks, pages, queries, service
from jingwu.org.routes_edit import router as edit_router
from jingwu.org.tiers import TIER_STANDARD
from jingwu.web.authz import Requires
from jingwu.web.deps import SessionDep
from jingwu.web.nav import NavItem
from jingwu.web.params import IdPath
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
NAV = [
    NavItem("Organisation", "/org", "org.view", order=10),
    NavItem("Staffing", "/staffing", "staff.view", order=15),
]


@router.get("/org", response_class=HTMLResponse)
def org_tree(
    request: Request, session: SessionDep, principal: Annotated[Principal, Requires("org.view")]
) -> Response:
    return render(request, "org/tree.html", {"roots": queries.tree(session, principal)})


@router.get("/org/units/{unit_id}", response_class=HTMLResponse)
def unit_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("org.view")],
    unit_id: IdPath,
) -> Response:
    return pages.unit_page(request, session, principal, unit_id)


def _staff_id(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None


@router.post("/org/units/{unit_id}/posts/{post_id}", response_class=HTMLResponse)
def set_post(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("staff.edit")],
    unit_id: IdPath,
    post_id: IdPath,
    holder_id: Annotated[str, Form()] = "",
    backup_id: Annotated[str, Form()] = "",
) -> Response:
    """Name a post's holder (A) and backup (B)."""
    post = next(
        (p for p in queries.profile(session, principal, unit_id=unit_id).posts if p.id == post_id),
        None,
    )
    if post is None:
        raise NotFound("No such post at this unit.")
    try:
        with session.begin_nested():
            service.set_post(
                session,
                principal,
                unit_id=unit_id,
                kind=post.kind,
                holder_id=_staff_id(holder_id),
                backup_id=_staff_id(backup_id),
                is_key=post.is_key,
                title=post.title,
                post_id=post.id,
            )
    except Invalid as exc:
        return pages.unit_page(request, session, principal, unit_id, exc)
    return RedirectResponse(f"/org/units/{unit_id}#posts", status_code=303)


@router.get("/staffing", response_class=HTMLResponse)
def staffing(
    request: Request, session: SessionDep, principal: Annotated[Principal, Requires("staff.view")]
) -> Response:
    context = {
        "report": queries.staffing_report(session, principal),
        "tiers": checks.tier_report(session, principal),
        "tier_standard": TIER_STANDARD,
        "problem_labels": pages.PROBLEM_LABELS,
    }
    return render(request, "org/staffing.html", context)


router.include_router(edit_router)
