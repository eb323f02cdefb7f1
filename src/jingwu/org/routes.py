"""Pages of the organisation: the tree, a station's profile, the staffing check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from jingwu.org import queries
from jingwu.org.standard import POST_KINDS, ZONE_LABELS, standard_zone_areas
from jingwu.web.deps import CurrentPrincipal, SessionDep
from jingwu.web.nav import NavItem
from jingwu.web.templating import render

router = APIRouter(include_in_schema=False)
NAV = [
    NavItem("Organisation", "/org", "org.view", order=10),
    NavItem("Staffing", "/staffing", "staff.view", order=15),
]


@router.get("/org", response_class=HTMLResponse)
def org_tree(request: Request, session: SessionDep, principal: CurrentPrincipal) -> Response:
    return render(request, "org/tree.html", {"roots": queries.tree(session, principal)})


@router.get("/org/units/{unit_id}", response_class=HTMLResponse)
def unit_page(
    request: Request, session: SessionDep, principal: CurrentPrincipal, unit_id: int
) -> Response:
    profile = queries.profile(session, principal, unit_id=unit_id)
    standard = standard_zone_areas(profile.unit.floor_area_m2) if profile.unit.floor_area_m2 else {}
    return render(
        request,
        "org/unit.html",
        {
            "p": profile,
            "zone_labels": ZONE_LABELS,
            "post_labels": POST_KINDS,
            "standard": standard,
        },
    )


@router.get("/staffing", response_class=HTMLResponse)
def staffing(request: Request, session: SessionDep, principal: CurrentPrincipal) -> Response:
    principal.require("staff.view")
    return render(
        request, "org/staffing.html", {"report": queries.staffing_report(session, principal)}
    )
