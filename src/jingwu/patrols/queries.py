"""Read models of patrol routes: the list of a scope's routes and the routes in a viewport."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.org.models import Unit
from jingwu.patrols.models import PatrolRoute
from jingwu.viewport import Viewport

MAX_ROUTES = 2_000


def routes(
    session: Session, principal: Principal, *, limit: int = 200
) -> list[tuple[PatrolRoute, str]]:
    """The newest routes of units in scope with their unit's short code."""
    principal.require("patrols.view")
    stmt = scoped(
        select(PatrolRoute, Unit.short_code).join(Unit, Unit.id == PatrolRoute.unit_id),
        principal,
        PatrolRoute.unit_id,
    ).order_by(PatrolRoute.id.desc())
    return [(r, code) for r, code in session.execute(stmt.limit(limit)).all()]


def lines_in_view(session: Session, principal: Principal, view: Viewport) -> list[PatrolRoute]:
    """Routes of units in scope whose bounding box meets the viewport (newest first)."""
    principal.require("patrols.view")
    stmt = scoped(select(PatrolRoute), principal, PatrolRoute.unit_id).where(
        PatrolRoute.min_lon <= view.east,
        PatrolRoute.max_lon >= view.west,
        PatrolRoute.min_lat <= view.north,
        PatrolRoute.max_lat >= view.south,
    )
    return list(session.scalars(stmt.order_by(PatrolRoute.id.desc()).limit(MAX_ROUTES)))


def all_lines(session: Session, principal: Principal) -> list[list[list[float]]]:
    """The positions of every route in scope (for the hotspot coverage share)."""
    principal.require("patrols.view")
    stmt = scoped(select(PatrolRoute.coords), principal, PatrolRoute.unit_id)
    return list(session.scalars(stmt.limit(MAX_ROUTES)))
