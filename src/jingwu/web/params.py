"""Request parameter types shared by every route: bounded ids and page numbers, local
date-times, and a form read before a synchronous endpoint runs.

Use these instead of bare ``int`` or ``datetime``: a value the database cannot hold (an id
of 2^63 or more) or a time without a zone is dealt with here (a 422 naming the field, or
the time read in the configured zone), never a 500 further in. The OpenAPI document
carries the same bounds and says how times without an offset are read.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema

MAX_ID = 2**63 - 1  # the largest BIGINT: larger ids cannot exist
MAX_PAGE = 10_000_000  # far past any list; keeps OFFSET within a BIGINT
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

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="a record id")]
"""A record id in the path: 1 … 2^63-1 (larger cannot exist: 422, not 500)."""

IdQuery = Annotated[int, Query(ge=1, le=MAX_ID)]
"""A record id in the query string."""

BodyId = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
"""A record id in a JSON body: a JSON integer (not true, 1.0 or "1")."""

IdList = Annotated[list[BodyId], Field(max_length=MAX_IDS)]
"""Up to 1,000 record ids in a JSON body."""

Longitude = Annotated[float, Query(ge=-180, le=180, description="WGS-84 longitude")]
"""A longitude in the query string: -180 … 180 (no inf, no nan)."""

Latitude = Annotated[float, Query(ge=-90, le=90, description="WGS-84 latitude")]
"""A latitude in the query string: -90 … 90."""

PageNo = Annotated[int, Query(ge=1, le=MAX_PAGE, description="page number, from 1")]
"""A page number: 1 … 10,000,000."""


async def form_fields(request: Request) -> dict[str, str]:
    """The text fields of a URL-encoded or multipart form (files are left out).

    Read here, on the event loop, so the endpoint itself can be synchronous and do its
    database work in a thread: an ``async def`` endpoint that calls a service would hold
    up every other request while the database answers.
    """
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


FormFields = Annotated[dict[str, str], Depends(form_fields)]
