"""Dashboard cards: domains describe figures; the web shell renders them (pure data)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Card:
    """One figure on the dashboard: a label (English id), a value, an optional link and tone."""

    label: str
    value: str
    href: str = ""
    tone: str = ""  # "", "good", "warn", "bad"
    note: str = ""
    order: int = 50
