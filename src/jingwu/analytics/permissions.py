"""Who may see and feed the incident analytics (pure data); where is the org scope's business.

``PERMISSIONS`` joins the shared table (:func:`jingwu.accounts.roles.all_permissions`), so
``principal.require("analytics.view")`` and navigation entries work with these names too.
Partners see no incident data.
"""

from __future__ import annotations

from jingwu.accounts.roles import Role

_STAFF = frozenset({Role.OFFICER, Role.AUXILIARY, Role.CHIEF, Role.STREET, Role.DIRECTOR})

PERMISSIONS: dict[str, frozenset[Role]] = {
    # the map page, heat and forecast layers, exports, the incident list, backtest results
    "analytics.view": _STAFF | {Role.INSPECTOR, Role.ADMIN, Role.CITY},
    "analytics.backtests": frozenset({Role.DIRECTOR, Role.INSPECTOR, Role.ADMIN}),  # analysts
    # ask the worker for a refresh now
    "analytics.refresh": _STAFF | {Role.ADMIN},
    # import incident files and store backtest results (district-wide data)
    "analytics.import": frozenset({Role.DIRECTOR, Role.ADMIN}),
}

# What each permission lets one do, in words (English message ids, translated at the edge).
PERMISSION_LABELS: dict[str, str] = {
    "analytics.backtests": "Read forecast backtests",
    "analytics.import": "Import incidents",
    "analytics.refresh": "Refresh the heat map",
    "analytics.view": "See the heat map",
}
