"""What each role may do with evaluation and supervision (pure data); where is the scope's.

``PERMISSIONS`` joins the shared table (:func:`jingwu.accounts.roles.all_permissions`).
"""

from __future__ import annotations

from jingwu.accounts.roles import Role

_STAFF = frozenset({Role.OFFICER, Role.AUXILIARY, Role.CHIEF, Role.STREET, Role.DIRECTOR})
_LEADERS = frozenset({Role.CHIEF, Role.STREET, Role.DIRECTOR})

PERMISSIONS: dict[str, frozenset[Role]] = {
    # rankings, indices, scorecards, drill-downs, PDCA boards, draws and the white paper
    "evaluation.view": _STAFF | {Role.INSPECTOR, Role.ADMIN, Role.CITY},
    # enter or import indicator values (stations' own; the district for district-wide ones)
    "evaluation.enter": _LEADERS | {Role.ADMIN},
    # recompute indices on demand, choose the published method
    "evaluation.manage": frozenset({Role.DIRECTOR, Role.ADMIN}),
    # edit the indicator catalogue (a new version)
    "evaluation.catalogue": frozenset({Role.ADMIN}),
    # the station's PDCA list: items, stages, evidence
    "evaluation.pdca": _LEADERS | {Role.ADMIN},
    # spot checks: draws, outcomes, mystery visits, expert reviews, survey imports
    "evaluation.inspect": frozenset({Role.INSPECTOR, Role.STREET, Role.DIRECTOR, Role.ADMIN}),
}

# What each permission lets one do, in words (English message ids, translated at the edge).
PERMISSION_LABELS: dict[str, str] = {
    "evaluation.catalogue": "Edit the indicator catalogue",
    "evaluation.enter": "Enter indicator values",
    "evaluation.inspect": "Run spot checks",
    "evaluation.manage": "Manage evaluation",
    "evaluation.pdca": "Keep the PDCA list",
    "evaluation.view": "See evaluation",
}
