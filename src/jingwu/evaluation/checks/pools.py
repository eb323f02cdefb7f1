"""The pools a draw is made from, read from the platform's records.

- stations: the community stations under the drawing unit;
- orders: the work orders of those stations completed (resolved or closed) in the month;
- inspectors: the active users who may inspect (inspector, street head, director) at the
  drawing unit, above it or below it — the people entitled to check its stations.

Also: the targets already checked this year (drawn in an earlier draw of the same kind).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal, scoped, subtree
from jingwu.errors import Invalid
from jingwu.evaluation.checks.models import CheckDraw
from jingwu.evaluation.checks.periods import month_bounds
from jingwu.org.models import Unit
from jingwu.workorders.models import WorkOrder

INSPECTING_ROLES = ("inspector", "street", "director")
COMPLETED = ("resolved", "closed")


class Kind(StrEnum):
    """What a draw draws."""

    STATION = "station"  # stations, for an on-site check
    ORDER = "order"  # completed work orders of a month, for a case review
    ORANGE = "orange"  # the work orders' orange quota draw (re-inspections, home visits)


class Purpose(StrEnum):
    """What a drawn target is for; a draw of stations or orders has one, orange has two."""

    TARGET = "target"
    REINSPECTION = "reinspection"
    HOME_VISIT = "home_visit"


def unit_in_scope(session: Session, principal: Principal, code: str, *, field: str) -> Unit:
    """The unit with this short code in the principal's scope; Invalid naming ``field``."""
    unit = session.scalar(
        scoped(select(Unit), principal, Unit.id).where(Unit.short_code == code.strip().upper())
    )
    if unit is None:
        raise Invalid("Unknown unit {code}.", params={"code": code}, fields={field: "unknown"})
    return unit


def stations_below(session: Session, unit: Unit) -> list[Unit]:
    """The community stations at or under ``unit``, by code."""
    return list(
        session.scalars(
            select(Unit)
            .where(Unit.kind == "community", Unit.id.in_(subtree(unit)))
            .order_by(Unit.short_code)
        )
    )


def station_pool(session: Session, unit: Unit) -> list[str]:
    """Codes of the stations at or under ``unit``."""
    return [s.short_code for s in stations_below(session, unit)]


def order_pool(session: Session, unit: Unit, month: str) -> list[str]:
    """Codes of the orders of the stations under ``unit`` completed in the local month."""
    start, end = month_bounds(month)
    below = subtree(unit)
    return list(
        session.scalars(
            select(WorkOrder.code)
            .where(
                WorkOrder.unit_id.in_(below),
                WorkOrder.state.in_(COMPLETED),
                WorkOrder.resolved_at >= start,
                WorkOrder.resolved_at < end,
            )
            .order_by(WorkOrder.code)
        )
    )


def _line(session: Session, unit: Unit) -> list[int]:
    """The ids of ``unit`` and the units above it."""
    ids = [unit.id]
    parent_id = unit.parent_id
    while parent_id is not None:
        ids.append(parent_id)
        parent_id = session.scalar(select(Unit.parent_id).where(Unit.id == parent_id))
    return ids


def inspector_pool(session: Session, unit: Unit) -> list[str]:
    """Usernames of the active inspecting users at, above or below ``unit``."""
    below = subtree(unit)
    return list(
        session.scalars(
            select(User.username)
            .where(
                User.active.is_(True),
                User.role.in_(INSPECTING_ROLES),
                User.unit_id.in_(_line(session, unit)) | User.unit_id.in_(below),
            )
            .order_by(User.username)
        )
    )


def checked_this_year(
    session: Session, *, kind: str, year: int, before: CheckDraw | None = None
) -> set[str]:
    """Targets drawn by the year's earlier draws of ``kind`` (all but ``before``)."""
    stmt = select(CheckDraw.pairs).where(
        CheckDraw.kind == kind,
        CheckDraw.period.startswith(f"{year}-"),
        CheckDraw.drawn_at.is_not(None),
    )
    if before is not None:
        stmt = stmt.where(CheckDraw.id != before.id)
    found: set[str] = set()
    for pairs in session.scalars(stmt):
        for rows in (pairs or {}).values():
            found.update(str(target) for target, _ in rows)
    return found


def target_units(session: Session, kind: str, codes: Iterable[str]) -> dict[str, int]:
    """The unit (station) id of each target code."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    if kind == Kind.STATION:
        rows = session.execute(
            select(Unit.short_code, Unit.id).where(Unit.short_code.in_(wanted))
        ).all()
    else:
        rows = session.execute(
            select(WorkOrder.code, WorkOrder.unit_id).where(WorkOrder.code.in_(wanted))
        ).all()
    return {str(code): int(unit_id) for code, unit_id in rows}


def user_ids(session: Session, usernames: Iterable[str]) -> dict[str, int]:
    """User ids by username."""
    names = sorted(set(usernames))
    if not names:
        return {}
    rows = session.execute(select(User.username, User.id).where(User.username.in_(names))).all()
    return {str(name): int(uid) for name, uid in rows}
