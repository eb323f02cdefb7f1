"""The white paper's content, read from the database: :func:`build` makes a :class:`WhitePaper`.

Sections: a summary, the key indicators with their monthly series (:mod:`.figures`), a table
per station, the spot checks, mystery visits and surveys of the year, the methods (the
catalogue's definitions) and the data dates. The paper is refused when the stored indicator
values it reads reach no further than :data:`MAX_AGE` before the year's end (or now, for the
current year): see :attr:`.stored.Stored.data_date`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, unit_in_scope
from jingwu.errors import Conflict
from jingwu.evaluation.catalogue import default_catalogue
from jingwu.evaluation.checks import mystery, queries, surveys
from jingwu.evaluation.checks.periods import LOCAL
from jingwu.evaluation.measures import Measure
from jingwu.evaluation.whitepaper import stored
from jingwu.evaluation.whitepaper.figures import (
    Figure,
    KeyFigures,
    key_figures,
    stations_in_scope,
    window,
)
from jingwu.evaluation.whitepaper.rankings import Ranking, rankings
from jingwu.evaluation.whitepaper.specs import SECTIONS, TABLES, FigureSpec
from jingwu.org.models import Unit

MAX_AGE = dt.timedelta(days=30)
SOURCE_LABELS = {
    "work_orders": "Work orders",
    "feedback": "Citizen feedback",
    "mediation": "Mediations",
    "iot_alerts": "IoT alerts",
    "evidence": "Evidence log",
    "incidents": "Incidents",
    "checks": "Spot-check outcomes",
    "mystery_visits": "Mystery visits",
    "surveys": "Survey imports",
    "expert_reviews": "Expert reviews",
    "indicator_values": "Stored indicator values (last computed)",
}
STORED = "indicator_values"


@dataclass(frozen=True)
class StationRow:
    """A station's line of a per-station table (one value per column)."""

    unit: Unit
    values: list[float | None]


@dataclass(frozen=True)
class StationTable:
    """A per-station table: its key (``specs.TABLES``), columns and rows."""

    key: str
    columns: list[FigureSpec]
    rows: list[StationRow]


@dataclass(frozen=True)
class ChecksSummary:
    """The year's double-random draws by kind: draws, targets drawn, outcomes, findings."""

    kinds: dict[str, tuple[int, int, int, int]]
    coverage_pool: int
    coverage_checked: int


@dataclass(frozen=True)
class WhitePaper:
    """Everything the HTML page and the PDF show."""

    year: int
    scope: Unit | None
    generated_at: dt.datetime
    catalogue_version: str
    figures: KeyFigures
    sections: list[tuple[str, list[Figure]]]
    tables: list[StationTable]
    rankings: list[Ranking]
    checks: ChecksSummary
    halves: list[mystery.HalfReport]
    survey_imports: list[surveys.ImportLine]
    newest: dt.datetime | None

    def measure(self, figure_id: str) -> Measure | None:
        """The catalogue's indicator or KPI component of that id, if there is one."""
        return measures().get(figure_id)


def measures() -> dict[str, Measure]:
    """The seed catalogue's measures (indicators and KPI components) by id."""
    return {m.id: m for m in default_catalogue()}


def check_fresh(newest: dt.datetime | None, *, year: int, now: dt.datetime) -> None:
    """Conflict unless the newest data are at most :data:`MAX_AGE` older than the year's end
    (or than now, while the year runs)."""
    reference = window(year, now).end
    if newest is None:
        raise Conflict(
            "There are no data for {year}: the white paper cannot be produced.",
            params={"year": year},
        )
    if reference - newest > MAX_AGE:
        raise Conflict(
            "The newest data are from {date}, more than 30 days old: the white paper is "
            "produced only from current data.",
            params={"date": newest.astimezone(LOCAL).date().isoformat()},
        )


def check_current(session: Session, principal: Principal, *, year: int, now: dt.datetime) -> None:
    """The freshness rule alone (cheap: the stored values' dates in scope), before a cached
    PDF is handed out."""
    ids = [s.id for s in stations_in_scope(session, principal)]
    check_fresh(stored.dates(session, ids, year)[0], year=year, now=now)


def _checks(session: Session, principal: Principal, year: int) -> ChecksSummary:
    totals: dict[str, list[int]] = {}
    for row in queries.list_draws(session, principal, year=year):
        line = totals.setdefault(row.draw.kind, [0, 0, 0, 0])
        line[0] += 1
        line[1] += row.drawn
        line[2] += row.recorded
        line[3] += row.found
    cover = queries.coverage(session, principal, year=year)
    kinds = {k: (v[0], v[1], v[2], v[3]) for k, v in sorted(totals.items())}
    return ChecksSummary(kinds, cover.pool, cover.checked)


def _table(kf: KeyFigures, key: str, ids: tuple[str, ...]) -> StationTable:
    figures = [f for f in (kf.find(i) for i in ids) if f is not None]
    rows = [StationRow(s, [f.result.stations.get(s.id) for f in figures]) for s in kf.stations]
    return StationTable(key, [f.spec for f in figures], rows)


def build(session: Session, principal: Principal, *, year: int, now: dt.datetime) -> WhitePaper:
    """The white paper of ``year`` in the principal's scope; Conflict when the data are stale."""
    kf = key_figures(session, principal, year=year, now=now)
    newest = kf.stored.data_date
    check_fresh(newest, year=year, now=now)
    tables = [_table(kf, key, ids) for key, ids in TABLES.items()]
    imports = [
        line
        for line in surveys.list_imports(session, principal)
        if line.batch.imported_at.astimezone(LOCAL).year == year
    ]
    return WhitePaper(
        year=year,
        scope=unit_in_scope(session, principal, principal.unit_id)
        if principal.unit_id is not None
        else None,
        generated_at=now,
        catalogue_version=", ".join(kf.stored.versions) or default_catalogue().version,
        figures=kf,
        sections=[(s, [f for f in kf.figures if f.spec.section == s]) for s in SECTIONS],
        tables=tables,
        rankings=rankings(session, principal, year=year, through=kf.through),
        checks=_checks(session, principal, year),
        halves=[mystery.half_report(session, principal, half=f"{year}-H{h}") for h in (1, 2)],
        survey_imports=imports,
        newest=newest,
    )
