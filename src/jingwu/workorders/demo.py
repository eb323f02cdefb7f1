"""Demo seed: five weeks of work-order history for the twelve stations of the demo district.

About 420 orders across tiers and modules, each with a simulated life (see
:mod:`~jingwu.workorders.demo_history`): some still open, some overdue and escalated, some
mediated, many rated. Rows are written with bulk inserts (a summary audit event records the
seed), so the seed takes a second or two; the rows are exactly what the services would
have written.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.audit import service as audit
from jingwu.demodata import DemoContext
from jingwu.org.models import Staff, Unit
from jingwu.reference.models import Department
from jingwu.workorders import demo_cases
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.codes import format_code, local_date
from jingwu.workorders.demo_history import Life, new_life, simulate
from jingwu.workorders.demo_rows import OrderRows, People
from jingwu.workorders.models import (
    Alert,
    DayCounter,
    Feedback,
    OrderEvent,
    OverdueRecord,
    Task,
    WorkOrder,
)
from jingwu.workorders.vocab import Module

ORDER = 30
DAYS = 35
MODULE_WEIGHTS = {Module.SECURITY: 40, Module.LIVELIHOOD: 30, Module.DISPUTE: 30}
ROLES = ("chief", "officer", "auxiliary")


def _stations(session: Session) -> list[Unit]:
    return list(
        session.scalars(select(Unit).where(Unit.kind == "community").order_by(Unit.short_code))
    )


def _staff_name(session: Session, ctx: DemoContext, unit_id: int, role: str) -> str | None:
    staff = ctx.data.get("station_staff", {}).get(unit_id, {})
    sid = staff.get(role) if role != "auxiliary" else (staff.get("auxiliaries") or [None])[0]
    return session.scalar(select(Staff.name).where(Staff.id == sid)) if sid else None


def _people(session: Session, ctx: DemoContext, stations: list[Unit]) -> People:
    """Accounts per station: the demo accounts at BS01, login-less staff accounts elsewhere."""
    demo = ctx.data.get("users", {})
    partner = demo.get("partner")
    partner_unit = (
        session.scalar(select(User.unit_id).where(User.id == partner)) if partner else None
    )
    people = People(partner=partner, partner_unit=partner_unit)
    new: list[User] = []
    for unit in stations:
        for role in ROLES:
            if unit.short_code == "BS01" and role in demo:
                people.station[unit.id][role] = demo[role]
                continue
            name = _staff_name(session, ctx, unit.id, role) or f"{unit.short_code} {role}"
            user = _account(f"{unit.short_code.lower()}-{role}", name, unit.id, role, ctx.now)
            new.append(user)
            people.pending.append((unit.id, role, user))
    for street in session.scalars(select(Unit).where(Unit.kind == "street")):
        if not session.scalar(
            select(User.id).where(User.unit_id == street.id, User.role == "street")
        ):
            user = _account(
                f"{street.short_code.lower()}-head",
                f"{street.name}站长",
                street.id,
                "street",
                ctx.now,
            )
            new.append(user)
    session.add_all(new)
    session.flush()
    people.resolve()
    for uid, name in session.execute(select(User.id, User.display_name)):
        people.names[uid] = name
    return people


def _account(username: str, name: str, unit_id: int, role: str, now: dt.datetime) -> User:
    # A staff account that cannot sign in (no password hash, no second factor): it gives
    # the history real people to answer for orders.
    return User(
        username=username,
        display_name=name,
        unit_id=unit_id,
        role=role,
        password_hash="!",  # noqa: S106 - no password: this account cannot sign in
        totp_confirmed=False,
        language="zh_CN",
        active=True,
        created_at=now - dt.timedelta(days=DAYS + 10),
    )


def _lives(rng: random.Random, stations: list[Unit], now: dt.datetime) -> list[tuple[Unit, Life]]:
    start = now - dt.timedelta(days=DAYS)
    by_module = {m: DEFAULT_CATALOGUE.by_module(m) for m in Module}
    out: list[tuple[Unit, Life]] = []
    for unit in stations:
        per_day = 2.6 if unit.short_code == "BS01" else 0.85
        for _ in range(int(per_day * DAYS)):
            day = start + dt.timedelta(days=rng.uniform(0, DAYS))
            # Requests come in the daytime mostly (08:00-22:00 Shanghai = 00:00-14:00 UTC).
            received = day.replace(hour=rng.choice(range(0, 14)), minute=rng.randrange(60))
            received = min(received, now - dt.timedelta(minutes=rng.uniform(1, 60)))
            module = rng.choices(list(MODULE_WEIGHTS), list(MODULE_WEIGHTS.values()))[0]
            category = rng.choice(by_module[module]).code
            life = simulate(rng, new_life(rng, received_at=received, category=category), now)
            out.append((unit, life))
    out.sort(key=lambda pair: pair[1].received_at)
    return out


def seed(session: Session, ctx: DemoContext) -> None:
    """Write the history (about 420 orders) into the demo district."""
    rng = random.Random(ctx.rng.getrandbits(64))
    now = ctx.now
    stations = _stations(session)
    if not stations:
        return
    people = _people(session, ctx, stations)
    lives = _lives(rng, stations, now)
    departments = dict(session.execute(select(Department.code, Department.id)).all())
    rows = OrderRows(rng, people, now, departments)
    seq: dict[tuple[int, dt.date], int] = defaultdict(int)
    for unit, life in lives:
        day = local_date(life.received_at)
        seq[(unit.id, day)] += 1
        rows.add(unit, format_code(unit.short_code, life.received_at, seq[(unit.id, day)]), life)
    ids = _insert_orders(session, rows.orders)
    rows.bind(ids)
    _insert(session, OrderEvent, rows.events)
    _insert(session, Task, rows.tasks)
    _insert(session, Alert, rows.alerts)
    _insert(session, OverdueRecord, rows.overdue)
    _insert(session, Feedback, rows.feedback)
    _insert(
        session, DayCounter, [{"unit_id": u, "day": d, "last_seq": n} for (u, d), n in seq.items()]
    )
    demo_cases.seed_cases(session, rng, rows, now)
    demo_cases.seed_draws(session, rng, rows, stations, now)
    demo_cases.seed_notifications(session, rows, ctx.data.get("users", {}), now)
    audit.record(
        session,
        principal=None,
        action="workorders.demo_seed",
        object_type="work_orders",
        detail={"orders": len(rows.orders), "events": len(rows.events)},
        now=now,
    )
    session.flush()


def _insert_orders(session: Session, orders: list[dict[str, Any]]) -> dict[str, int]:
    stmt = insert(WorkOrder).returning(WorkOrder.id, WorkOrder.code, sort_by_parameter_order=True)
    return {code: oid for oid, code in session.execute(stmt, orders)}


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model), rows)
