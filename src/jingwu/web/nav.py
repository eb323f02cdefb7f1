"""Navigation entries contributed by the domains (``NAV`` in their routes modules)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    """A link in the main navigation, shown when the user holds ``permission``."""

    label: str  # English message id, translated at render time
    href: str
    permission: str
    order: int = 50
    icon: str = ""
