"""Read models of the rollout dashboard, the API and the CLI, scoped to the caller's units.

Progress is tallied by :mod:`jingwu.rollout.plan` from the targets and stations in scope;
the stations blocked by unmet requirements are those with open rectification items, read
through the improvement domain (a scorecard's failed requirement or a spot check opens one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.evaluation.improvement import queries as improvement
from jingwu.evaluation.improvement.queries import OpenRectification
from jingwu.org.models import Unit
from jingwu.rollout import plan
from jingwu.rollout.models import RolloutStation, RolloutTarget
from jingwu.rollout.plan import Cell, StationFact, Target
from jingwu.rollout.service import today as local_today


@dataclass(frozen=True)
class StationRow:
    """A station in the plan: where it is, its phase and status, what blocks it."""

    unit: Unit
    street: Unit | None
    district: Unit | None
    row: RolloutStation
    since: dt.date | None  # the day it reached its status
    moves: list[str]  # the statuses the caller may move it to
    rectifications: list[OpenRectification] = field(default_factory=list)


@dataclass(frozen=True)
class Dashboard:
    """Progress against the plan in the caller's scope, as of ``today``."""

    today: dt.date
    total: Cell
    years: list[tuple[int, Cell]]
    phases: list[tuple[str, Cell]]
    streets: list[tuple[Unit, Cell]]
    districts: list[tuple[Unit, Cell]]
    street_phase: dict[tuple[int, str], Cell]
    stations: list[StationRow]
    units: dict[int, Unit]

    @property
    def blocked(self) -> list[StationRow]:
        """Stations on their way (not yet demonstration stations) with open rectification
        items: requirements they do not meet yet."""
        return [s for s in self.stations if s.rectifications and s.row.status != "demonstration"]

    def district_of(self, street: Unit) -> Unit | None:
        parent = self.units.get(street.parent_id or 0)
        return parent if parent is not None and parent.kind == "district" else None


def _units(session: Session, principal: Principal) -> dict[int, Unit]:
    """Units in scope and the ones above them (for names); a few hundred at most."""
    own = {u.id: u for u in session.scalars(scoped(select(Unit), principal, Unit.id))}
    above = {int(p) for u in own.values() for p in u.path.strip("/").split("/") if p.isdigit()}
    missing = above - own.keys()
    if missing:
        own |= {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(missing)))}
    return own


def facts(
    session: Session, principal: Principal, units: dict[int, Unit]
) -> tuple[list[Target], list[tuple[RolloutStation, StationFact]]]:
    """The targets and the stations of the plan in scope, as the tallies see them."""

    def district(street_id: int) -> int | None:
        parent = units.get(units[street_id].parent_id or 0) if street_id in units else None
        return parent.id if parent is not None and parent.kind == "district" else None

    targets = [
        Target(t.unit_id, district(t.unit_id), t.phase, t.target)
        for t in session.scalars(
            scoped(select(RolloutTarget), principal, RolloutTarget.unit_id).order_by(
                RolloutTarget.phase, RolloutTarget.unit_id
            )
        )
    ]
    stations = []
    for s in session.scalars(
        scoped(select(RolloutStation), principal, RolloutStation.unit_id).order_by(
            RolloutStation.unit_id
        )
    ):
        street = units[s.unit_id].parent_id or 0
        fact = StationFact(
            s.unit_id, street, district(street), s.phase, s.status, s.demonstration_on
        )
        stations.append((s, fact))
    return targets, stations


def _sorted(cells: dict[Hashable, Cell]) -> list[tuple[Hashable, Cell]]:
    return sorted(cells.items(), key=lambda kv: str(kv[0]))


def dashboard(session: Session, principal: Principal, *, now: dt.datetime) -> Dashboard:
    """Progress per year, phase, street and district; every station with its status."""
    day = local_today(now)
    units = _units(session, principal)
    targets, stations = facts(session, principal, units)
    only = [f for _, f in stations]
    total = plan.tally(targets, only, day, plan.everything).get("all", Cell())
    streets = plan.tally(targets, only, day, plan.by_street)
    districts = plan.tally(targets, only, day, plan.by_district)
    blocked = improvement.open_rectifications(
        session, principal, now=now, unit_ids=[s.unit_id for s, _ in stations]
    )
    by_unit: dict[int, list[OpenRectification]] = {}
    for r in blocked:
        by_unit.setdefault(r.unit_id, []).append(r)
    rows = []
    for s, f in stations:
        street = units.get(f.street_id)
        rows.append(
            StationRow(
                unit=units[s.unit_id],
                street=street,
                district=units.get(f.district_id or 0),
                row=s,
                since=getattr(s, f"{s.status}_on"),
                moves=_moves(principal, s.status),
                rectifications=by_unit.get(s.unit_id, []),
            )
        )
    return Dashboard(
        today=day,
        total=total,
        years=[(int(str(k)), c) for k, c in _sorted(plan.tally(targets, only, day, plan.by_year))],
        phases=[(str(k), c) for k, c in _sorted(plan.tally(targets, only, day, plan.by_phase))],
        streets=sorted(
            ((units[int(str(k))], c) for k, c in streets.items() if int(str(k)) in units),
            key=lambda uc: uc[0].short_code,
        ),
        districts=sorted(
            ((units[k], c) for k, c in districts.items() if isinstance(k, int) and k in units),
            key=lambda uc: uc[0].short_code,
        ),
        street_phase={
            (int(k[0]), str(k[1])): c
            for k, c in plan.tally(targets, only, day, plan.by_street_phase).items()
            if isinstance(k, tuple)
        },
        stations=sorted(rows, key=lambda r: r.unit.short_code),
        units=units,
    )


def _moves(principal: Principal, status: str) -> list[str]:
    if not principal.can("rollout.status"):
        return []
    return plan.allowed_moves(principal.role, status)
