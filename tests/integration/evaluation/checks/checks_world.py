"""A small world for spot-check tests: the work orders' world, completed orders, a signed log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jingwu.evidence import sequencer
from jingwu.evidence.logkeys import LogKeys
from jingwu.workorders.models import WorkOrder
from tests.integration.workorders.wo_factory import World, new_order

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
DEC1 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)
JAN1 = dt.datetime(2027, 1, 1, 2, 0, tzinfo=dt.UTC)
SEED = "a-seed-kept-secret-until-the-draw-0123"


def completed(
    session: Session,
    w: World,
    *,
    station: str = "SA01",
    resolved: dt.datetime,
    tier: str = "orange",
    n: int = 1,
) -> list[WorkOrder]:
    """``n`` orders of ``station`` resolved at ``resolved`` (state set directly)."""
    made = []
    for k in range(n):
        who = {"SA01": "officer", "SA02": "other_officer", "SB01": "b_officer"}[station]
        o = new_order(session, w, who=who, station=station, address=f"文三路 {k} 号")
        o.received_at, o.resolved_at = resolved - dt.timedelta(hours=5), resolved
        o.state, o.tier = "resolved", tier
        made.append(o)
    session.flush()
    return made


def sign(session: Session, keys: LogKeys, now: dt.datetime) -> None:
    """Sequence what is queued and sign a checkpoint (what the worker does)."""
    sequencer.integrate(session, now=now)
    sequencer.sign_head(session, keys, now=now)
    session.flush()
