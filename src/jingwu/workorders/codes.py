"""Order codes ``{station}-{YYYYMMDD}-{sequence}``, e.g. ``GS03-20261129-0042`` (pure).

The date is the local date of receipt in Asia/Shanghai (the station's calendar day), the
sequence counts orders per station and day from 1 and is written with at least four digits.
Every order has exactly one spelling: upper-case station code, sequence zero-padded to four
digits and never padded beyond, so codes compare and index as plain strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

# A letter, then letters or digits: 2 to 8 characters in all (e.g. GS03, XH12, BJCY001).
STATION_RE = re.compile(r"[A-Z][A-Z0-9]{1,7}")
_CODE_RE = re.compile(r"(?P<station>[^-]+)-(?P<day>[^-]+)-(?P<seq>[^-]+)")
MIN_SEQUENCE_DIGITS = 4


class OrderCodeError(ValueError):
    """An order code or one of its parts is malformed."""


@dataclass(frozen=True, slots=True, order=True)
class OrderCode:
    """The parts of an order code."""

    station: str
    day: date
    sequence: int

    def __str__(self) -> str:
        day = f"{self.day.year:04d}{self.day.month:02d}{self.day.day:02d}"
        return f"{self.station}-{day}-{self.sequence:0{MIN_SEQUENCE_DIGITS}d}"


def local_date(at: datetime) -> date:
    """The calendar date of ``at`` in Asia/Shanghai (``at`` must be timezone-aware)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise OrderCodeError("the time of receipt must be timezone-aware")
    return at.astimezone(SHANGHAI).date()


def check_station(station: str) -> str:
    """Return ``station`` if it is a valid short code, else raise OrderCodeError."""
    if not STATION_RE.fullmatch(station):
        raise OrderCodeError(
            f"station code {station!r} must be 2-8 upper-case letters or digits "
            "starting with a letter, e.g. GS03"
        )
    return station


def format_code(station: str, received_at: datetime, sequence: int) -> str:
    """The code of the ``sequence``-th order received by ``station`` on its local day."""
    if isinstance(sequence, bool) or not isinstance(sequence, int) or sequence < 1:
        raise OrderCodeError(f"sequence must be a positive integer, got {sequence!r}")
    return str(OrderCode(check_station(station), local_date(received_at), sequence))


def parse_code(code: str) -> OrderCode:
    """The parts of ``code``; OrderCodeError says which part is wrong."""
    match = _CODE_RE.fullmatch(code)
    if match is None:
        raise OrderCodeError(
            f"order code {code!r} must look like GS03-20261129-0042 "
            "(station, date YYYYMMDD, sequence)"
        )
    station = check_station(match["station"])
    return OrderCode(station, _parse_day(match["day"]), _parse_sequence(match["seq"]))


def _parse_day(text: str) -> date:
    if not (len(text) == 8 and text.isascii() and text.isdigit()):
        raise OrderCodeError(f"date part {text!r} must be 8 digits YYYYMMDD")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise OrderCodeError(f"date part {text!r} is not a calendar date") from None


def _parse_sequence(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise OrderCodeError(f"sequence part {text!r} must be digits")
    if len(text) < MIN_SEQUENCE_DIGITS:
        raise OrderCodeError(f"sequence part {text!r} must have at least 4 digits")
    if len(text) > MIN_SEQUENCE_DIGITS and text.startswith("0"):
        raise OrderCodeError(f"sequence part {text!r} is padded beyond 4 digits")
    sequence = int(text)
    if sequence == 0:
        raise OrderCodeError("sequence part must start at 0001")
    return sequence
