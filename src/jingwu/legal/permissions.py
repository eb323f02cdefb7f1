"""Who may search the laws through the signed-in API and the order page (pure data).

The public page ``/legal`` needs no sign-in; the command line reads files only (anyone).
Partners file orders only, so they are left out.
"""

from __future__ import annotations

from jingwu.accounts.roles import Role

PERMISSIONS: dict[str, frozenset[Role]] = {
    # search the laws in force: the API and the suggested provisions on an order
    "legal.search": frozenset(
        {
            Role.OFFICER,
            Role.AUXILIARY,
            Role.CHIEF,
            Role.STREET,
            Role.DIRECTOR,
            Role.CITY,
            Role.INSPECTOR,
            Role.ADMIN,
        }
    ),
}

PERMISSION_LABELS: dict[str, str] = {"legal.search": "Search the laws in force"}
