"""Who may record and who may read evidence (pure data). Where is the org scope's business.

``PERMISSIONS`` joins the shared table (:func:`jingwu.accounts.roles.all_permissions`) as
``evidence.record``, ``evidence.view`` and ``evidence.admin``; check them with
``principal.require(...)`` / ``principal.can(...)``.
"""

from __future__ import annotations

from jingwu.accounts.roles import Role

_STAFF = {Role.OFFICER, Role.AUXILIARY, Role.CHIEF, Role.STREET, Role.DIRECTOR}

PERMISSIONS: dict[str, frozenset[Role]] = {
    # station staff record evidence; the operator (admin) may, e.g. from the command line
    "evidence.record": frozenset(_STAFF | {Role.ADMIN}),
    # staff and inspectors read evidence and export bundles (within their scope)
    "evidence.view": frozenset(_STAFF | {Role.INSPECTOR, Role.ADMIN}),
    # registering witnesses and reading the scrub reports of the whole log
    "evidence.admin": frozenset({Role.ADMIN, Role.DIRECTOR}),
}

# What each permission lets one do, in words (English message ids, translated at the edge).
PERMISSION_LABELS: dict[str, str] = {
    "evidence.admin": "Administer the evidence log",
    "evidence.record": "Record evidence",
    "evidence.view": "See evidence",
}
