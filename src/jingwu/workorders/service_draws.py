"""The quota draws of orange orders (WO-2): commit to a seed first, reveal and draw later.

The seed is chosen and its SHA-256 published before the month begins; after the month the
seed is revealed and the draw run over the codes of the station's orange orders completed
(resolved) in that month. Anyone can repeat it with :mod:`jingwu.workorders.draw`.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped, station_in_scope
from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.org.models import Unit
from jingwu.workorders import draw as quota
from jingwu.workorders.models import Draw, WorkOrder
from jingwu.workorders.reports import month_bounds
from jingwu.workorders.service_core import actor_of
from jingwu.workorders.vocab import Actor, term

# The drawing unit stands above the station, so the station cannot steer its own sample.
DRAW_ROLES = frozenset({Actor.STREET, Actor.DIRECTOR, Actor.INSPECTOR, Actor.SYSTEM})


def _check(session: Session, principal: Principal, station: str) -> Unit:
    actor = actor_of(principal)
    if actor not in DRAW_ROLES:
        raise Forbidden(
            "The role {actor} may not run draws; allowed: director, inspector, street.",
            params={"actor": term("actor", actor)},
            code="role_forbidden",
        )
    unit = station_in_scope(session, principal, station)
    if unit is None:
        raise Invalid(
            "Unknown station '{station}'.",
            params={"station": station},
            fields={"station": "unknown station"},
        )
    return unit


def commit_draw(
    session: Session,
    principal: Principal,
    *,
    station: str,
    month: str,
    now: dt.datetime,
    seed: str | None = None,
) -> Draw:
    """Choose a secret seed for a station-month and publish its commitment (before the month)."""
    unit = _check(session, principal, station)
    start, _ = month_bounds(month)
    if now >= start:
        raise Conflict(
            "The draw for {month} must be committed before the month begins.",
            params={"month": month},
            code="too_late",
        )
    secret = seed or secrets.token_hex(32)
    row = Draw(
        unit_id=unit.id,
        month=month,
        commitment=quota.commit(secret),
        seed=secret,
        committed_at=now,
        committed_by_id=principal.user_id,
    )
    session.add(row)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(
            "The draw for {station} {month} is committed already.",
            params={"station": station, "month": month},
        ) from None
    return row


def population(session: Session, *, unit_id: int, month: str) -> list[str]:
    """Codes of the station's orange orders resolved in the local ``month``."""
    start, end = month_bounds(month)
    return list(
        session.scalars(
            select(WorkOrder.code)
            .where(
                WorkOrder.unit_id == unit_id,
                WorkOrder.tier == "orange",
                WorkOrder.resolved_at >= start,
                WorkOrder.resolved_at < end,
                WorkOrder.state.in_(("resolved", "closed")),
            )
            .order_by(WorkOrder.code)
        )
    )


def reveal_draw(
    session: Session, principal: Principal, *, station: str, month: str, now: dt.datetime
) -> Draw:
    """After the month: reveal the seed and draw the re-inspection and home-visit samples."""
    unit = _check(session, principal, station)
    row = session.scalar(select(Draw).where(Draw.unit_id == unit.id, Draw.month == month))
    if row is None:
        raise NotFound(
            "No draw was committed for {station} {month}.",
            params={"station": station, "month": month},
        )
    if row.revealed_at is not None:
        raise Conflict(
            "The draw for {station} {month} is drawn already.",
            params={"station": station, "month": month},
            code="wrong_state",
        )
    _, end = month_bounds(month)
    if now < end:
        raise Conflict(
            "The draw for {month} can be made once the month is over.",
            params={"month": month},
            code="too_early",
        )
    quota.verify_reveal(row.seed, row.commitment)
    codes = population(session, unit_id=unit.id, month=month)
    result = quota.draw(row.seed, codes)
    row.codes, row.population = codes, result.population
    row.reinspection, row.home_visit = list(result.reinspection), list(result.home_visit)
    row.revealed_at = now
    session.flush()
    return row


def list_draws(session: Session, principal: Principal) -> list[tuple[Draw, Unit]]:
    """Draws of the stations in scope, newest month first."""
    principal.require("workorders.draws")
    stmt = (
        scoped(select(Draw, Unit), principal, Draw.unit_id)
        .join(Unit, Unit.id == Draw.unit_id)
        .order_by(Draw.month.desc(), Unit.short_code)
    )
    return [(d, u) for d, u in session.execute(stmt)]


def published_seed(row: Draw) -> str | None:
    """The seed once revealed; hidden before (only the commitment is public)."""
    return row.seed if row.revealed_at is not None else None
