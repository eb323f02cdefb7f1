"""A small world for evidence tests: units, officers in two communities, orders, files."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache

from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal
from jingwu.blobs.store import BlobStore
from jingwu.evidence import service
from jingwu.evidence.models import EvidenceItem
from jingwu.org.models import Unit
from jingwu.reference.service import seed_defaults
from jingwu.security import passwords, totp
from jingwu.workorders import service as workorders
from jingwu.workorders.schemas import IntakeIn
from tests.factories.accounts import PASSWORD, TestUser, principal
from tests.factories.org import make_tree

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)


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


@cache
def _password_hash() -> str:
    return passwords.hash_password(PASSWORD)


def fast_user(session: Session, unit: Unit, role: str, username: str) -> TestUser:
    """A user with an enrolled second factor; the password is hashed once per run."""
    secret = totp.new_secret()
    user = User(
        username=username,
        display_name=username,
        unit_id=unit.id,
        role=role,
        password_hash=_password_hash(),
        totp_secret=secret,
        totp_confirmed=True,
        language="zh_CN",
        active=True,
        created_at=NOW,
    )
    session.add(user)
    session.flush()
    return TestUser(user, secret)


def new_order(session: Session, who: Principal, station: str) -> str:
    """Receive a walk-in order at ``station`` through the work-order service."""
    data = IntakeIn(
        station=station, channel="walk_in", category="noise", description="楼上深夜装修噪音"
    )
    return workorders.intake(session, who, data=data, now=NOW).code


def build_world(session: Session) -> World:
    """Create the units, users and work orders of the evidence tests."""
    seed_defaults(session)
    units = make_tree(session)
    officer = fast_user(session, units["SA01"], "officer", "officer-sa01")
    other = fast_user(session, units["SB01"], "officer", "officer-sb01")
    inspector = fast_user(session, units["D000"], "inspector", "inspector-d000")
    officer_p, other_p = principal(session, officer), principal(session, other)
    return World(
        session=session,
        officer_user=officer,
        other_user=other,
        inspector_user=inspector,
        officer=officer_p,
        other=other_p,
        inspector=principal(session, inspector),
        order=new_order(session, officer_p, "SA01"),
        other_order=new_order(session, other_p, "SB01"),
    )
