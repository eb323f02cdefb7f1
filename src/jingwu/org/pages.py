"""The unit page shared by the organisation's page routes (profile, check, recording forms)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import DomainError
from jingwu.org import checks, queries
from jingwu.org.editschemas import EXPERT_FIELDS
from jingwu.org.standard import POST_KINDS, ZONE_LABELS, standard_zone_areas
from jingwu.org.tiers import TIER_POSTS, TIER_STANDARD
from jingwu.security.pii import mask_phone
from jingwu.web.templating import render

# English message ids of the check's problems (the catalogues translate them).
PROBLEM_LABELS: dict[str, str] = {
    "no_officer": "No community officer",
    "auxiliaries_below_minimum": "Fewer than 2 auxiliaries",
    "no_chief": "No station chief",
    "auxiliaries_below_standard": "Fewer than 3 auxiliaries",
    "key_post_without_backup": "A key post has no backup",
    "no_head": "No street station head",
    "full_time_below_standard": "Fewer than 5 full-time staff",
    "no_director": "No centre director",
    "expert_below_standard": "Fewer than 3 experts",
    "missing_zone": "Zone missing",
    "share_off": "Zone share off the guide",
    "zones_exceed_floor_area": "The zones exceed the floor area",
}
CATEGORY_LABELS: dict[str, str] = {
    "police": "Police officer",
    "auxiliary": "Auxiliary officer",
    "expert": "Expert (X)",
}


def unit_page(
    request: Request,
    session: Session,
    principal: Principal,
    unit_id: int,
    error: DomainError | None = None,
) -> Response:
    """A unit's page, optionally with the error of a refused form (nothing was stored)."""
    profile = queries.profile(session, principal, unit_id=unit_id)
    unit = profile.unit
    can_record = principal.can("org.record")
    moves = (
        [u for u in queries.list_units(session, principal) if u.id != unit.id] if can_record else []
    )
    context = {
        "p": profile,
        "check": checks.unit_check(session, unit),
        "tier_standard": TIER_STANDARD.get(unit.kind),
        "zone_labels": ZONE_LABELS,
        "post_labels": POST_KINDS,
        "tier_posts": TIER_POSTS[unit.kind],
        "expert_fields": EXPERT_FIELDS,
        "category_labels": CATEGORY_LABELS,
        "problem_labels": PROBLEM_LABELS,
        "standard": standard_zone_areas(unit.floor_area_m2) if unit.floor_area_m2 else {},
        "phones": {s.id: mask_phone(s.phone) for s in profile.staff if s.phone},
        "active_staff": [s for s in profile.staff if s.active],
        "move_targets": moves,
        "can_edit_staff": principal.can("staff.edit"),
        "can_record": can_record,
        "error": error,
    }
    return render(request, "org/unit.html", context, status_code=error.status if error else 200)
