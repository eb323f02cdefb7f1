"""What each role may do with the portal (pure data). The portal's pages are public; the
feeds of the 12345 hotline and 110 dispatch are pushed by a partner system's account."""

from __future__ import annotations

from jingwu.accounts.roles import Role

PERMISSIONS: dict[str, frozenset[Role]] = {
    # push requests transferred from the 12345 hotline or 110 dispatch into the inbox
    "portal.feed": frozenset({Role.PARTNER, Role.ADMIN}),
}

PERMISSION_LABELS: dict[str, str] = {
    "portal.feed": "Transfer requests from the 12345 hotline or 110 dispatch",
}
