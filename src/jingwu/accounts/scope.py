"""The one scope filter: a user sees their unit and the units below it, nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import Select, select
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.elements import ColumnElement

from jingwu.accounts.roles import allowed, role_term
from jingwu.errors import Forbidden, NotFound
from jingwu.org.models import Unit

Ts = TypeVarTuple("Ts")
UnitColumn = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True)
class Principal:
    """Who is acting: a signed-in user, a token holder, a CLI operator or the system."""

    user_id: int | None
    username: str
    role: str
    unit_id: int | None
    unit_path: str
    ip: str = ""
    language: str = "zh_CN"

    def can(self, permission: str) -> bool:
        return allowed(self.role, permission)

    def require(self, permission: str) -> None:
        """Raise Forbidden naming the role when it lacks ``permission``."""
        if not self.can(permission):
            raise Forbidden(
                "The role '{role}' may not do this ({permission}).",
                params={"role": role_term(self.role), "permission": permission},
                code="forbidden_role",
            )

    def covers_path(self, unit_path: str) -> bool:
        return unit_path.startswith(self.unit_path)


SYSTEM = Principal(user_id=None, username="system", role="admin", unit_id=None, unit_path="/")


def visible_units(principal: Principal) -> Select[int]:
    """Ids of the units ``principal`` may see (its unit's subtree)."""
    return select(Unit.id).where(Unit.path.startswith(principal.unit_path, autoescape=True))


def in_scope(principal: Principal, unit_column: UnitColumn) -> ColumnElement[bool]:
    """The WHERE clause restricting ``unit_column`` to the principal's subtree."""
    return unit_column.in_(visible_units(principal))


def scoped(stmt: Select[*Ts], principal: Principal, unit_column: UnitColumn) -> Select[*Ts]:
    """Add the scope filter to a query; every list and lookup goes through this."""
    return stmt.where(in_scope(principal, unit_column))


def check_unit(session: Session, principal: Principal, unit_id: int) -> Unit:
    """The unit, if the principal may see it; else NotFound (as if it did not exist)."""
    unit = session.get(Unit, unit_id)
    if unit is None or not principal.covers_path(unit.path):
        raise NotFound("No such unit.")
    return unit
