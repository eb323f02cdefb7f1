"""Portal use cases shared by every public channel (the portal, Open311, 12345/110 feeds).

``submit`` runs in the internet zone: it validates, seals the description, contact data and
photos to the intranet's public key, writes the ``public_inbox`` row and a ``pub_requests``
row (status open) so the token is trackable at once. ``published`` and ``published_list``
read what the public may see. The intranet side is in :mod:`jingwu.portal.intake`.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.errors import Invalid
from jingwu.portal import sealkeys
from jingwu.portal.models import PublicInbox, PublishedRequest
from jingwu.portal.public import PHRASES, entry, snap
from jingwu.portal.sealing import open_sealed, seal
from jingwu.security.pii import IdentifierError, normalize_phone
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE

__all__ = [
    "CHANNELS",
    "MAX_PHOTOS",
    "MAX_PHOTO_BYTES",
    "SEALED_CONTEXT",
    "Submission",
    "open_submission",
    "published",
    "published_list",
    "submit",
]

CHANNELS = frozenset({"portal", "open311", "hotline12345", "dispatch110"})
SEALED_CONTEXT = "public_inbox.sealed"
MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 3 * 1024 * 1024
MAX_DESCRIPTION = 4000
_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


@dataclass(frozen=True)
class Submission:
    """A submission handed inward: its public tracking token."""

    token: str
    received_at: dt.datetime


def new_token() -> str:
    """A public tracking token: 16 URL-safe characters (96 random bits)."""
    return secrets.token_urlsafe(12)


def check(
    channel: str,
    service_code: str,
    description: str,
    lat: float | None,
    lon: float | None,
    photos: Sequence[bytes],
) -> None:
    """Invalid unless a submission with these fields would be accepted (no database)."""
    if channel not in CHANNELS:
        raise Invalid("Unknown channel '{channel}'.", params={"channel": channel})
    if service_code not in DEFAULT_CATALOGUE:
        raise Invalid(
            "Unknown category '{code}'.",
            params={"code": service_code},
            fields={"service_code": "Choose a category from the list."},
        )
    if not 2 <= len(description.strip()) <= MAX_DESCRIPTION:
        raise Invalid(
            "Describe the problem in 2 to 4000 characters.",
            fields={"description": "Describe the problem in 2 to 4000 characters."},
        )
    if (lat is None) != (lon is None) or (
        lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180)
    ):
        raise Invalid("The location is not valid.", fields={"location": "Pick a place."})
    if len(photos) > MAX_PHOTOS:
        raise Invalid("At most 3 photos.", fields={"photos": "At most 3 photos."})
    for photo in photos:
        if len(photo) > MAX_PHOTO_BYTES:
            raise Invalid("A photo may be at most 3 MB.", fields={"photos": "At most 3 MB."})
        if not photo.startswith(_IMAGE_MAGIC):
            raise Invalid("Photos must be JPEG or PNG.", fields={"photos": "JPEG or PNG."})


def _phone(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return normalize_phone(value)
    except IdentifierError:
        raise Invalid(
            "The phone number is not valid.", fields={"contact_phone": "Not a phone number."}
        ) from None


def submit(
    session: Session,
    *,
    channel: str,
    service_code: str,
    description: str,
    lat: float | None,
    lon: float | None,
    contact_phone: str | None,
    contact_name: str | None = None,
    email: str | None = None,
    photos: Sequence[bytes] = (),
    source_ref: str | None = None,
    api_key_id: int | None = None,
    now: dt.datetime,
) -> Submission:
    """Hand a submission inward (sealed) and publish it as open under a new token."""
    check(channel, service_code, description, lat, lon, photos)
    payload = {
        "description": description.strip(),
        "phone": _phone(contact_phone),
        "name": (contact_name or "").strip()[:64] or None,
        "email": (email or "").strip()[:254] or None,
        "photos": [base64.b64encode(p).decode() for p in photos],
    }
    sealed = seal(sealkeys.public_key(), json.dumps(payload).encode(), SEALED_CONTEXT)
    token = new_token()
    session.add(
        PublicInbox(
            token=token,
            channel=channel,
            service_code=service_code,
            lat=lat,
            lon=lon,
            sealed=sealed,
            source_ref=(source_ref or None) and source_ref[:64],
            api_key_id=api_key_id,
            received_at=now,
        )
    )
    session.add(
        PublishedRequest(
            token=token,
            service_request_id=None,
            service_code=service_code,
            status="open",
            status_notes=PHRASES["received"][1],
            agency_responsible="",
            requested_at=now,
            updated_at=now,
            lat=snap(lat),
            lon=snap(lon),
            community="",
            timeline=[entry("received", now)],
            rated=False,
        )
    )
    session.flush()
    return Submission(token=token, received_at=now)


def open_submission(row: PublicInbox) -> dict[str, Any]:
    """The sealed part of an inbox row (intranet only: needs the private key)."""
    data: dict[str, Any] = json.loads(
        open_sealed(sealkeys.private_key(), row.sealed, SEALED_CONTEXT)
    )
    data["photos"] = [base64.b64decode(p) for p in data.get("photos", [])]
    return data


def published(session: Session, *, token: str) -> PublishedRequest | None:
    """The published status of ``token``, or None."""
    if not token or len(token) > 32:
        return None
    return session.scalar(select(PublishedRequest).where(PublishedRequest.token == token))


def published_list(
    session: Session,
    *,
    service_code: str | None = None,
    status: str | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    ids: Sequence[str] | None = None,
    limit: int = 1000,
) -> list[PublishedRequest]:
    """Published requests, newest first, filtered as Open311's GET requests filters them
    (``ids`` are service_request_ids, the orders' public codes)."""
    stmt = select(PublishedRequest)
    if service_code is not None:
        stmt = stmt.where(PublishedRequest.service_code == service_code)
    if status is not None:
        stmt = stmt.where(PublishedRequest.status == status)
    if start is not None:
        stmt = stmt.where(PublishedRequest.requested_at >= start)
    if end is not None:
        stmt = stmt.where(PublishedRequest.requested_at <= end)
    if ids is not None:
        stmt = stmt.where(PublishedRequest.service_request_id.in_(list(ids)))
    stmt = stmt.order_by(PublishedRequest.requested_at.desc(), PublishedRequest.id.desc())
    return list(session.scalars(stmt.limit(max(0, min(limit, 1000)))))
