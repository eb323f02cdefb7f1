"""Who is acting, and what their role allows (pure: no database, no web).

:mod:`jingwu.accounts.scope` re-exports :class:`Principal` and :data:`SYSTEM` beside the
scope filter; where a principal may act (its unit's subtree) is that module's business.
"""

from __future__ import annotations

from dataclasses import dataclass

from jingwu.accounts.roles import allowed, permission_term, role_term
from jingwu.errors import Forbidden


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
        """True when the principal's role holds ``permission``."""
        return allowed(self.role, permission)

    def require(self, permission: str) -> None:
        """Raise Forbidden naming the role when it lacks ``permission``."""
        if not self.can(permission):
            raise Forbidden(
                "The role {role} may not do this ({permission}).",
                params={"role": role_term(self.role), "permission": permission_term(permission)},
                code="forbidden_role",
            )


SYSTEM = Principal(user_id=None, username="system", role="admin", unit_id=None, unit_path="/")
"""The operator and the worker: the administrator's role over the whole tree."""
