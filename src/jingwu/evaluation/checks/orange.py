"""The orange-order quota draws of the work orders, logged and paired with inspectors.

The work orders keep their quota draws (``wo_draws``, :mod:`jingwu.workorders.service_draws`):
a station-month's commitment before the month, the seed and the 30 % re-inspection and
20 % home-visit samples after it. Here each of them gets a draw row of kind ``orange``:

- its commitment goes into the evidence log with the station's inspector pool, as soon as
  it exists (committed through the evaluation pages at once, through the work-order pages
  by the ``evaluation.checks.orange`` job within a minute — either way before the month
  begins, long before the samples are drawn);
- once the work orders have drawn the samples, each sampled order is paired with
  inspectors by the same seed (the draw's record goes into the log), and its outcome is
  recorded like any other check.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM, Principal
from jingwu.errors import Conflict
from jingwu.evaluation.checks import draws as core
from jingwu.evaluation.checks import ledger, pools
from jingwu.evaluation.checks.models import CheckDraw
from jingwu.evaluation.checks.pools import Kind, Purpose
from jingwu.org.models import Unit
from jingwu.workorders import service_draws
from jingwu.workorders.models import Draw

DEFAULT_TEAM = 2
QUOTA = "3/10,1/5"  # the re-inspection and home-visit shares, as published
SHARES = {Purpose.REINSPECTION: Fraction(3, 10), Purpose.HOME_VISIT: Fraction(1, 5)}
BATCH = 200


def orange_code(station: Unit, month: str) -> str:
    """``BS01-202611-Q``: the station and the month of a quota draw."""
    return f"{station.short_code}-{month.replace('-', '')}-Q"


def log_orange(
    session: Session, principal: Principal, wo: Draw, *, now: dt.datetime
) -> CheckDraw | None:
    """Log one quota draw's commitment with the station's inspector pool (None if done)."""
    station = session.get(Unit, wo.unit_id)
    assert station is not None
    row = CheckDraw(
        code=orange_code(station, wo.month),
        kind=str(Kind.ORANGE),
        unit_id=wo.unit_id,
        period=wo.month,
        quota=QUOTA,
        team=DEFAULT_TEAM,
        inspectors=pools.inspector_pool(session, station),
        commitment=wo.commitment,
        seed=None,
        wo_draw_id=wo.id,
        committed_at=wo.committed_at,
        committed_by_id=wo.committed_by_id,
    )
    try:
        with session.begin_nested():
            ledger.log_commitment(session, principal, row, unit_code=station.short_code, now=now)
            session.add(row)
            session.flush()
    except IntegrityError:
        return None  # another worker logged it a moment ago
    return row


def quota_samples(seed: str, codes: list[str]) -> dict[Purpose, tuple[str, ...]]:
    """The re-inspection and home-visit samples of a station-month (the work orders' rule)."""
    return {
        purpose: core.choose(seed, codes, core.Quota(share=share), purpose=purpose)
        for purpose, share in SHARES.items()
    }


def pair_orange(
    session: Session, principal: Principal, row: CheckDraw, wo: Draw, *, now: dt.datetime
) -> CheckDraw:
    """Pair the drawn samples with inspectors by the revealed seed and log the record."""
    samples = {
        Purpose.REINSPECTION: [str(c) for c in wo.reinspection or []],
        Purpose.HOME_VISIT: [str(c) for c in wo.home_visit or []],
    }
    pairs = {
        purpose: list(core.assign(wo.seed, chosen, row.inspectors, team=row.team, purpose=purpose))
        for purpose, chosen in samples.items()
    }
    row.targets, row.checked = [str(c) for c in wo.codes or []], []
    row.pairs = ledger.stored_pairs(pairs)
    row.drawn_at, row.drawn_by_id = now, principal.user_id
    ledger.log_record(session, principal, row, seed=wo.seed, now=now)
    session.flush()
    return row


def sync(session: Session, *, now: dt.datetime, principal: Principal = SYSTEM) -> tuple[int, int]:
    """Log the quota draws not yet logged and pair those drawn since: (logged, paired)."""
    pending = session.scalars(
        select(Draw)
        .outerjoin(CheckDraw, CheckDraw.wo_draw_id == Draw.id)
        .where(CheckDraw.id.is_(None))
        .order_by(Draw.id)
        .limit(BATCH)
    ).all()
    logged = sum(log_orange(session, principal, wo, now=now) is not None for wo in pending)
    ready = session.execute(
        select(CheckDraw, Draw)
        .join(Draw, Draw.id == CheckDraw.wo_draw_id)
        .where(CheckDraw.drawn_at.is_(None), Draw.revealed_at.is_not(None))
        .order_by(CheckDraw.id)
        .limit(BATCH)
    ).all()
    for waiting in session.scalars(
        select(CheckDraw).where(
            CheckDraw.commit_log_index.is_(None)
            | (CheckDraw.record_entry_id.is_not(None) & CheckDraw.record_log_index.is_(None))
        )
    ):
        ledger.refresh_indexes(session, waiting)  # the sequencer has reached them since
    paired = 0
    for row, wo in ready:
        ledger.refresh_indexes(session, row)
        if row.commit_log_index is not None:  # else the sequencer has not reached it yet
            pair_orange(session, principal, row, wo, now=now)
            paired += 1
    return logged, paired


def commit(
    session: Session, principal: Principal, *, station: str, month: str, now: dt.datetime
) -> CheckDraw:
    """Commit a station-month's quota draw (work orders) and log its commitment at once."""
    principal.require("evaluation.inspect")
    unit = pools.unit_in_scope(session, principal, station, field="station")
    taken = session.scalar(
        select(Draw.id).where(Draw.unit_id == unit.id, Draw.month == month.strip())
    )
    if taken is not None:
        raise Conflict(
            "The draw {code} is committed already; its seed cannot change.",
            params={"code": orange_code(unit, month.strip())},
            code="committed",
        )
    wo = service_draws.commit_draw(session, principal, station=station, month=month, now=now)
    row = log_orange(session, principal, wo, now=now)
    assert row is not None
    return row


def reveal(
    session: Session, principal: Principal, *, station: str, month: str, now: dt.datetime
) -> CheckDraw:
    """Draw a station-month's samples (work orders) and pair them with inspectors at once."""
    principal.require("evaluation.inspect")
    unit = pools.unit_in_scope(session, principal, station, field="station")
    wo = session.scalar(select(Draw).where(Draw.unit_id == unit.id, Draw.month == month.strip()))
    row = None if wo is None else _link(session, wo)
    if wo is not None and row is None:
        row = log_orange(session, principal, wo, now=now)  # logged late, and verify says so
    if row is not None:
        ledger.require_logged(session, row)  # the commitment is in the log before the draw
    wo = service_draws.reveal_draw(session, principal, station=station, month=month, now=now)
    assert row is not None
    return pair_orange(session, principal, row, wo, now=now)


def _link(session: Session, wo: Draw) -> CheckDraw | None:
    return session.scalar(select(CheckDraw).where(CheckDraw.wo_draw_id == wo.id))
