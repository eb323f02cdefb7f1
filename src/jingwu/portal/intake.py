"""The intranet side of the boundary: inbox rows become work orders, ratings become
feedback, and the orders' public status is written back to ``pub_requests``.

Every step claims its rows with a conditional update (``processed_at IS NULL``; on
PostgreSQL the candidates are read with ``FOR UPDATE SKIP LOCKED``), so concurrent workers
never take the same row, and a row that fails is marked with its error, not retried forever.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import math
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.blobs.store import BlobStore
from jingwu.errors import DomainError
from jingwu.org.models import Unit
from jingwu.portal.models import PublicInbox, PublicRating, PublishedRequest
from jingwu.portal.public import PHRASES, extend, step_for
from jingwu.portal.ratings import COMMENT_CONTEXT
from jingwu.portal.sealing import SealError, open_sealed
from jingwu.portal.sealkeys import private_key
from jingwu.portal.service import open_submission
from jingwu.workorders import service as workorders
from jingwu.workorders import service_feedback, service_files
from jingwu.workorders.schemas import FeedbackIn, IntakeIn

log = logging.getLogger("jingwu.portal")

# The work-order channel of each public channel (transfers from 12345 and 110 are partners').
WO_CHANNEL = {
    "portal": "online",
    "open311": "online",
    "hotline12345": "partner",
    "dispatch110": "partner",
}
FOLLOW_CLOSED_DAYS = 8  # the feedback window (7 days) and a day's margin


@dataclass(frozen=True)
class Report:
    done: int = 0
    failed: int = 0


def _claimable(
    session: Session, model: type[PublicInbox] | type[PublicRating], limit: int
) -> list[int]:
    stmt = select(model.id).where(model.processed_at.is_(None)).order_by(model.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True)
    return list(session.scalars(stmt))


def _claim(
    session: Session, model: type[PublicInbox] | type[PublicRating], row_id: int, now: dt.datetime
) -> bool:
    result = session.execute(
        update(model)
        .where(model.id == row_id, model.processed_at.is_(None))
        .values(processed_at=now)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def station_for(session: Session, lat: float | None, lon: float | None) -> Unit | None:
    """The community station whose area holds the point; else the nearest station; without
    a location, the first station (the district's default receiver)."""
    from jingwu.geo import contains  # noqa: PLC0415 - pure helper

    stations = list(session.scalars(select(Unit).where(Unit.kind == "community").order_by(Unit.id)))
    if not stations:
        return None
    if lat is None or lon is None:
        return stations[0]
    for unit in stations:
        if unit.boundary and contains(unit.boundary, lon, lat):
            return unit
    located = [u for u in stations if u.lat is not None and u.lon is not None]
    if not located:
        return stations[0]
    return min(located, key=lambda u: math.hypot((u.lon or 0) - lon, (u.lat or 0) - lat))


def _order_from(
    session: Session, blobs: BlobStore | None, row: PublicInbox, now: dt.datetime
) -> str:
    data = open_submission(row)
    unit = station_for(session, row.lat, row.lon)
    if unit is None:
        raise LookupError("no community station to receive the request")
    order = workorders.intake(
        session,
        SYSTEM,
        data=IntakeIn(
            station=unit.short_code,
            channel=WO_CHANNEL[row.channel],
            category=row.service_code,
            description=data["description"],
            lat=row.lat,
            lon=row.lon,
            reporter_name=data.get("name"),
            reporter_phone=data.get("phone"),
            source_ref=row.source_ref or f"{row.channel}:{row.token}",
        ),
        now=now,
    )
    for i, photo in enumerate(data["photos"]):
        if blobs is None:
            break
        kind = "png" if photo.startswith(b"\x89PNG") else "jpeg"
        service_files.add_attachment(
            session,
            SYSTEM,
            blobs,
            code=order.code,
            stream=io.BytesIO(photo),
            filename=f"photo-{i + 1}.{'png' if kind == 'png' else 'jpg'}",
            media_type=f"image/{kind}",
            now=now,
        )
    pub = session.scalar(select(PublishedRequest).where(PublishedRequest.token == row.token))
    if pub is not None:
        pub.service_request_id = order.code
        pub.agency_responsible = unit.name
        pub.community = unit.name
        _publish_state(pub, order.state, now)
    return order.code


def intake_pending(
    session: Session, *, blobs: BlobStore | None, now: dt.datetime, limit: int = 100
) -> Report:
    """Turn up to ``limit`` unprocessed inbox rows into work orders (same triage as any
    intake); a row that cannot become an order keeps its error."""
    done = failed = 0
    for row_id in _claimable(session, PublicInbox, limit):
        if not _claim(session, PublicInbox, row_id, now):
            continue
        row = session.get(PublicInbox, row_id)
        assert row is not None
        try:
            with session.begin_nested():
                row.order_code = _order_from(session, blobs, row, now)
            done += 1
        except (DomainError, SealError, LookupError, ValueError) as exc:
            row.error = str(exc)[:255]
            failed += 1
            log.warning("portal intake: inbox row %d failed: %s", row.id, exc)
    session.flush()
    return Report(done, failed)


def ratings_pending(session: Session, *, now: dt.datetime, limit: int = 100) -> Report:
    """Record the portal's ratings as the orders' feedback (WO-6: a low rating reopens)."""
    done = failed = 0
    for row_id in _claimable(session, PublicRating, limit):
        if not _claim(session, PublicRating, row_id, now):
            continue
        rating = session.get(PublicRating, row_id)
        assert rating is not None
        try:
            with session.begin_nested():
                _record_rating(session, rating, now)
            done += 1
        except (DomainError, SealError, LookupError, ValueError) as exc:
            rating.error = str(exc)[:255]
            failed += 1
    session.flush()
    return Report(done, failed)


def _record_rating(session: Session, rating: PublicRating, now: dt.datetime) -> None:
    pub = None
    if rating.token is not None:
        pub = session.scalar(select(PublishedRequest).where(PublishedRequest.token == rating.token))
        if pub is None or pub.service_request_id is None:
            raise LookupError("the request has no order yet")
        code = pub.service_request_id
        order = workorders.get_order(session, SYSTEM, code=code)
        link = service_feedback.feedback_token(order)
    elif rating.feedback_token is not None:
        link = rating.feedback_token
        code = service_feedback.read_token(link, now=rating.received_at)[0]
        pub = session.scalar(
            select(PublishedRequest).where(PublishedRequest.service_request_id == code)
        )
    else:
        raise LookupError("a rating names no request")
    comment = ""
    if rating.sealed_comment:
        comment = open_sealed(private_key(), rating.sealed_comment, COMMENT_CONTEXT).decode()
    data = FeedbackIn(rating=rating.rating, resolved=rating.resolved, comment=comment, token=link)
    _, order = service_feedback.submit(session, None, code=code, data=data, now=now)
    if pub is not None:
        pub.rated = True
        _publish_state(pub, order.state, now)


def _publish_state(pub: PublishedRequest, state: str, now: dt.datetime) -> bool:
    step = step_for(state)
    timeline = extend(pub.timeline or [], step, now)
    if step not in ("resolved", "closed"):
        pub.rated = False  # reopened: the next resolution is rated again
    if len(timeline) == len(pub.timeline or []) and pub.status == PHRASES[step][0]:
        return False
    pub.timeline = timeline
    pub.status, pub.status_notes = PHRASES[step]
    pub.updated_at = now
    return True


def publish(session: Session, *, now: dt.datetime, limit: int = 500) -> int:
    """Write the public status of the open published requests back from their orders
    (fixed phrases only); closed ones too while a rating may still reopen them. Returns
    how many changed."""
    recent = now - dt.timedelta(days=FOLLOW_CLOSED_DAYS)
    rows = session.scalars(
        select(PublishedRequest)
        .where(
            PublishedRequest.service_request_id.is_not(None),
            (PublishedRequest.status == "open") | (PublishedRequest.updated_at >= recent),
        )
        .order_by(PublishedRequest.updated_at)
        .limit(limit)
    )
    changed = 0
    for pub in rows:
        assert pub.service_request_id is not None
        try:
            order = workorders.get_order(session, SYSTEM, code=pub.service_request_id)
        except DomainError:
            continue
        changed += _publish_state(pub, order.state, now)
    session.flush()
    return changed
