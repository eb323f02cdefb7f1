"""Completed work orders become incidents: an idempotent feed behind a watermark.

The work-order service hands out orders resolved at or after a time, oldest first
(``jingwu.workorders.service.completed_since``). The feed keeps the last resolution time it
has read in ``analytics_state`` and asks again from there; rows at that same instant come
twice and are no-ops, because an incident is stored once per ``(source, ref)``. Orders of
the security and dispute modules with a location are incidents; service requests
(certificates, registrations) and orders without a location are not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.analytics.locate import NOWHERE, Locator
from jingwu.analytics.models import AnalyticsState
from jingwu.analytics.service_incidents import NewIncidents, add_incidents, locator
from jingwu.audit import service as audit
from jingwu.bulk import upsert

FEED = "feed.workorders"
SOURCE = "workorder"
INCIDENT_MODULES = frozenset({"security", "dispute"})
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
PAGE = 500
MAX_PAGE = 64_000


class CompletedRow(Protocol):
    """What the work-order service returns per completed order."""

    @property
    def code(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def module(self) -> str: ...
    @property
    def lon(self) -> float | None: ...
    @property
    def lat(self) -> float | None: ...
    @property
    def received_at(self) -> dt.datetime: ...
    @property
    def resolved_at(self) -> dt.datetime: ...


Fetch = Callable[..., Sequence[CompletedRow]]  # (session, *, since, limit)


def _completed_since(session: Session, *, since: dt.datetime, limit: int) -> Sequence[CompletedRow]:
    from jingwu.workorders.service import completed_since  # noqa: PLC0415 - the other domain

    return completed_since(session, since=since, limit=limit)


@dataclass(frozen=True)
class FeedResult:
    """One run of the feed."""

    read: int  # rows handed over (including repeats at the watermark)
    added: int  # new incidents
    watermark: dt.datetime | None


def watermark(session: Session) -> dt.datetime | None:
    """The resolution time of the last order the feed has read."""
    return session.scalar(select(AnalyticsState.at).where(AnalyticsState.name == FEED))


def _save(session: Session, at: dt.datetime) -> None:
    insert = upsert(session)
    stmt = insert(AnalyticsState).values(name=FEED, value=0, at=at)
    session.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"at": at}))


def _store(session: Session, rows: Sequence[CompletedRow], place: Locator, now: dt.datetime) -> int:
    usable = [
        r for r in rows if r.module in INCIDENT_MODULES and r.lon is not None and r.lat is not None
    ]
    if not usable:
        return 0
    lon = np.array([float(r.lon or 0.0) for r in usable])
    lat = np.array([float(r.lat or 0.0) for r in usable])
    unit = place.assign(lon, lat)
    keep = unit != NOWHERE  # no station or district holds it, and there is no single district
    received = np.array([r.received_at.timestamp() for r in usable])
    kept = [r for r, k in zip(usable, keep, strict=True) if k]
    if not kept:
        return 0
    return add_incidents(
        session,
        NewIncidents(
            source=SOURCE,
            refs=[r.code for r in kept],
            categories=[r.category for r in kept],
            occurred=received[keep],
            reported=received[keep],
            lon=lon[keep],
            lat=lat[keep],
            unit=unit[keep],
        ),
        now=now,
    )


def feed_completed_orders(
    session: Session, *, now: dt.datetime, fetch: Fetch | None = None, page: int = PAGE
) -> FeedResult:
    """Store the completed orders resolved since the watermark as incidents."""
    fetch = fetch or _completed_since
    place = locator(session, SYSTEM)
    since = newest = watermark(session) or EPOCH
    read = added = 0
    limit = page
    while True:
        rows = fetch(session, since=since, limit=limit)
        read += len(rows)
        added += _store(session, rows, place, now)
        newest = max([newest, *(r.resolved_at for r in rows)])
        if len(rows) < limit:
            break
        if newest == since:  # a whole page at one instant: read a bigger page to get past it
            if limit >= MAX_PAGE:
                break  # beyond any real burst; the next run resumes here
            limit *= 2
            continue
        since, limit = newest, page
    if read:
        _save(session, newest)
    if added:
        audit.record(
            session, principal=SYSTEM, action="incidents.feed", object_type="incidents",
            object_id=SOURCE, detail={"added": added}, now=now,
        )  # fmt: skip
    return FeedResult(read=read, added=added, watermark=watermark(session))
