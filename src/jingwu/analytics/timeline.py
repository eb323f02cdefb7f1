"""Events placed on the grid and the forecast periods (local days or weeks) of a backtest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

import numpy as np
import numpy.typing as npt

from jingwu.analytics.grid import Grid
from jingwu.analytics.parse import IncidentTable

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DAY_S = 86_400.0
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True)
class EventSet:
    """Events in valid cells, sorted by ``known``: a forecaster at cutoff s may use a prefix.

    ``known`` is when an event could first be used: its occurrence, or its report when the
    file has reports (an event is usable at s only if it occurred and was reported before s).
    """

    t: FloatArray  # occurred, Unix seconds
    known: FloatArray  # max(occurred, reported), non-decreasing
    cell: IntArray  # valid cell number
    cat: IntArray  # category number
    day: IntArray  # local calendar day of occurrence, days since 1970-01-01
    n_cats: int
    grid: Grid

    def __len__(self) -> int:
        return len(self.t)

    def known_before(self, cutoff: float) -> int:
        """How many events (a prefix) were known strictly before ``cutoff``."""
        return int(np.searchsorted(self.known, cutoff, side="left"))

    def subset(self, keep: npt.NDArray[np.bool_]) -> EventSet:
        """The events where ``keep`` is true (order preserved)."""
        return EventSet(
            self.t[keep],
            self.known[keep],
            self.cell[keep],
            self.cat[keep],
            self.day[keep],
            self.n_cats,
            self.grid,
        )


@dataclass(frozen=True)
class Periods:
    """Consecutive forecast periods [starts[k], ends[k]) in Unix seconds."""

    starts: FloatArray
    ends: FloatArray
    day: IntArray  # local calendar day of each start, days since 1970-01-01

    def __len__(self) -> int:
        return len(self.starts)

    def slice(self, lo: int, hi: int) -> Periods:
        """Periods lo..hi-1."""
        return Periods(self.starts[lo:hi], self.ends[lo:hi], self.day[lo:hi])


def weekday(day: IntArray) -> IntArray:
    """Monday = 0 … Sunday = 6 of local day numbers (1970-01-01 was a Thursday)."""
    return (day + 3) % 7


def local_midnight(day: date, tz: tzinfo) -> float:
    """Unix seconds of the start of ``day`` in ``tz``."""
    return datetime.combine(day, time(0), tzinfo=tz).timestamp()


def make_periods(first: date, end: date, tz: tzinfo, *, step_days: int) -> Periods:
    """Periods of ``step_days`` local days from ``first`` up to ``end`` (exclusive; the last
    period is cut short at ``end``)."""
    if end <= first:
        raise ValueError("the end date must come after the start date")
    bounds = [first + timedelta(days=k) for k in range(0, (end - first).days, step_days)]
    starts = np.array([local_midnight(d, tz) for d in bounds], dtype=np.float64)
    ends = np.append(starts[1:], local_midnight(end, tz))
    days = np.array([(d - EPOCH).days for d in bounds], dtype=np.int64)
    return Periods(starts, ends, days)


def local_days(t: FloatArray, tz: tzinfo) -> IntArray:
    """Local calendar day (days since 1970-01-01 in ``tz``) of each Unix time."""
    if len(t) == 0:
        return np.zeros(0, dtype=np.int64)
    lo = datetime.fromtimestamp(float(t.min()), tz).date() - timedelta(days=1)
    hi = datetime.fromtimestamp(float(t.max()), tz).date() + timedelta(days=2)
    days = [lo + timedelta(days=k) for k in range((hi - lo).days + 1)]
    edges = np.array([local_midnight(d, tz) for d in days], dtype=np.float64)
    index = np.searchsorted(edges, t, side="right") - 1
    return (lo - EPOCH).days + index.astype(np.int64)


def local_date(t: float, tz: tzinfo) -> date:
    """Local calendar date of a Unix time."""
    return datetime.fromtimestamp(t, tz).date()


def place_events(table: IncidentTable, grid: Grid, tz: tzinfo) -> EventSet:
    """Events of ``table`` that fall in valid cells, sorted by when they became known."""
    cell = grid.locate(table.lon, table.lat)
    keep = cell >= 0
    t = table.occurred[keep]
    known = t.copy()
    if table.reported is not None:
        reported = table.reported[keep]
        known = np.where(np.isnan(reported), t, np.maximum(t, reported))
    order = np.lexsort((t, known))
    return EventSet(
        t=t[order],
        known=known[order],
        cell=cell[keep][order],
        cat=table.category[keep][order],
        day=local_days(t[order], tz),
        n_cats=len(table.categories),
        grid=grid,
    )
