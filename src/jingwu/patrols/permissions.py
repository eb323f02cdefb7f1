"""Who may see and import patrol routes (pure data); where is the org scope's business.

``PERMISSIONS`` joins the shared table (:func:`jingwu.accounts.roles.all_permissions`).
"""

from __future__ import annotations

from jingwu.accounts.roles import Role

PERMISSIONS: dict[str, frozenset[Role]] = {
    # the routes of the units in scope, on the map and in the list
    "patrols.view": frozenset(
        {
            Role.OFFICER,
            Role.AUXILIARY,
            Role.CHIEF,
            Role.STREET,
            Role.DIRECTOR,
            Role.CITY,
            Role.ADMIN,
        }
    ),
    # import GPS tracks or planned routes for a unit in scope
    "patrols.import": frozenset({Role.CHIEF, Role.DIRECTOR, Role.ADMIN}),
}

# What each permission lets one do, in words (English message ids, translated at the edge).
PERMISSION_LABELS: dict[str, str] = {
    "patrols.import": "Import patrol routes",
    "patrols.view": "See patrol routes",
}
