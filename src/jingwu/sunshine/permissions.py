"""Who may publish the sunshine dataset by hand (pure data). The pages are public."""

from __future__ import annotations

from jingwu.accounts.roles import Role

PERMISSIONS: dict[str, frozenset[Role]] = {
    # run the publication now (the worker runs it every 15 minutes anyway)
    "sunshine.publish": frozenset({Role.ADMIN}),
}

# What each permission lets one do, in words (English message ids, translated at the edge).
PERMISSION_LABELS: dict[str, str] = {
    "sunshine.publish": "Publish the sunshine open data now",
}
