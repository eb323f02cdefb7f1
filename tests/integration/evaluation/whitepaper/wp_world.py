"""A small world for the white paper: seven resolved orders in three stations, with feedback."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jingwu.evaluation.indices import service
from jingwu.evaluation.indices.periods import Period, of_instant
from jingwu.evaluation.vocab import Frequency
from jingwu.workorders.models import Feedback
from tests.integration.evaluation.checks.checks_world import NOW, completed
from tests.integration.workorders.wo_factory import World, make_world

PLAN = (("SA01", "red", 3), ("SA01", "yellow", 2), ("SB01", "red", 2))


def plant(session: Session) -> World:
    """SA01: 3 red and 2 yellow orders, SB01: 2 red, all resolved at ``NOW``; each answered
    in 30 minutes except SB01's first (2 hours); red ones rated 5, yellow ones 3."""
    world = make_world(session)
    for station, tier, n in PLAN:
        made = completed(session, world, station=station, tier=tier, n=n, resolved=NOW)
        for k, o in enumerate(made):
            late = station == "SB01" and k == 0
            o.responded_at = o.received_at + dt.timedelta(minutes=120 if late else 30)
            session.add(
                Feedback(
                    order_id=o.id,
                    unit_id=o.unit_id,
                    round=1,
                    via="link",
                    rating=5 if tier == "red" else 3,
                    resolved=True,
                    at=NOW,
                )
            )
    session.flush()
    recompute(session)
    return world


def recompute(session: Session, now: dt.datetime = NOW) -> None:
    """What the recompute job writes for 2026 up to ``now``'s month: the stored values the
    white paper reads."""
    months = [Period(2026, m, 1) for m in range(1, of_instant(now).month + 1)]
    quarters = sorted({m.containing(Frequency.QUARTERLY) for m in months})
    service.recompute_periods(session, [*months, *quarters], now=now)
    session.flush()
