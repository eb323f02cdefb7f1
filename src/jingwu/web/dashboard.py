"""Collects dashboard cards from domains (``dashboard_cards`` in their ``queries`` module)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.cards import Card
from jingwu.registry import domain_modules

CardSource = Callable[[Session, Principal], list[Card]]


def cards(session: Session, principal: Principal) -> list[Card]:
    """All cards of all domains for this principal, in order."""
    out: list[Card] = []
    for module in domain_modules("queries"):
        source: CardSource | None = getattr(module, "dashboard_cards", None)
        if source is not None:
            out.extend(source(session, principal))
    return sorted(out, key=lambda c: c.order)
