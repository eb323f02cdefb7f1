"""Tallies behind the white paper's figures: a year value, twelve monthly values and a value
per station from the same records (pure).

Records arrive one at a time as ``(month, station, value)``; ``month`` is 1–12 in local time,
``station`` a unit id or ``None`` for a record above the stations. A figure without records
is ``None`` (missing), never zero; a count is zero only for a month inside the span its
source has data for (from the first month with a record to ``through``).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

MONTHS = tuple(range(1, 13))


class Kind(StrEnum):
    """How a tally turns its records into a figure."""

    COUNT = "count"  # number of records (value ignored)
    SUM = "sum"  # sum of the values (a month without records is missing)
    SHARE = "share"  # % of records whose value is true (1)
    MEAN = "mean"
    MEDIAN = "median"
    RATE = "rate"  # records per 10,000 residents


@dataclass(frozen=True)
class Result:
    """A figure's numbers: the year, each month (index 0 = January), each station."""

    year: float | None
    months: tuple[float | None, ...]
    stations: Mapping[int, float | None]


@dataclass
class Tally:
    """Collects records and reduces them by :class:`Kind`."""

    kind: Kind
    values: dict[tuple[int, int | None], list[float]] = field(
        default_factory=lambda: defaultdict(list)
    )

    def add(self, month: int, station: int | None, value: float = 1.0) -> None:
        """One record."""
        if month not in MONTHS:
            raise ValueError("a month is 1 to 12")
        self.values[(month, station)].append(float(value))

    def result(
        self,
        stations: Mapping[int, int | None],
        *,
        through: int = 12,
    ) -> Result:
        """Reduce: ``stations`` maps each station in scope to its residents (for rates);
        months after ``through`` are missing (not yet happened)."""
        by_month: dict[int, list[float]] = defaultdict(list)
        by_station: dict[int, list[float]] = defaultdict(list)
        everything: list[float] = []
        for (month, station), values in self.values.items():
            if month > through:
                continue
            by_month[month] += values
            everything += values
            if station is not None:
                by_station[station] += values
        residents = sum(r or 0 for r in stations.values()) or None
        if not everything:  # no record at all: missing, not zero
            return Result(None, (None,) * 12, dict.fromkeys(stations))
        first = min(by_month)
        months = tuple(
            None
            if m > through
            or (m < first and self._counts)
            or (m not in by_month and self.kind is Kind.SUM)
            else self._reduce(by_month.get(m, []), residents)
            for m in MONTHS
        )
        return Result(
            self._reduce(everything, residents),
            months,
            {s: self._reduce(by_station.get(s, []), r) for s, r in stations.items()},
        )

    @property
    def _counts(self) -> bool:
        return self.kind in {Kind.COUNT, Kind.SUM, Kind.RATE}

    def _reduce(self, values: list[float], residents: int | None) -> float | None:
        if self.kind is Kind.COUNT:
            return float(len(values))
        if self.kind is Kind.SUM:
            return float(sum(values))
        if self.kind is Kind.RATE:
            return None if not residents else len(values) * 10_000 / residents
        if not values:
            return None
        if self.kind is Kind.SHARE:
            return 100.0 * sum(1 for v in values if v) / len(values)
        if self.kind is Kind.MEAN:
            return statistics.fmean(values)
        return float(statistics.median(values))
