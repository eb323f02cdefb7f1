"""A small world for the indices: the work orders' world with a month of orders, feedback,
tasks and mediations written directly (their states set, not acted through)."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy.orm import Session

from jingwu.workorders.models import Feedback, Mediation, Task, WorkOrder
from tests.integration.workorders.wo_factory import World, make_world

NOV = dt.datetime(2026, 11, 3, 2, 0, tzinfo=dt.UTC)  # 10:00 on 3 November in Shanghai
NOW = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
_codes = itertools.count(1)


def order(
    session: Session,
    w: World,
    station: str,
    *,
    at: dt.datetime = NOV,
    tier: str = "yellow",
    category: str = "noise",
    module: str = "livelihood",
    state: str = "closed",
    answered_in: dt.timedelta | None = dt.timedelta(minutes=20),
    done_in: dt.timedelta | None = dt.timedelta(hours=10),
    channel: str = "walk_in",
) -> WorkOrder:
    """One order received at ``at``: answered and resolved after the given delays (or not)."""
    o = WorkOrder(
        code=f"{station}-20261103-{next(_codes):04d}",
        unit_id=w.units[station].id,
        channel=channel,
        category=category,
        module=module,
        state=state,
        suggested_tier=tier,
        suggestion={},
        tier=tier,
        sla={},
        received_at=at,
        responded_at=None if answered_in is None else at + answered_in,
        resolved_at=None if done_in is None else at + done_in,
        closed_at=None if done_in is None or state != "closed" else at + done_in,
        response_due_at=at + dt.timedelta(minutes=30),
        completion_due_at=at + dt.timedelta(hours=24),
        updated_at=at,
    )
    session.add(o)
    session.flush()
    return o


def seeded(session: Session) -> World:
    """Three stations with different records in November 2026; SB01 has no orders at all."""
    w = make_world(session)
    for code, residents in (("SA01", 5000), ("SA02", 8000), ("SB01", 4000)):
        w.units[code].residents = residents
    late = dt.timedelta(hours=2)
    for k in range(6):  # SA01: 6 orders, 4 answered in time, 5 done in time
        o = order(
            session,
            w,
            "SA01",
            at=NOV + dt.timedelta(days=k),
            answered_in=late if k < 2 else dt.timedelta(minutes=10),
            done_in=dt.timedelta(hours=30) if k == 0 else dt.timedelta(hours=5),
            category="fire_hazard" if k % 2 else "noise",
            module="dispute" if k >= 3 else "livelihood",
        )
        session.add(
            Feedback(
                order_id=o.id,
                unit_id=o.unit_id,
                round=1,
                via="link",
                rating=3 + k % 3,
                resolved=k != 1,
                at=o.resolved_at,
                reopened=False,
            )
        )
        session.add(
            Task(
                order_id=o.id,
                unit_id=o.unit_id,
                due_at=o.received_at + dt.timedelta(days=1),
                status="done",
                created_at=o.received_at,
                done_at=o.received_at + dt.timedelta(hours=30 if k == 5 else 3),
            )
        )
    for k in range(3):  # SA02: 3 orders, 1 answered late, one still open
        o = order(
            session,
            w,
            "SA02",
            at=NOV + dt.timedelta(days=k),
            answered_in=late if k == 0 else dt.timedelta(minutes=5),
            done_in=None if k == 2 else dt.timedelta(hours=3),
            state="in_progress" if k == 2 else "closed",
            module="dispute",
        )
        if k == 1:
            session.add(
                Mediation(
                    order_id=o.id,
                    unit_id=o.unit_id,
                    mediator_name="调解员",
                    status="failed",
                    opened_at=o.received_at,
                    ended_at=o.received_at + dt.timedelta(hours=2),
                )
            )
        session.add(
            Feedback(
                order_id=o.id,
                unit_id=o.unit_id,
                round=1,
                via="call",
                rating=5,
                resolved=True,
                at=o.received_at + dt.timedelta(days=1),
                reopened=False,
            )
        )
        session.add(
            Task(
                order_id=o.id,
                unit_id=o.unit_id,
                due_at=o.received_at + dt.timedelta(days=1),
                status="open",
                created_at=o.received_at,
            )
        )
    order(session, w, "SA02", state="duplicate")  # left out everywhere
    session.flush()
    return w
