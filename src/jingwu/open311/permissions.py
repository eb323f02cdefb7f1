"""Who may issue and revoke Open311 API keys (pure data): the district's director, admins."""

from __future__ import annotations

from jingwu.accounts.roles import Role

PERMISSIONS: dict[str, frozenset[Role]] = {
    "open311.keys": frozenset({Role.DIRECTOR, Role.ADMIN}),
}

PERMISSION_LABELS: dict[str, str] = {
    "open311.keys": "Issue and revoke Open311 API keys",
}
