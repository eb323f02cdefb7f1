"""Double-random draws of stations and of completed orders: commit, then draw.

1. **Commit** (before the draw): the drawing unit (a district or a street, in the caller's
   scope) names the kind, the month, the quota and the team size; a secret seed is chosen,
   the inspector pool is fixed, and the commitment document goes into the evidence log.
   A station draw is committed before its month ends, an order draw before its month
   begins (the orders it draws from are completed during the month).
2. **Draw** (once the commitment is in the log): the target pool is fixed — the stations,
   or the orders completed in the month — less the targets already checked this year; the
   seed is revealed, the pure draw (:mod:`jingwu.evaluation.checks.draws`) pairs targets
   with inspectors, and the record document goes into the log. A station draw is made from
   the first day of its month, an order draw once its month is over.

Only one draw exists per kind, unit and month, and its seed is fixed at commit: a draw is
never made twice, nor with another seed.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.errors import Conflict, Invalid, NotFound
from jingwu.evaluation.checks import draws as core
from jingwu.evaluation.checks import ledger, pools
from jingwu.evaluation.checks.models import CheckDraw
from jingwu.evaluation.checks.periods import local_month, month_bounds, months_left, parse_month
from jingwu.evaluation.checks.pools import Kind, Purpose
from jingwu.org.models import Unit

DEFAULT_TEAM = 2
DEFAULT_ORDER_QUOTA = "1/20"
LETTER = {Kind.STATION: "S", Kind.ORDER: "O"}


def draw_code(kind: Kind, unit: Unit, period: str) -> str:
    """``XH00-202603-S``: drawing unit, month, kind (S stations, O orders)."""
    return f"{unit.short_code}-{period.replace('-', '')}-{LETTER[kind]}"


def _kind(kind: str) -> Kind:
    if kind not in (Kind.STATION, Kind.ORDER):
        raise Invalid("Choose stations or orders.", fields={"kind": "station or order"})
    return Kind(kind)


def _drawing_unit(session: Session, principal: Principal, code: str) -> Unit:
    unit = pools.unit_in_scope(session, principal, code, field="unit")
    if unit.kind == "community":
        raise Invalid(
            "A draw is made by a district or a street, not by a station.",
            fields={"unit": "district or street"},
        )
    return unit


def suggest_quota(session: Session, *, kind: Kind, unit: Unit, period: str) -> str:
    """A quota that checks every station by the year's end, or 1/20 of a month's orders."""
    if kind is Kind.ORDER:
        return DEFAULT_ORDER_QUOTA
    year, _ = parse_month(period)
    done = pools.checked_this_year(session, kind=kind, year=year)
    unchecked = len(set(pools.station_pool(session, unit)) - done)
    return str(core.suggested_quota(unchecked, months_left(period)))


def _check_commit_time(kind: Kind, period: str, now: dt.datetime) -> None:
    start, end = month_bounds(period)
    if kind is Kind.STATION and now >= end:
        raise Conflict(
            "A station draw for {month} must be committed before the month ends.",
            params={"month": period},
            code="too_late",
        )
    if kind is Kind.ORDER and now >= start:
        raise Conflict(
            "An order draw for {month} must be committed before the month begins.",
            params={"month": period},
            code="too_late",
        )


def commit_draw(
    session: Session,
    principal: Principal,
    *,
    kind: str,
    unit: str,
    period: str,
    quota: str | None = None,
    team: int = DEFAULT_TEAM,
    now: dt.datetime,
    seed: str | None = None,
) -> CheckDraw:
    """Fix a draw's inputs and secret seed, and log its commitment before anything is drawn."""
    principal.require("evaluation.inspect")
    what = _kind(kind)
    where = _drawing_unit(session, principal, unit)
    parse_month(period)
    _check_commit_time(what, period, now)
    rule = core.Quota.parse(quota or suggest_quota(session, kind=what, unit=where, period=period))
    inspectors = pools.inspector_pool(session, where)
    core.check_team(team, len(inspectors))
    secret = seed or secrets.token_hex(32)
    row = CheckDraw(
        code=draw_code(what, where, period),
        kind=str(what),
        unit_id=where.id,
        period=period,
        quota=rule.text(),
        team=team,
        inspectors=inspectors,
        commitment=core.commit(secret),
        seed=secret,
        committed_at=now,
        committed_by_id=principal.user_id,
    )
    return _insert(session, principal, row, where, now)


def _insert(
    session: Session, principal: Principal, row: CheckDraw, unit: Unit, now: dt.datetime
) -> CheckDraw:
    taken = session.scalar(select(CheckDraw.id).where(CheckDraw.code == row.code))
    if taken is not None:
        raise Conflict(
            "The draw {code} is committed already; its seed cannot change.",
            params={"code": row.code},
            code="committed",
        )
    try:
        with session.begin_nested():
            ledger.log_commitment(session, principal, row, unit_code=unit.short_code, now=now)
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(
            "The draw {code} is committed already; its seed cannot change.",
            params={"code": row.code},
            code="committed",
        ) from None
    return row


def get_draw(
    session: Session, principal: Principal, *, code: str, for_update: bool = False
) -> CheckDraw:
    """The draw ``code`` if its drawing unit is in the principal's scope, else NotFound."""
    stmt = scoped(select(CheckDraw), principal, CheckDraw.unit_id).where(
        CheckDraw.code == code.strip().upper()
    )
    if for_update:
        stmt = stmt.with_for_update()
    row = session.scalar(stmt)
    if row is None:
        raise NotFound("No draw {code}.", params={"code": code})
    return row


def _check_draw_time(row: CheckDraw, now: dt.datetime) -> None:
    start, end = month_bounds(row.period)
    ready = start if row.kind == Kind.STATION else end
    if now < ready:
        raise Conflict(
            "The draw {code} can be made from {month}.",
            params={"code": row.code, "month": local_month(ready)},
            code="too_early",
        )


def run_draw(session: Session, principal: Principal, *, code: str, now: dt.datetime) -> CheckDraw:
    """Reveal the seed and draw: targets not checked this year, each with its inspectors."""
    principal.require("evaluation.inspect")
    row = get_draw(session, principal, code=code, for_update=True)
    if row.kind == Kind.ORANGE:
        raise Conflict(
            "The orange draw {code} is drawn from the work orders' draws page.",
            params={"code": row.code},
            code="wrong_kind",
        )
    if row.drawn_at is not None:
        raise Conflict("The draw {code} is drawn already.", params={"code": row.code}, code="drawn")
    _check_draw_time(row, now)
    ledger.require_logged(session, row)
    unit = session.get(Unit, row.unit_id)
    assert unit is not None and row.seed is not None
    pool = (
        pools.station_pool(session, unit)
        if row.kind == Kind.STATION
        else pools.order_pool(session, unit, row.period)
    )
    done = pools.checked_this_year(session, kind=row.kind, year=parse_month(row.period)[0])
    result = core.draw(
        row.seed,
        targets=pool,
        inspectors=row.inspectors,
        quota=core.Quota.parse(row.quota),
        team=row.team,
        checked=done & set(pool),
    )
    row.targets, row.checked = pool, sorted(done & set(pool))
    row.pairs = ledger.stored_pairs({Purpose.TARGET: list(result.pairs)})
    row.drawn_at, row.drawn_by_id = now, principal.user_id
    ledger.log_record(session, principal, row, seed=row.seed, now=now)
    session.flush()
    return row
