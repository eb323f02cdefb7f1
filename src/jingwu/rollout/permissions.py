"""What each role may do with the rollout plan (pure data); where is the scope's business.

``PERMISSIONS`` joins the shared table (:func:`jingwu.accounts.roles.all_permissions`). Which
role may move a station into which status is :mod:`jingwu.rollout.plan`'s table.
"""

from __future__ import annotations

from jingwu.accounts.roles import Role

PERMISSIONS: dict[str, frozenset[Role]] = {
    # the dashboard: progress against the plan, statuses, blocked stations
    "rollout.view": frozenset(
        {Role.CHIEF, Role.STREET, Role.DIRECTOR, Role.CITY, Role.INSPECTOR, Role.ADMIN}
    ),
    # import and edit the plan: targets per street and phase, the stations named for them
    "rollout.plan": frozenset({Role.DIRECTOR, Role.ADMIN}),
    # move a station's demonstration status (the plan's table says which step by whom)
    "rollout.status": frozenset(
        {Role.CHIEF, Role.STREET, Role.DIRECTOR, Role.CITY, Role.INSPECTOR, Role.ADMIN}
    ),
}

# What each permission lets one do, in words (English message ids, translated at the edge).
PERMISSION_LABELS: dict[str, str] = {
    "rollout.plan": "Edit the rollout plan",
    "rollout.status": "Change a station's demonstration status",
    "rollout.view": "See the rollout plan",
}
