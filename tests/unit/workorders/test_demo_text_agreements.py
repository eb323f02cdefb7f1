"""Every kind of dispute that may be mediated has demo terms of agreement of its own."""

from __future__ import annotations

from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.demo_text import AGREEMENTS


def test_every_mediable_category_has_three_agreements() -> None:
    mediable = {c.code for c in DEFAULT_CATALOGUE if c.mediable}
    assert set(AGREEMENTS) == mediable
    assert all(len(terms) == 3 for terms in AGREEMENTS.values())  # one draw, any kind
