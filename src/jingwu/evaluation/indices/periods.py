"""The indices' periods: a month ``2026-03``, a quarter ``2026-Q1``, a year ``2026`` (pure).

Every period is a local (Asia/Shanghai) calendar span; :func:`window` gives its UTC bounds.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from jingwu.errors import Invalid
from jingwu.evaluation.checks.periods import LOCAL
from jingwu.evaluation.vocab import Frequency

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True, order=True, slots=True)
class Period:
    """A month, quarter or year: its first month and its length in months."""

    year: int
    month: int  # the first month, 1–12
    months: int  # 1, 3 or 12

    @property
    def kind(self) -> Frequency:
        """monthly, quarterly or yearly."""
        return {1: Frequency.MONTHLY, 3: Frequency.QUARTERLY}.get(self.months, Frequency.YEARLY)

    def __str__(self) -> str:
        if self.months == 1:
            return f"{self.year}-{self.month:02d}"
        if self.months == 3:
            return f"{self.year}-Q{(self.month - 1) // 3 + 1}"
        return f"{self.year}"

    def window(self) -> tuple[dt.datetime, dt.datetime]:
        """The UTC instants where the local period starts and ends."""
        start = dt.datetime(self.year, self.month, 1, tzinfo=LOCAL)
        last = self.month + self.months
        end = dt.datetime(self.year + (last - 1) // 12, (last - 1) % 12 + 1, 1, tzinfo=LOCAL)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    def shift(self, steps: int) -> Period:
        """The period ``steps`` periods of the same length later (earlier when negative)."""
        n = self.year * 12 + self.month - 1 + steps * self.months
        return Period(n // 12, n % 12 + 1, self.months)

    def year_earlier(self) -> Period:
        """The same period a year before."""
        return Period(self.year - 1, self.month, self.months)

    def containing(self, frequency: Frequency) -> Period:
        """The period of ``frequency`` that contains this one (a month's quarter, year)."""
        if frequency is Frequency.QUARTERLY and self.months <= 3:
            return Period(self.year, (self.month - 1) // 3 * 3 + 1, 3)
        if frequency is Frequency.YEARLY:
            return Period(self.year, 1, 12)
        return self

    def parts(self) -> tuple[Period, ...]:
        """The months of the period."""
        return tuple(Period(self.year, self.month + k, 1) for k in range(self.months))


def parse_period(text: str) -> Period:
    """A month ``YYYY-MM``, quarter ``YYYY-Qn`` or year ``YYYY``; Invalid otherwise."""
    value = text.strip().upper()
    month = _MONTH.match(value)
    if month:
        return Period(_year(month[1]), int(month[2]), 1)
    quarter = _QUARTER.match(value)
    if quarter:
        return Period(_year(quarter[1]), (int(quarter[2]) - 1) * 3 + 1, 3)
    if _YEAR.match(value):
        return Period(_year(value), 1, 12)
    raise Invalid(
        "A period looks like 2026-03 (a month), 2026-Q1 (a quarter) or 2026 (a year).",
        fields={"period": "period"},
    )


def _year(text: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid("The year must lie between 2000 and 2100.", fields={"period": "year"})
    return year


def of_instant(at: dt.datetime) -> Period:
    """The local month an instant falls in."""
    local = at.astimezone(LOCAL)
    return Period(local.year, local.month, 1)


def ranked_periods(period: Period) -> tuple[Period, ...]:
    """What a recompute of ``period`` fills: a month and its quarter (the quarter's values
    so far), or the quarter alone."""
    if period.months == 1:
        return (period, period.containing(Frequency.QUARTERLY))
    return (period,)
