"""The one authorisation API: who acts (:class:`Principal`), what the role allows
(``principal.require``), and where: a user sees their unit and the units below it, nothing else.

Every query goes through :func:`scoped` (or :func:`in_scope`); a single unit or station named
by a caller is looked up with :func:`unit_in_scope` / :func:`station_in_scope`. A record
outside the scope is treated as missing (``NotFound``), never as forbidden, so existence
does not leak. No other module compares unit paths.
"""

from __future__ import annotations

from typing import Any, TypeVarTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from jingwu.accounts.principal import SYSTEM, Principal
from jingwu.errors import NotFound
from jingwu.org.models import Unit

__all__ = [
    "SYSTEM",
    "Principal",
    "check_unit",
    "in_scope",
    "scoped",
    "station_in_scope",
    "subtree",
    "top_level",
    "unit_in_scope",
    "visible_units",
    "whole_tree",
]

Ts = TypeVarTuple("Ts")
UnitColumn = ColumnElement[Any] | QueryableAttribute[Any]


def whole_tree(principal: Principal) -> bool:
    """True when the principal's scope is every unit (the operator, the root's users)."""
    return principal.unit_path == "/"


def top_level(principal: Principal) -> bool:
    """True for the whole tree or a district's users (they also see unit-less records)."""
    return principal.unit_path.count("/") <= 2


def _below(path: str) -> Select[int]:
    return select(Unit.id).where(Unit.path.startswith(path, autoescape=True))


def visible_units(principal: Principal) -> Select[int]:
    """Ids of the units ``principal`` may see (its unit's subtree)."""
    return _below(principal.unit_path)


def subtree(unit: Unit) -> Select[int]:
    """Ids of ``unit`` and the units below it (for a filter on a unit already in scope)."""
    return _below(unit.path)


def in_scope(principal: Principal, unit_column: UnitColumn) -> ColumnElement[bool]:
    """The WHERE clause restricting ``unit_column`` to the principal's subtree."""
    return unit_column.in_(visible_units(principal))


def scoped(stmt: Select[*Ts], principal: Principal, unit_column: UnitColumn) -> Select[*Ts]:
    """Add the scope filter to a query; every list and lookup goes through this."""
    return stmt.where(in_scope(principal, unit_column))


def unit_in_scope(
    session: Session, principal: Principal, unit: int | str, *, kind: str | None = None
) -> Unit | None:
    """The unit with this id or short code if the principal may see it (and it is of
    ``kind``); None when it does not exist or lies outside the scope (callers say which
    field was wrong, without telling the two apart)."""
    by_id = isinstance(unit, int)
    match = Unit.id == unit if by_id else Unit.short_code == str(unit).strip().upper()
    stmt = scoped(select(Unit), principal, Unit.id).where(match)
    if kind is not None:
        stmt = stmt.where(Unit.kind == kind)
    return session.scalar(stmt)


def station_in_scope(session: Session, principal: Principal, station: int | str) -> Unit | None:
    """The community station with this id or short code in the principal's scope, or None."""
    return unit_in_scope(session, principal, station, kind="community")


def check_unit(session: Session, principal: Principal, unit_id: int) -> Unit:
    """The unit, if the principal may see it; else NotFound (as if it did not exist)."""
    unit = unit_in_scope(session, principal, unit_id)
    if unit is None:
        raise NotFound("No such unit.")
    return unit
