"""Read models of the indices' pages: the ranking page with its map, period choices, labels."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.evaluation.indices import queries
from jingwu.evaluation.indices.periods import Period, of_instant, parse_period
from jingwu.evaluation.indices.queries import RankRow
from jingwu.evaluation.vocab import Frequency

# The catalogue's units as shown beside a value (English ids, translated at the edge).
UNIT_LABELS = {
    "percent": "%",
    "percent_change": "% change",
    "per_10k_residents": "per 10,000 residents",
    "per_km2": "per km²",
    "minutes": "minutes",
    "hours": "hours",
    "days": "days",
    "count": "count",
    "score_5": "score of 5",
    "score_100": "score of 100",
}
KIND_LABELS = {
    "order": "Work order",
    "feedback": "Feedback",
    "task": "Department task",
    "mediation": "Mediation",
    "follow_up": "Follow-up visit",
    "incident": "Incident",
    "alert": "Sensor alert",
    "device": "Sensing device",
    "staff": "Staff member",
    "post": "Post",
}
SOURCE_LABELS = {"computed": "computed", "entered": "entered", "imported": "imported"}
# The levels a ranking compares (a city's or district's users rank the units below them).
LEVEL_LABELS = {"community": "Stations", "street": "Streets", "district": "Districts"}
INDEX_LABELS = {
    "kpi.satisfaction": "Citizen satisfaction index",
    "kpi.efficiency": "Police efficiency index",
    "kpi.social": "Social benefit index",
    "safety": "Community safety index",
}


@dataclass(frozen=True)
class RankingPage:
    """The ranking page: the chosen index and period, the rows, the choices, the map."""

    index: str
    period: str
    rows: list[RankRow]
    level: str
    months: list[str]
    quarters: list[str]
    features: dict[str, Any]  # GeoJSON of the stations with a boundary

    @property
    def ranked(self) -> int:
        """How many units were ranked together."""
        return max((r.ranked for r in self.rows), default=0)


def choices(latest: Period) -> tuple[list[str], list[str]]:
    """The last 12 months and 4 quarters up to ``latest``, newest first."""
    month = latest.parts()[-1]
    quarter = month.containing(Frequency.QUARTERLY)
    return [str(month.shift(-k)) for k in range(12)], [str(quarter.shift(-k)) for k in range(4)]


def ranking_page(
    session: Session,
    principal: Principal,
    *,
    index: str | None,
    period: str | None,
    now: dt.datetime,
    level: str = "community",
) -> RankingPage:
    """The units of ``level`` (stations, streets or districts) in scope ranked on ``index``
    (satisfaction first) for ``period`` (the newest month with results, else last month)."""
    chosen = queries.check_index(index or queries.INDICES[0])
    newest = queries.latest_period(session, principal) or str(of_instant(now).shift(-1))
    p = parse_period(period or newest)
    rows = queries.ranking(session, principal, index=chosen, period=str(p), kind=level)
    months, quarters = choices(max(parse_period(newest), p))
    return RankingPage(chosen, str(p), rows, level, months, quarters, _features(rows))


def _features(rows: list[RankRow]) -> dict[str, Any]:
    features = [
        {
            "type": "Feature",
            "geometry": r.unit.boundary,
            "properties": {
                "code": r.unit.short_code,
                "name": r.unit.name,
                "name_en": r.unit.name_en,
                "value": None if r.value is None else round(r.value, 1),
                "rank": r.rank,
            },
        }
        for r in rows
        if r.unit.boundary
    ]
    return {"type": "FeatureCollection", "features": features}


def last_month(now: dt.datetime) -> str:
    """The month before the one ``now`` falls in."""
    return str(of_instant(now).shift(-1))
