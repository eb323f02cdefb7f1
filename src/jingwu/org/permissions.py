"""What each role may do with its own organisation records (pure data); where is the scope's.

``PERMISSIONS`` joins the shared table (:func:`jingwu.accounts.roles.all_permissions`); the
unit-level permissions ``org.view`` / ``org.edit`` stay in :mod:`jingwu.accounts.roles`.
"""

from __future__ import annotations

from jingwu.accounts.roles import Role

PERMISSIONS: dict[str, frozenset[Role]] = {
    # record one's own unit and the units below it: staff, experts, posts with A/B backups,
    # functional zones with their areas, equipment; move people between units in scope
    "org.record": frozenset({Role.CHIEF, Role.STREET, Role.DIRECTOR, Role.ADMIN}),
}

# What each permission lets one do, in words (English message ids, translated at the edge).
PERMISSION_LABELS: dict[str, str] = {
    "org.record": "Record staff, posts, zones and equipment",
}
