"""The GeoReport v2 vocabulary (pure): field lists, errors, filters and W3C dates.

The field lists are the specification's, in its order; :mod:`jingwu.open311.formats` writes
every field of a list, empty when there is nothing to publish, so a client that looks for a
field always finds it. Filters of ``GET requests`` are checked here: a comma list of ids
overrides the other filters; without dates the window is the last 90 days; a window may not
be longer than 90 days; at most 1000 requests are returned.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

SERVICE_FIELDS = (
    "service_code",
    "service_name",
    "description",
    "metadata",
    "type",
    "keywords",
    "group",
)
DEFINITION_FIELDS = ("service_code", "attributes")
ATTRIBUTE_FIELDS = (
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
)
VALUE_FIELDS = ("key", "name")
REQUEST_FIELDS = (
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
)
CREATED_FIELDS = ("service_request_id", "token", "service_notice", "account_id")
TOKEN_FIELDS = ("service_request_id", "token")
ERROR_FIELDS = ("code", "description")

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
SERVICE_TYPES = ("realtime", "batch", "blackbox")
STATUSES = ("open", "closed")
FORMATS = ("json", "xml")
WINDOW = dt.timedelta(days=90)
MAX_RESULTS = 1000
MAX_IDS = 100
MAX_CODES = 50


class Open311Error(Exception):
    """An answer of the specification's error list: HTTP status, then (code, description)s."""

    def __init__(self, status: int, description: str, *more: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.more = more

    def errors(self) -> list[dict[str, object]]:
        texts = (self.description, *self.more)
        return [{"code": self.status, "description": text} for text in texts]


def split_resource(resource: str) -> tuple[str, str]:
    """``"theft.json"`` -> ``("theft", "json")``; the format must be json or xml (else 404)."""
    name, dot, fmt = resource.rpartition(".")
    if not dot or not name or fmt not in FORMATS:
        raise Open311Error(404, "Not found: ask for .json or .xml.")
    return name, fmt


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})"
)


def parse_w3c(value: str, name: str) -> dt.datetime:
    """A W3C date or date-time (``2010-01-01`` or ``2010-01-01T00:00:00Z``) as UTC.

    A date alone is midnight UTC; a time must carry its zone (``Z`` or ``+08:00``)."""
    text = value.strip()
    try:
        if _DATE.fullmatch(text):
            return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)
        if _DATETIME.fullmatch(text):
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return parsed.astimezone(dt.UTC)
    except ValueError:
        pass
    raise Open311Error(
        400, f"{name} must be a W3C date-time with its zone, e.g. 2026-12-01T00:00:00Z."
    )


def w3c(value: dt.datetime | None, tz: dt.tzinfo) -> str | None:
    """A time as the specification writes it: ``2026-12-07T15:04:05+08:00``."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(tz).replace(microsecond=0).isoformat()


def comma_list(value: str | None) -> tuple[str, ...]:
    """The non-empty items of a comma list, in order, without repeats."""
    if not value:
        return ()
    return tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))


@dataclass(frozen=True)
class Filters:
    """What ``GET requests`` asks for: ids (overriding the rest) or a window with filters."""

    ids: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    limit: int = MAX_RESULTS


def parse_filters(params: Mapping[str, str], *, now: dt.datetime) -> Filters:
    """The filters of ``GET requests`` from its query parameters (400 on a bad one)."""
    ids = comma_list(params.get("service_request_id"))
    if ids:
        if len(ids) > MAX_IDS:
            raise Open311Error(400, f"service_request_id lists at most {MAX_IDS} ids.")
        return Filters(ids=ids)
    codes = comma_list(params.get("service_code"))
    if len(codes) > MAX_CODES:
        raise Open311Error(400, f"service_code lists at most {MAX_CODES} codes.")
    statuses = comma_list(params.get("status"))
    if bad := [s for s in statuses if s not in STATUSES]:
        raise Open311Error(400, f"status must be open or closed, not {bad[0][:40]}.")
    start_text, end_text = params.get("start_date"), params.get("end_date")
    start = parse_w3c(start_text, "start_date") if start_text else None
    end = parse_w3c(end_text, "end_date") if end_text else None
    if start is None and end is None:
        end, start = now, now - WINDOW
    elif start is None:
        assert end is not None
        start = end - WINDOW
    elif end is None:
        end = min(start + WINDOW, max(now, start))
    if end < start:
        raise Open311Error(400, "end_date is before start_date.")
    if end - start > WINDOW:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days.")
    return Filters(service_codes=codes, statuses=statuses, start=start, end=end)


def parse_point(lat: str | None, lon: str | None) -> tuple[float, float] | None:
    """``lat``/``long`` of a new request as WGS 84 degrees; None when both are absent."""
    if not lat and not lon:
        return None
    try:
        y, x = float(lat or ""), float(lon or "")
    except ValueError:
        raise Open311Error(400, "lat and long must be decimal degrees.") from None
    if not (-90 <= y <= 90 and -180 <= x <= 180):
        raise Open311Error(400, "lat and long are outside the range of WGS 84 degrees.")
    return y, x


_ATTRIBUTE = re.compile(r"attribute\[([A-Za-z0-9_]{1,48})\](\[\])?")


def attributes_of(items: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The ``attribute[code]`` (and ``attribute[code][]``) values of a form, by code."""
    found: dict[str, list[str]] = {}
    for key, value in items:
        m = _ATTRIBUTE.fullmatch(key)
        if m:
            found.setdefault(m.group(1), []).append(value)
    return found
