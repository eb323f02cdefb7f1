"""Pages of the organisation: the tree, a station's profile, the staffing check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import Invalid, NotFound
from jingwu.org import queries, service
from jingwu.org.standard import POST_KINDS, ZONE_LABELS, standard_zone_areas
from jingwu.web.authz import Requires
from jingwu.web.deps import SessionDep
from jingwu.web.i18n import error_text
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


def _unit_page(
    request: Request, session: Session, principal: Principal, unit_id: int, error: str = ""
) -> Response:
    profile = queries.profile(session, principal, unit_id=unit_id)
    standard = standard_zone_areas(profile.unit.floor_area_m2) if profile.unit.floor_area_m2 else {}
    context = {
        "p": profile,
        "zone_labels": ZONE_LABELS,
        "post_labels": POST_KINDS,
        "standard": standard,
        "can_edit_staff": principal.can("staff.edit"),
        "error": error,
    }
    return render(request, "org/unit.html", context, status_code=422 if error else 200)


@router.get("/org/units/{unit_id}", response_class=HTMLResponse)
def unit_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("org.view")],
    unit_id: IdPath,
) -> Response:
    return _unit_page(request, session, principal, unit_id)


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
        return _unit_page(request, session, principal, unit_id, error=error_text(request, exc))
    return RedirectResponse(f"/org/units/{unit_id}#posts", status_code=303)


@router.get("/staffing", response_class=HTMLResponse)
def staffing(
    request: Request, session: SessionDep, principal: Annotated[Principal, Requires("staff.view")]
) -> Response:
    return render(
        request, "org/staffing.html", {"report": queries.staffing_report(session, principal)}
    )
