"""JSON API of the organisation: units (scoped), a unit's profile, the staffing check."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter

from jingwu.accounts.principal import Principal
from jingwu.org import queries, service
from jingwu.org.api_edit import router as edit_router
from jingwu.org.schemas import (
    PostOut,
    StaffingOut,
    StaffingReportOut,
    UnitIn,
    UnitOut,
    ZoneOut,
)
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.openapi import API_ERRORS
from jingwu.web.params import IdPath

units = APIRouter(prefix="/api/v1/org", tags=["organisation"], responses=API_ERRORS)


@units.get("/units", response_model=list[UnitOut])
def list_units(
    session: SessionDep,
    principal: Annotated[Principal, Requires("org.view")],
    kind: str | None = None,
) -> list[UnitOut]:
    """Units the caller may see (their unit and the units below it)."""
    return [UnitOut.model_validate(u) for u in queries.list_units(session, principal, kind=kind)]


@units.post("/units", response_model=UnitOut, status_code=201)
def create_unit(
    session: SessionDep,
    principal: Annotated[Principal, Requires("org.edit")],
    now: Now,
    body: UnitIn,
) -> UnitOut:
    """Create a unit under its parent (district directors and administrators)."""
    return UnitOut.model_validate(service.create_unit(session, principal, data=body, now=now))


@units.get("/units/{unit_id}")
def unit_profile(
    session: SessionDep, principal: Annotated[Principal, Requires("org.view")], unit_id: IdPath
) -> dict[str, Any]:
    """A unit's profile: zones with their share of floor area, posts with A/B backups."""
    p = queries.profile(session, principal, unit_id=unit_id)
    return {
        "unit": UnitOut.model_validate(p.unit).model_dump(),
        "boundary": p.unit.boundary,
        "zones": [
            ZoneOut(kind=z.kind, area_m2=z.area_m2, share=z.share, expected=z.expected).model_dump()
            for z in p.zones
        ],
        "posts": [
            PostOut(
                id=post.id,
                kind=post.kind,
                title=post.title,
                is_key=post.is_key,
                holder=post.holder.name if post.holder else None,
                backup=post.backup.name if post.backup else None,
            ).model_dump()
            for post in p.posts
        ],
        "staffing": None
        if p.staffing is None
        else {
            "meets_minimum": p.staffing.meets_minimum,
            "meets_standard": p.staffing.meets_standard,
            "ab_coverage": p.staffing.ab_coverage,
            "problems": p.staffing.problems,
        },
    }


@units.get("/staffing", response_model=StaffingReportOut)
def staffing(
    session: SessionDep, principal: Annotated[Principal, Requires("staff.view")]
) -> StaffingReportOut:
    """The staffing check: "3+X" minimum, the organisational standard and A/B coverage."""
    report = queries.staffing_report(session, principal)
    return StaffingReportOut(
        stations=[
            StaffingOut(
                unit_id=u.id,
                short_code=u.short_code,
                name=u.name,
                officers=r.officers,
                chiefs=r.chiefs,
                auxiliaries=r.auxiliaries,
                experts=r.experts,
                meets_minimum=r.meets_minimum,
                meets_standard=r.meets_standard,
                ab_coverage=r.ab_coverage,
                problems=r.problems,
            )
            for u, r in report.rows
        ],
        below_minimum=[u.short_code for u in report.below_minimum],
        below_standard=[u.short_code for u in report.below_standard],
        ab_incomplete=[u.short_code for u in report.ab_incomplete],
    )


router = APIRouter()
router.include_router(units)
router.include_router(edit_router)
