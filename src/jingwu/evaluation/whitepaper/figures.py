"""The white paper's key indicators: one function, :func:`key_figures`.

Figures whose meaning matches a measure of the catalogue carry its id (and so its name and
definition) and are read from the stored indicator values the recompute job writes
(:mod:`.stored`), so the paper agrees with the rankings and scorecards. The others, volumes
and shares the catalogue does not hold, have ids under ``wp.`` with English message ids and
are counted for the year from the platform's own tables (work orders, feedback, mediations,
IoT alerts, evidence, incidents, spot checks, mystery visits, surveys, expert reviews) by
the ``sources_*`` modules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.evaluation.checks.periods import LOCAL
from jingwu.evaluation.indices.catalogues import active
from jingwu.evaluation.whitepaper import (
    sources_checks,
    sources_orders,
    sources_people,
    sources_sensors,
    stored,
)
from jingwu.evaluation.whitepaper.sources import Window
from jingwu.evaluation.whitepaper.specs import SPECS, FigureSpec
from jingwu.evaluation.whitepaper.tally import Result, Tally
from jingwu.org.models import Unit


@dataclass(frozen=True)
class Figure:
    """A key indicator of the year: its spec and its numbers."""

    spec: FigureSpec
    result: Result

    @property
    def id(self) -> str:
        """The catalogue id, or ``wp.…`` for the white paper's own figures."""
        return self.spec.id


@dataclass(frozen=True)
class KeyFigures:
    """The figures of a year in a principal's scope, with the stations they cover."""

    year: int
    through: int  # the last month counted (12 for a past year)
    stations: list[Unit]
    figures: list[Figure]
    newest: Mapping[str, dt.datetime | None]  # source → its newest record in the year
    stored: stored.Stored  # the catalogue figures' stored values and their dates

    def get(self, figure_id: str) -> Figure:
        """One figure by id (KeyError when unknown)."""
        found = self.find(figure_id)
        if found is None:
            raise KeyError(figure_id)
        return found

    def find(self, figure_id: str) -> Figure | None:
        """One figure by id, or None."""
        return next((f for f in self.figures if f.id == figure_id), None)


Source = Callable[
    [Session, Principal, Window],
    tuple[Mapping[str, Tally | Result], Mapping[str, dt.datetime | None]],
]
_SOURCES: tuple[Source, ...] = (
    sources_orders.collect,
    sources_people.collect,
    sources_sensors.collect,
    sources_checks.collect,
)


def _result(found: Tally | Result, residents: Mapping[int, int | None], through: int) -> Result:
    return found if isinstance(found, Result) else found.result(residents, through=through)


def window(year: int, now: dt.datetime) -> Window:
    """The local calendar year in UTC and the months of it that have begun by ``now``."""
    start = dt.datetime(year, 1, 1, tzinfo=LOCAL).astimezone(dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=LOCAL).astimezone(dt.UTC)
    local_now = now.astimezone(LOCAL)
    through = 12 if local_now.year > year else (local_now.month if local_now.year == year else 0)
    return Window(year, start, min(end, max(now, start)), through)


def stations_in_scope(session: Session, principal: Principal) -> list[Unit]:
    """The community stations in the principal's scope, by code."""
    stmt = scoped(select(Unit), principal, Unit.id).where(Unit.kind == "community")
    return list(session.scalars(stmt.order_by(Unit.short_code)))


def key_figures(
    session: Session, principal: Principal, *, year: int, now: dt.datetime
) -> KeyFigures:
    """Every key figure of ``year`` in the principal's scope, computed from the records."""
    win = window(year, now)
    stations = stations_in_scope(session, principal)
    residents = {s.id: s.residents for s in stations}
    found: dict[str, Tally | Result] = {}
    newest: dict[str, dt.datetime | None] = {}
    for source in _SOURCES:
        values, dates = source(session, principal, win)
        found.update(values)
        newest.update(dates)
    _, catalogue = active(session, now=now)
    ids = [s.id for s in stations]
    kept = stored.load(session, catalogue, SPECS, ids, year=year, through=win.through)
    found.update(kept.results)
    figures = [
        Figure(spec, _result(found[spec.id], residents, win.through))
        for spec in SPECS
        if spec.id in found
    ]
    return KeyFigures(year, win.through, stations, figures, newest, kept)
