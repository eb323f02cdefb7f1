"""The standard's versions and the stations' scorecards against them.

Versions are the shipped files (1.0, 2.0) plus those an administrator loaded: a loaded
version is checked whole by :func:`jingwu.standard.requirements.parse_version` before it is
stored, so an inconsistent one leaves nothing behind. Scorecards are computed on request
from the platform's records (:mod:`jingwu.standard.measure`) for the stations in the
caller's scope; nothing about a verdict is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped, subtree, unit_in_scope
from jingwu.audit import service as audit
from jingwu.config import get_settings
from jingwu.errors import Conflict, Invalid, NotFound
from jingwu.org.models import Unit
from jingwu.standard.measure import station_facts
from jingwu.standard.models import StandardVersionRow
from jingwu.standard.requirements import (
    DEFAULT_VERSION,
    SHIPPED,
    StandardVersion,
    load_version,
    parse_version,
    shipped,
    version_to_data,
)
from jingwu.standard.verdicts import MET, NOT_MEASURABLE, NOT_MET, Scorecard, scorecard

__all__ = [
    "DEFAULT_VERSION",
    "StationCard",
    "get_version",
    "load",
    "scorecard_of",
    "scorecards",
    "stations",
    "units_above_stations",
    "unmet_by_station",
    "versions",
]


@dataclass(frozen=True)
class StationCard:
    """A station with its scorecard."""

    unit: Unit
    card: Scorecard

    @property
    def met(self) -> int:
        return self.card.count(MET)

    @property
    def not_met(self) -> int:
        return self.card.count(NOT_MET)

    @property
    def not_measurable(self) -> int:
        return self.card.count(NOT_MEASURABLE)


def versions(session: Session) -> list[StandardVersion]:
    """Every version: the shipped ones, then those loaded, by version."""
    loaded = [
        parse_version(row.data)
        for row in session.scalars(select(StandardVersionRow).order_by(StandardVersionRow.id))
    ]
    found = {v.version: v for v in [*(shipped(s) for s in SHIPPED), *loaded]}
    return sorted(found.values(), key=lambda v: tuple(int(p) for p in v.version.split(".")))


def get_version(session: Session, version: str | None) -> StandardVersion:
    """A version by its number (the default when None); Invalid naming ``version`` if unknown."""
    wanted = (version or DEFAULT_VERSION).strip()
    if wanted in SHIPPED:
        return shipped(wanted)
    row = session.scalar(select(StandardVersionRow).where(StandardVersionRow.version == wanted))
    if row is None:
        raise Invalid(
            "There is no standard version {version}.",
            params={"version": wanted},
            fields={"version": "unknown"},
        )
    return parse_version(row.data)


def load(
    session: Session, principal: Principal, *, content: bytes, now: dt.datetime
) -> StandardVersion:
    """Check a version file whole and keep it; nothing is stored when a threshold is wrong."""
    principal.require("standard.manage")
    version = load_version(content)
    if version.version in SHIPPED or session.scalar(
        select(StandardVersionRow.id).where(StandardVersionRow.version == version.version)
    ):
        raise Conflict(
            "Standard version {version} exists already.",
            params={"version": version.version},
            code="exists",
        )
    row = StandardVersionRow(
        version=version.version,
        data=version_to_data(version),
        loaded_at=now,
        loaded_by_id=principal.user_id,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(
            "Standard version {version} exists already.",
            params={"version": version.version},
            code="exists",
        ) from exc
    audit.record(
        session,
        principal=principal,
        action="standard.version_loaded",
        object_type="std_versions",
        object_id=row.id,
        detail={"version": version.version, "requirements": len(version.requirements)},
        now=now,
    )
    return version


def _stations_query(session: Session, principal: Principal, unit: str | None) -> Select[Any]:
    stmt = scoped(select(Unit), principal, Unit.id).where(Unit.kind == "community")
    if unit:
        top = unit_in_scope(session, principal, unit)
        if top is None:
            raise NotFound("No such unit.")
        stmt = stmt.where(Unit.id.in_(subtree(top)))
    return stmt


def stations(session: Session, principal: Principal, *, unit: str | None = None) -> list[Unit]:
    """The community stations in scope (below ``unit`` when given), by code."""
    principal.require("standard.view")
    stmt = _stations_query(session, principal, unit)
    return list(session.scalars(stmt.order_by(Unit.short_code)))


def units_above_stations(session: Session, principal: Principal) -> list[Unit]:
    """The districts and streets in scope (to narrow the list), by path."""
    principal.require("standard.view")
    stmt = scoped(select(Unit), principal, Unit.id).where(Unit.kind != "community")
    return list(session.scalars(stmt.order_by(Unit.path)))


def _cards(
    session: Session,
    units: Sequence[Unit],
    version: StandardVersion,
    now: dt.datetime,
    tz: ZoneInfo | None,
    among: Select[Any] | None = None,
) -> list[StationCard]:
    zone = tz or get_settings().tz
    facts = station_facts(session, units, version, now=now, tz=zone, among=among)
    return [StationCard(u, scorecard(version, f)) for u, f in zip(units, facts, strict=True)]


def scorecards(
    session: Session,
    principal: Principal,
    *,
    version: str | None,
    now: dt.datetime,
    unit: str | None = None,
    tz: ZoneInfo | None = None,
) -> list[StationCard]:
    """The scorecard of every station in scope (below ``unit``) for a version."""
    chosen = get_version(session, version)
    units = stations(session, principal, unit=unit)
    ids = _stations_query(session, principal, unit).with_only_columns(Unit.id)
    return _cards(session, units, chosen, now, tz, ids)


def scorecard_of(
    session: Session,
    principal: Principal,
    *,
    station: str | int,
    version: str | None,
    now: dt.datetime,
    tz: ZoneInfo | None = None,
) -> StationCard:
    """One station's scorecard for a version; NotFound outside the caller's scope."""
    principal.require("standard.view")
    unit = unit_in_scope(session, principal, station, kind="community")
    if unit is None:
        raise NotFound("No such station.")
    return _cards(session, [unit], get_version(session, version), now, tz)[0]


def unmet_by_station(
    session: Session,
    principal_or_unit_ids: Principal | Iterable[int],
    version: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> dict[int, tuple[str, ...]]:
    """Each station's unmet requirement ids (not met or not measurable), by unit id.

    Given a principal: the stations in its scope. Given unit ids: those of them that are
    stations (the caller has checked the scope), for the rollout dashboard.
    """
    at = now or dt.datetime.now(dt.UTC)
    chosen = get_version(session, version)
    among = None
    if isinstance(principal_or_unit_ids, Principal):
        units = stations(session, principal_or_unit_ids)
        among = _stations_query(session, principal_or_unit_ids, None).with_only_columns(Unit.id)
    else:
        ids = sorted(set(principal_or_unit_ids))
        units = []
        for start in range(0, len(ids), 900):  # under SQLite's parameter limit
            chunk = ids[start : start + 900]
            stmt = select(Unit).where(Unit.id.in_(chunk), Unit.kind == "community")
            units += list(session.scalars(stmt.order_by(Unit.id)))
    return {c.unit.id: c.card.unmet for c in _cards(session, units, chosen, at, None, among)}
