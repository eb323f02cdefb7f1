"""A small world for evidence tests: units, officers in two communities, orders, files."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.blobs.store import BlobStore
from jingwu.errors import NotFound
from jingwu.evidence import orders, service
from jingwu.evidence.models import EvidenceItem
from jingwu.org import service as org_service
from tests.factories.accounts import TestUser, make_user, principal
from tests.factories.org import make_tree


def station_orders(monkeypatch: pytest.MonkeyPatch) -> None:
    """Resolve order codes by their station part (stands in for the work-order service).

    An order code is ``<station>-<day>-<seq>``; the stand-in finds the station's unit and
    applies the org scope exactly as the work-order service's ``get_order`` does.
    """

    def resolve(session: Session, who: Principal, code: str) -> orders.OrderRef:
        unit = org_service.unit_by_code(session, code.split("-", 1)[0])
        if unit is None or not who.covers_path(unit.path):
            raise NotFound(f"No work order {code!r}.")
        return orders.OrderRef(code=code, unit_id=unit.id)

    monkeypatch.setattr(orders, "resolve_order", resolve)


@dataclass
class World:
    """Two communities under different streets, an officer in each, an order in each."""

    session: Session
    officer_user: TestUser
    other_user: TestUser
    inspector_user: TestUser
    officer: Principal
    other: Principal
    inspector: Principal
    order: str
    other_order: str

    def record(
        self,
        blobs: BlobStore,
        content: bytes,
        *,
        now: dt.datetime,
        category: str = "scene_photo",
        note: str = "",
        order: str | None = None,
        who: Principal | None = None,
        filename: str = "photo.jpg",
    ) -> EvidenceItem:
        """Record ``content`` as a new item of the officer's order."""
        return service.record_item(
            self.session,
            who or self.officer,
            blobs,
            order_code=order or self.order,
            category=category,
            filename=filename,
            media_type="image/jpeg",
            stream=io.BytesIO(content),
            note=note,
            now=now,
        )


def build_world(session: Session, monkeypatch: pytest.MonkeyPatch) -> World:
    """Create the units, users and order codes of the evidence tests."""
    station_orders(monkeypatch)
    units = make_tree(session)
    officer = make_user(session, units["SA01"], "officer", "officer-sa01")
    other = make_user(session, units["SB01"], "officer", "officer-sb01")
    inspector = make_user(session, units["D000"], "inspector", "inspector-d000")
    return World(
        session=session,
        officer_user=officer,
        other_user=other,
        inspector_user=inspector,
        officer=principal(session, officer),
        other=principal(session, other),
        inspector=principal(session, inspector),
        order="SA01-20261129-0001",
        other_order="SB01-20261129-0001",
    )
