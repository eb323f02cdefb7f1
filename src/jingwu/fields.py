"""Value types shared by input schemas (pydantic only: services and schemas may use them
without reaching the web layer): record ids the database can hold, lists of ids, and local
date-times. :mod:`jingwu.web.params` adds the path and query forms.

Use these instead of bare ``int`` or ``datetime``: a value the database cannot hold (an id
of 2^63 or more) or a time without a zone is dealt with here (a validation error naming
the field, or the time read in the configured zone), never a 500 further in.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

MAX_ID = 2**63 - 1  # the largest BIGINT: larger ids cannot exist
MAX_IDS = 1_000  # ids in one request body
DEFAULT_ZONE = "Asia/Shanghai"

_zone = zoneinfo.ZoneInfo(DEFAULT_ZONE)


def use_time_zone(zone: zoneinfo.ZoneInfo) -> None:
    """Read times without an offset in ``zone`` (``JINGWU_TIME_ZONE``; set at start-up)."""
    global _zone  # noqa: PLW0603 - one zone per process, like the settings it comes from
    _zone = zone


def local_time_zone() -> zoneinfo.ZoneInfo:
    return _zone


def _aware_utc(value: dt.datetime) -> dt.datetime:
    """A time with an offset as it is; without one, read in the configured zone; in UTC."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=_zone)
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("the time is out of range") from None


_LOCAL_TIME_DOC = (
    "An ISO 8601 date-time. Without an offset it is read in the server's time zone "
    "(JINGWU_TIME_ZONE, Asia/Shanghai by default); a bare date (YYYY-MM-DD) means midnight "
    "there."
)

_ISO_TIME = r"^\d{4}-\d\d-\d\d([T ]\d\d:\d\d(:\d\d(\.\d{1,6})?)?(Z|[+-]\d\d:?\d\d)?)?$"


def _iso_text(value: object) -> object:
    """Only ISO 8601 text (pydantic would also take numbers as Unix times)."""
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or not re.fullmatch(_ISO_TIME, value):
        raise ValueError("expected an ISO 8601 date or date-time, e.g. 2026-12-01T08:30:00")
    return value


LocalDateTime = Annotated[
    dt.datetime,
    BeforeValidator(_iso_text),
    AfterValidator(_aware_utc),
    WithJsonSchema({"type": "string", "pattern": _ISO_TIME, "description": _LOCAL_TIME_DOC}),
]
"""A date-time in a body or a query: aware UTC after validation (see the description)."""

BodyId = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
"""A record id in a JSON body: a JSON integer (not true, 1.0 or "1")."""

IdList = Annotated[list[BodyId], Field(max_length=MAX_IDS)]
"""Up to 1,000 record ids in a JSON body."""
