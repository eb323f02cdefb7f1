"""Calendar periods of the spot checks in local (Asia/Shanghai) time (pure).

A month reads ``2026-03``, a quarter ``2026-Q1``, a half-year ``2026-H1``, a year ``2026``.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from jingwu.errors import Invalid

LOCAL = ZoneInfo("Asia/Shanghai")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_HALF = re.compile(r"^(\d{4})-H([12])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
MIN_YEAR, MAX_YEAR = 2000, 2100


def _year(text: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid("The year must lie between 2000 and 2100.", fields={"period": "year"})
    return year


def parse_month(month: str) -> tuple[int, int]:
    """``(year, month)`` of ``YYYY-MM``; Invalid otherwise."""
    match = _MONTH.match(month.strip())
    if match is None:
        raise Invalid("A month looks like 2026-03.", fields={"period": "YYYY-MM"})
    return _year(match[1]), int(match[2])


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where the local month starts and ends."""
    year, mon = parse_month(month)
    start = dt.datetime(year, mon, 1, tzinfo=LOCAL)
    end = dt.datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=LOCAL)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def local_month(at: dt.datetime) -> str:
    """``YYYY-MM`` of an instant in local time."""
    return at.astimezone(LOCAL).strftime("%Y-%m")


def local_date(at: dt.datetime) -> dt.date:
    """The local calendar day of an instant."""
    return at.astimezone(LOCAL).date()


def months_left(month: str) -> int:
    """Months from ``month`` to December, both counted (March → 10)."""
    return 13 - parse_month(month)[1]


def half_of(day: dt.date) -> str:
    """``YYYY-H1`` or ``YYYY-H2`` of a day."""
    return f"{day.year}-H{1 if day.month <= 6 else 2}"


def parse_half(half: str) -> tuple[int, int]:
    """``(year, 1 or 2)`` of ``YYYY-Hn``; Invalid otherwise."""
    match = _HALF.match(half.strip())
    if match is None:
        raise Invalid("A half-year looks like 2026-H1.", fields={"half": "YYYY-Hn"})
    return _year(match[1]), int(match[2])


def half_days(half: str) -> tuple[dt.date, dt.date]:
    """The first and last local day of a half-year."""
    year, n = parse_half(half)
    return (
        (dt.date(year, 1, 1), dt.date(year, 6, 30))
        if n == 1
        else (
            dt.date(year, 7, 1),
            dt.date(year, 12, 31),
        )
    )


def quarter_of(day: dt.date) -> str:
    """``YYYY-Qn`` of a day."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def period_kind(period: str) -> str:
    """``month``, ``quarter``, ``half`` or ``year``; Invalid for anything else."""
    text = period.strip()
    for kind, pattern in (("month", _MONTH), ("quarter", _QUARTER), ("half", _HALF)):
        match = pattern.match(text)
        if match:
            _year(match[1])
            return kind
    if _YEAR.match(text):
        _year(text)
        return "year"
    raise Invalid(
        "A period looks like 2026, 2026-H1, 2026-Q1 or 2026-03.", fields={"period": "period"}
    )
