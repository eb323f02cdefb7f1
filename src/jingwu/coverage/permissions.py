"""What each role may do with the service circles (pure data); where is the scope's business.

``PERMISSIONS`` joins the shared table (:func:`jingwu.accounts.roles.all_permissions`).
"""

from __future__ import annotations

from jingwu.accounts.roles import Role

_STAFF = frozenset({Role.OFFICER, Role.AUXILIARY, Role.CHIEF, Role.STREET, Role.DIRECTOR})

PERMISSIONS: dict[str, frozenset[Role]] = {
    # the circles, the residents covered, uncovered places, suggestions, the 8-minute table
    "coverage.view": _STAFF | {Role.INSPECTOR, Role.ADMIN, Role.CITY},
    # import road networks and resident grids, compute the circles again
    "coverage.import": frozenset({Role.DIRECTOR, Role.ADMIN}),
}

# What each permission lets one do, in words (English message ids, translated at the edge).
PERMISSION_LABELS: dict[str, str] = {
    "coverage.import": "Import road networks and resident grids",
    "coverage.view": "See the service circles",
}
