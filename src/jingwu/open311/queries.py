"""Reading published requests for Open311 (only ``pub_requests``, through the portal).

The records carry the specification's fields and nothing the public may not see: no
description, no contact data, the location as the portal snapped it, the status notes as
fixed phrases. A request is listed once the intranet has given it a ``service_request_id``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from jingwu.i18n import gettext
from jingwu.open311 import catalogue, service
from jingwu.open311.spec import MAX_RESULTS, Filters
from jingwu.portal import service as portal

if TYPE_CHECKING:
    from jingwu.portal.models import PublishedRequest

Clock = Callable[[dt.datetime | None], str | None]


def requests(session: Session, filters: Filters) -> list[PublishedRequest]:
    """The published requests that match, newest first, at most 1000."""
    if filters.ids:
        found = portal.published_list(session, ids=list(filters.ids), limit=MAX_RESULTS)
    else:
        found = []
        for code in filters.service_codes or (None,):
            for status in filters.statuses or (None,):
                found += portal.published_list(
                    session,
                    service_code=code,
                    status=status,
                    start=filters.start,
                    end=filters.end,
                    limit=MAX_RESULTS,
                )
    unique = {row.id: row for row in found if row.service_request_id}
    rows = sorted(unique.values(), key=lambda r: (r.requested_at, r.id), reverse=True)
    return rows[: filters.limit]


def by_token(session: Session, token: str) -> PublishedRequest | None:
    return portal.published(session, token=token)


def names(session: Session, language: str) -> dict[str, str]:
    """Service names by code, in ``language`` (inactive categories too: old requests)."""
    return {
        e.code: str(catalogue.service(e, language)["service_name"])
        for e in service.entries(session, active_only=False)
    }


def record(
    row: PublishedRequest, names: dict[str, str], language: str, w3c: Clock
) -> dict[str, Any]:
    """The GET requests record of a published request."""
    return {
        "service_request_id": row.service_request_id,
        "status": row.status,
        "status_notes": gettext(language, row.status_notes) if row.status_notes else None,
        "service_name": names.get(row.service_code, row.service_code),
        "service_code": row.service_code,
        "description": None,
        "agency_responsible": row.agency_responsible or None,
        "service_notice": None,
        "requested_datetime": w3c(row.requested_at),
        "updated_datetime": w3c(row.updated_at),
        "expected_datetime": w3c(row.expected_at),
        "address": row.community or None,
        "address_id": None,
        "zipcode": None,
        "lat": row.lat,
        "long": row.lon,
        "media_url": None,
    }
