"""What each role may do with the sensing network (pure data); where is the org scope's business.

``PERMISSIONS`` joins the shared table (:func:`jingwu.accounts.roles.all_permissions`), so
``principal.require("iot.view")`` and navigation entries use these names too.
"""

from __future__ import annotations

from jingwu.accounts.roles import Role

_STAFF = frozenset({Role.OFFICER, Role.AUXILIARY, Role.CHIEF, Role.STREET, Role.DIRECTOR})
_LEADERS = frozenset({Role.CHIEF, Role.STREET, Role.DIRECTOR})

PERMISSIONS: dict[str, frozenset[Role]] = {
    # see devices, readings, the map, alerts, rules and the coverage check
    "iot.view": _STAFF | {Role.INSPECTOR, Role.ADMIN, Role.CITY},
    # register and import devices and gateways, issue credentials, maintenance, broker files
    "iot.devices": _LEADERS | {Role.ADMIN},
    # acknowledge and resolve alerts, confirm one into a work order
    "iot.alerts": _STAFF,
    # device rules in scope; rules for a whole class need the district (director) or admin
    "iot.rules": _LEADERS | {Role.ADMIN},
    "iot.rules.global": frozenset({Role.DIRECTOR, Role.ADMIN}),
}

# What each permission lets one do, in words (English message ids, translated at the edge).
PERMISSION_LABELS: dict[str, str] = {
    "iot.alerts": "Handle sensor alerts",
    "iot.devices": "Manage sensing devices",
    "iot.rules": "Edit device rules",
    "iot.rules.global": "Edit rules for a whole class",
    "iot.view": "See the sensing network",
}
