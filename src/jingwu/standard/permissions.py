"""What each role may do with the standard and the scorecards (pure data); where is the scope's.

``PERMISSIONS`` joins the shared table (:func:`jingwu.accounts.roles.all_permissions`). A
station chief sees and self-assesses their own station (the scope), an inspector verifies,
the street and the district see their stations; partners see nothing.
"""

from __future__ import annotations

from jingwu.accounts.roles import Role

_LEADERS = frozenset({Role.CHIEF, Role.STREET, Role.DIRECTOR})

PERMISSIONS: dict[str, frozenset[Role]] = {
    # the versions, the stations' scorecards, the module mix, rectifications
    "standard.view": _LEADERS | {Role.INSPECTOR, Role.ADMIN, Role.CITY},
    # the chief's self-assessment of the station, with evidence files
    "standard.assess": frozenset({Role.CHIEF}),
    # accept or reject a self-assessment
    "standard.verify": frozenset({Role.INSPECTOR}),
    # open rectifications of failed requirements, attach their evidence, close them
    "standard.rectify": _LEADERS | {Role.ADMIN},
    # load a new version of the standard
    "standard.manage": frozenset({Role.ADMIN}),
}

# What each permission lets one do, in words (English message ids, translated at the edge).
PERMISSION_LABELS: dict[str, str] = {
    "standard.assess": "Self-assess the station",
    "standard.manage": "Load standard versions",
    "standard.rectify": "Rectify failed requirements",
    "standard.verify": "Verify self-assessments",
    "standard.view": "See the station scorecards",
}
