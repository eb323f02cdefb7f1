"""Read models of the map page's figures: the incidents of the chosen window and category in
the reader's area (in all, and per unit: every stored incident, also those off the heat
map's rectangle), and tomorrow's hotspots in words.

Every figure follows the page's filters and the reader's scope; the forecast is made for all
categories, so the hotspots' "usual" is the same window's average day over all categories
(the page says so).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.analytics.hotspot_words import Compared, Place, compare, place
from jingwu.analytics.models import Incident
from jingwu.analytics.queries import (
    ForecastView,
    Risk,
    category_id,
    check_window,
    forecast_view,
    scope_units,
    window_cells,
)
from jingwu.analytics.service_heat import current_grid, day_number, day_start, frame_of
from jingwu.org.models import Unit

HOTSPOT_CARDS = 5


@dataclass(frozen=True)
class UnitCount:
    """Incidents of one unit in the window."""

    code: str
    name: str
    incidents: int


@dataclass(frozen=True)
class Summary:
    """The incidents of the window and category in the reader's area."""

    window: int
    category: str | None
    incidents: int
    units: list[UnitCount]  # the units in scope with incidents, most first
    refreshed_at: dt.datetime | None


def _per_unit(
    session: Session, principal: Principal, cat: int | None, since: dt.datetime, until: dt.datetime
) -> dict[int, int]:
    """Incidents per unit in scope that occurred in [since, until] (of category ``cat``)."""
    stmt = scoped(
        select(Incident.unit_id, func.count())
        .where(Incident.occurred_at >= since, Incident.occurred_at <= until)
        .group_by(Incident.unit_id),
        principal,
        Incident.unit_id,
    )
    if cat is not None:
        stmt = stmt.where(Incident.category_id == cat)
    return {int(u): int(n) for u, n in session.execute(stmt)}


def summary(
    session: Session,
    principal: Principal,
    *,
    now: dt.datetime,
    tz: ZoneInfo,
    window: int,
    category: str | None,
) -> Summary:
    """How many incidents of the window and category the reader's area had, per unit too."""
    scope_units(session, principal)  # the permission check
    cat = category_id(session, category)
    since = day_start(day_number(now, tz) - check_window(window) + 1, tz)
    counts = _per_unit(session, principal, cat, since, now)
    names = {
        uid: (code, name)
        for uid, code, name in session.execute(
            select(Unit.id, Unit.short_code, Unit.name).where(Unit.id.in_(list(counts)))
        )
    }
    rows = [UnitCount(*names[u], n) for u, n in counts.items() if u in names and n]
    grid = current_grid(session)
    return Summary(
        window=window,
        category=category or None,
        incidents=sum(counts.values()),
        units=sorted(rows, key=lambda r: (-r.incidents, r.code)),
        refreshed_at=grid.refreshed_at if grid is not None else None,
    )


@dataclass(frozen=True)
class HotspotCard:
    """One of tomorrow's hotspot cells, as words for an officer."""

    risk: Risk
    station: str  # the name of the unit the cell lies in
    place: Place | None  # from the station's point (None: the unit has no point)
    expected: float
    usual: float | None  # incidents on an average day of the window (None: not known)
    compared: Compared | None


@dataclass(frozen=True)
class Hotspots:
    """Tomorrow's hotspots in the reader's area, in words."""

    day: dt.date
    window: int
    in_district_top: int  # how many of the district's top 5 % lie in the area
    cards: list[HotspotCard]


def _owners(view: ForecastView) -> dict[int, int]:
    cells = np.frombuffer(view.forecast.cells, dtype="<i4").tolist()
    owners = np.frombuffer(view.forecast.units, dtype="<i4").tolist()
    return dict(zip(cells, owners, strict=True))


def hotspots(
    session: Session,
    principal: Principal,
    *,
    now: dt.datetime,
    tz: ZoneInfo,
    window: int,
    limit: int = HOTSPOT_CARDS,
) -> Hotspots | None:
    """The area's cells most at risk tomorrow (its share of the district's top 5 %, else its
    highest cells), each placed from its station and compared with an average day."""
    view = forecast_view(session, principal)
    if view is None:
        return None
    chosen = view.hotspots[:limit] or sorted(view.risks.values(), key=lambda r: r.rank)[:limit]
    grid, counts = window_cells(session, principal, now=now, tz=tz, window=window, category=None)
    same = grid is not None and frame_of(grid) == view.frame
    owners = _owners(view)
    unit_ids = {owners[r.cell] for r in chosen}
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    cells = np.array([r.cell for r in chosen], dtype=np.int64)
    lons, lats = view.frame.centres(cells) if len(cells) else (np.zeros(0), np.zeros(0))
    cards = []
    for risk, lon, lat in zip(chosen, lons.tolist(), lats.tolist(), strict=True):
        unit = units.get(owners[risk.cell])
        where = None
        if unit is not None and unit.lon is not None and unit.lat is not None:
            where = place(unit.lon, unit.lat, lon, lat)
        usual = float(counts[risk.cell]) / window if same else None
        cards.append(
            HotspotCard(
                risk=risk,
                station=unit.name if unit is not None else "",
                place=where,
                expected=risk.expected,
                usual=usual,
                compared=compare(risk.expected, usual) if usual is not None else None,
            )
        )
    return Hotspots(view.forecast.day, window, len(view.hotspots), cards)
