"""What each role may do with the sensing network (pure); where is the org scope's business.

``PERMISSIONS`` joins the shared table (:func:`jingwu.accounts.roles.all_permissions`),
so ``principal.require("iot.view")`` and navigation entries use these names too.
"""

from __future__ import annotations

from jingwu.accounts.roles import Role, role_term
from jingwu.accounts.scope import Principal
from jingwu.errors import Forbidden

_STAFF = frozenset({Role.OFFICER, Role.AUXILIARY, Role.CHIEF, Role.STREET, Role.DIRECTOR})
_LEADERS = frozenset({Role.CHIEF, Role.STREET, Role.DIRECTOR})

IOT_PERMISSIONS: dict[str, frozenset[Role]] = {
    # see devices, readings, the map, alerts, rules and the coverage check
    "iot.view": _STAFF | {Role.INSPECTOR, Role.ADMIN},
    # register and import devices and gateways, issue credentials, maintenance, broker files
    "iot.devices": _LEADERS | {Role.ADMIN},
    # acknowledge and resolve alerts, confirm one into a work order
    "iot.alerts": _STAFF,
    # device rules in scope; rules for a whole class need the district (director) or admin
    "iot.rules": _LEADERS | {Role.ADMIN},
    "iot.rules.global": frozenset({Role.DIRECTOR, Role.ADMIN}),
}


PERMISSIONS = IOT_PERMISSIONS


def can(principal: Principal, permission: str) -> bool:
    """True when the principal's role holds the IoT permission."""
    holders = IOT_PERMISSIONS.get(permission)
    return holders is not None and principal.role in holders


def require(principal: Principal, permission: str) -> None:
    """Raise Forbidden naming the role when it lacks the IoT permission."""
    if not can(principal, permission):
        raise Forbidden(
            "The role '{role}' may not do this ({permission}).",
            params={"role": role_term(principal.role), "permission": permission},
            code="forbidden_role",
        )
