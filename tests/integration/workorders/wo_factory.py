"""A small world for work-order tests: the org tree, users at stations, and orders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal
from jingwu.org.models import Unit
from jingwu.reference.service import seed_defaults
from jingwu.security import passwords, totp
from jingwu.workorders import service
from jingwu.workorders.models import WorkOrder
from jingwu.workorders.schemas import ActionIn, ClosureIn, IntakeIn
from tests.factories.accounts import PASSWORD, TestUser
from tests.factories.org import make_tree

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


@dataclass
class World:
    """Units by short code, test users by name and their principals."""

    units: dict[str, Unit]
    users: dict[str, TestUser]
    p: dict[str, Principal]


def make_world(session: Session) -> World:
    """District D000 → streets SA00, SB00 → stations SA01, SA02, SB01, with staff."""
    seed_defaults(session)
    units = make_tree(session)
    spec = {
        "officer": ("SA01", "officer"),
        "officer2": ("SA01", "officer"),
        "auxiliary": ("SA01", "auxiliary"),
        "chief": ("SA01", "chief"),
        "other_officer": ("SA02", "officer"),
        "b_officer": ("SB01", "officer"),
        "b_chief": ("SB01", "chief"),
        "street": ("SA00", "street"),
        "b_street": ("SB00", "street"),
        "director": ("D000", "director"),
        "inspector": ("D000", "inspector"),
        "partner": ("D000", "partner"),
        "admin": ("D000", "admin"),
    }
    users = {
        name: fast_user(session, units[code], role, name.replace("_", "-"))
        for name, (code, role) in spec.items()
    }
    session.flush()
    principals = {}
    for name, tu in users.items():
        p = accounts.load_principal(session, tu.user.id)
        assert p is not None
        principals[name] = p
    return World(units, users, principals)


@cache
def _password_hash() -> str:
    return passwords.hash_password(PASSWORD)


def fast_user(session: Session, unit: Unit, role: str, username: str) -> TestUser:
    """A user with an enrolled second factor; the password is hashed once per test run."""
    secret = totp.new_secret()
    user = User(
        username=username,
        display_name=f"{role} {username}",
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


def intake_data(**over: Any) -> IntakeIn:
    values: dict[str, Any] = {
        "station": "SA01",
        "channel": "walk_in",
        "category": "noise",
        "description": "楼上深夜装修噪音",
        "lon": 120.105,
        "lat": 30.205,
        "address": "文三路 100 号 3 单元",
        "reporter_name": "张三",
        "reporter_phone": "13812345678",
    }
    values.update(over)
    return IntakeIn(**values)


def new_order(
    session: Session, w: World, *, who: str = "officer", now: dt.datetime = NOW, **over: Any
) -> WorkOrder:
    return service.intake(session, w.p[who], data=intake_data(**over), now=now)


def step(
    session: Session,
    w: World,
    order: WorkOrder,
    action: str,
    who: str,
    now: dt.datetime,
    **data: Any,
) -> WorkOrder:
    return service.act(
        session, w.p[who], code=order.code, action=action, data=ActionIn(**data), now=now
    )


def closure(summary: str = "已上门协调，双方达成一致", confirmed: bool = True) -> ClosureIn:
    return ClosureIn(summary=summary, citizen_confirmed=confirmed)
