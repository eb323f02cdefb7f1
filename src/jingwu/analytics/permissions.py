"""Who may see and feed the incident analytics (pure); where is the org scope's business.

``PERMISSIONS`` joins the shared table (:func:`jingwu.accounts.roles.all_permissions`), so
``principal.require("analytics.view")`` and navigation entries work with these names too.
Partners see no incident data.
"""

from __future__ import annotations

from jingwu.accounts.roles import Role, role_term
from jingwu.accounts.scope import Principal
from jingwu.errors import Forbidden

_STAFF = frozenset({Role.OFFICER, Role.AUXILIARY, Role.CHIEF, Role.STREET, Role.DIRECTOR})

ANALYTICS_PERMISSIONS: dict[str, frozenset[Role]] = {
    # the map page, heat and forecast layers, exports, the incident list, backtest results
    "analytics.view": _STAFF | {Role.INSPECTOR, Role.ADMIN},
    # ask the worker for a refresh now
    "analytics.refresh": _STAFF | {Role.ADMIN},
    # import incident files and store backtest results (district-wide data)
    "analytics.import": frozenset({Role.DIRECTOR, Role.ADMIN}),
}


PERMISSIONS = ANALYTICS_PERMISSIONS


def can(principal: Principal, permission: str) -> bool:
    """True when the principal's role holds the analytics permission."""
    holders = ANALYTICS_PERMISSIONS.get(permission)
    return holders is not None and principal.role in holders


def require(principal: Principal, permission: str) -> None:
    """Raise Forbidden naming the role when it lacks the analytics permission."""
    if not can(principal, permission):
        raise Forbidden(
            "The role '{role}' may not do this ({permission}).",
            params={"role": role_term(principal.role), "permission": permission},
            code="forbidden_role",
        )
