"""Reading the audit log (inspectors, directors, administrators), scoped like everything else."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, in_scope, top_level
from jingwu.audit.models import AuditEntry

PAGE = 100


def entries(
    session: Session,
    principal: Principal,
    *,
    action: str = "",
    actor: str = "",
    before_id: int | None = None,
    limit: int = PAGE,
) -> list[AuditEntry]:
    """Newest first. Unit-less events (sign-ins, denials) are visible from a top-level unit."""
    principal.require("audit.view")
    scope = in_scope(principal, AuditEntry.unit_id)
    where = or_(scope, AuditEntry.unit_id.is_(None)) if top_level(principal) else scope
    stmt = select(AuditEntry).where(where).order_by(AuditEntry.id.desc()).limit(min(limit, 500))
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action, autoescape=True))
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    if before_id is not None:
        stmt = stmt.where(AuditEntry.id < before_id)
    return list(session.scalars(stmt))
