"""Read models of the standard's pages and API: the station list, a scorecard, the module mix."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, unit_in_scope
from jingwu.config import get_settings
from jingwu.errors import NotFound
from jingwu.org.models import Unit
from jingwu.standard import assess, rectify, service
from jingwu.standard.measure import station_facts
from jingwu.standard.requirements import StandardVersion
from jingwu.standard.verdicts import MET
from jingwu.workorders.vocab import MODULE_LABELS, Module


@dataclass(frozen=True)
class ModuleRow:
    """A functional module's share of a station's work against the standard's share."""

    module: str
    label: str
    orders: int
    share: float  # %
    expected: float  # %

    @property
    def deviation(self) -> float:
        return round(self.share - self.expected, 1)


@dataclass(frozen=True)
class ModuleMix:
    """A station's work by module over the standard's window (ORG-5)."""

    unit: Unit
    version: str
    days: int
    tolerance: float
    total: int
    rows: list[ModuleRow]

    @property
    def within(self) -> bool:
        return self.total > 0 and all(abs(r.deviation) <= self.tolerance for r in self.rows)


@dataclass(frozen=True)
class ListPage:
    """The stations in scope with their scorecards for one version."""

    version: StandardVersion
    versions: list[StandardVersion]
    unit: Unit | None
    streets: list[Unit]
    cards: list[service.StationCard]
    by_requirement: dict[str, int] = field(default_factory=dict)  # stations meeting each


@dataclass(frozen=True)
class StationPage:
    """One station's scorecard, its self-assessments, rectifications and module mix."""

    version: StandardVersion
    versions: list[StandardVersion]
    card: service.StationCard
    assessments: dict[str, assess.AssessmentView]
    rectifications: dict[str, rectify.RectificationView]
    mix: ModuleMix


def list_page(
    session: Session,
    principal: Principal,
    *,
    version: str | None,
    unit: str | None,
    now: dt.datetime,
) -> ListPage:
    """The list of stations in scope (below ``unit``) with their scores."""
    chosen = service.get_version(session, version)
    cards = service.scorecards(session, principal, version=chosen.version, unit=unit, now=now)
    top = unit_in_scope(session, principal, unit) if unit else None
    streets = [
        u
        for u in service.units_above_stations(session, principal)
        if u.kind in {"street", "district"}
    ]
    meeting = {
        r.id: sum(
            1
            for c in cards
            for v in c.card.verdicts
            if v.requirement.id == r.id and v.status == MET
        )
        for r in chosen.requirements
    }
    return ListPage(chosen, service.versions(session), top, streets, cards, meeting)


def module_mix(
    session: Session,
    principal: Principal,
    *,
    station: str | int,
    version: str | None,
    now: dt.datetime,
    tz: ZoneInfo | None = None,
) -> ModuleMix:
    """A station's work orders by functional module against the version's shares."""
    principal.require("standard.view")
    unit = unit_in_scope(session, principal, station, kind="community")
    if unit is None:
        raise NotFound("No such station.")
    chosen = service.get_version(session, version)
    requirement = next(r for r in chosen.requirements if r.query == "module_mix")
    facts = station_facts(session, [unit], chosen, now=now, tz=tz or get_settings().tz)[0]
    shares: dict[str, float] = requirement.param("shares")
    total = sum(facts.modules.values())
    rows = [
        ModuleRow(
            m,
            MODULE_LABELS[Module(m)],
            facts.modules.get(m, 0),
            round(100 * facts.modules.get(m, 0) / total, 1) if total else 0.0,
            expected,
        )
        for m, expected in shares.items()
    ]
    return ModuleMix(
        unit,
        chosen.version,
        int(requirement.param("days")),
        requirement.param("tolerance"),
        total,
        rows,
    )


def station_page(
    session: Session, principal: Principal, *, station: str, version: str | None, now: dt.datetime
) -> StationPage:
    """Everything the scorecard page of one station shows."""
    card = service.scorecard_of(session, principal, station=station, version=version, now=now)
    chosen = service.get_version(session, version)
    open_first = sorted(
        rectify.for_station(session, principal, station=card.unit.id),
        key=lambda r: r.rectification.closed_at is not None,
    )
    latest: dict[str, rectify.RectificationView] = {}
    for r in open_first:
        latest.setdefault(r.rectification.requirement_id, r)
    return StationPage(
        chosen,
        service.versions(session),
        card,
        assess.for_station(session, card.unit),
        latest,
        module_mix(session, principal, station=card.unit.id, version=chosen.version, now=now),
    )
