"""Completed work orders become incidents once, behind a watermark."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.analytics.models import Incident, IncidentCategory
from jingwu.analytics.service_feed import feed_completed_orders, watermark
from tests.integration.analytics.an_world import NOW
from tests.integration.analytics.an_world import make_world as analytics_world
from tests.integration.workorders.wo_factory import closure, make_world, new_order, step

H = dt.timedelta(hours=1)


class Row(NamedTuple):
    code: str
    category: str
    module: str
    lon: float | None
    lat: float | None
    received_at: dt.datetime
    resolved_at: dt.datetime


class FakeOrders:
    """A stand-in for the work-order service: rows resolved at or after ``since``."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = sorted(rows, key=lambda r: r.resolved_at)
        self.calls: list[tuple[dt.datetime, int]] = []

    def __call__(self, session: Session, *, since: dt.datetime, limit: int) -> list[Row]:
        self.calls.append((since, limit))
        return [r for r in self.rows if r.resolved_at >= since][:limit]


def row(
    k: int, *, module: str = "security", at: dt.datetime = NOW, lon: float | None = 120.105
) -> Row:
    return Row(f"SA01-{k:04d}", "theft", module, lon, 30.205, at - 2 * H, at)


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Incident)) or 0)


def test_orders_are_stored_once_and_the_watermark_moves(session: Session) -> None:
    analytics_world(session)
    fake = FakeOrders([row(k, at=NOW + k * H) for k in range(5)])
    first = feed_completed_orders(session, now=NOW, fetch=fake, page=2)
    assert (first.read, first.added) == (9, 5)  # each page starts again at its first instant
    assert watermark(session) == NOW + 4 * H and count(session) == 5
    again = feed_completed_orders(session, now=NOW, fetch=fake, page=2)
    assert again.added == 0 and fake.calls[-1][0] == NOW + 4 * H
    fake.rows.append(row(9, at=NOW + 9 * H))
    assert feed_completed_orders(session, now=NOW, fetch=fake).added == 1
    stored = session.scalar(select(Incident).where(Incident.ref == "SA01-0009"))
    assert stored is not None and stored.occurred_at == NOW + 7 * H and stored.source == "workorder"


def test_service_requests_and_orders_without_a_place_are_not_incidents(session: Session) -> None:
    analytics_world(session)
    fake = FakeOrders(
        [row(1), row(2, module="livelihood"), row(3, lon=None), row(4, module="dispute")]
    )
    done = feed_completed_orders(session, now=NOW, fetch=fake)
    assert (done.read, done.added) == (4, 2)
    assert set(session.scalars(select(Incident.ref))) == {"SA01-0001", "SA01-0004"}


def test_a_full_page_at_one_instant_is_read_with_a_bigger_page(session: Session) -> None:
    analytics_world(session)
    fake = FakeOrders([row(k) for k in range(5)] + [row(9, at=NOW + H)])
    done = feed_completed_orders(session, now=NOW, fetch=fake, page=2)
    assert done.added == 6 and watermark(session) == NOW + H
    assert [limit for _, limit in fake.calls][:4] == [2, 2, 4, 8]


def test_real_completed_work_orders_feed_the_store(session: Session) -> None:
    w = make_world(session)
    o = new_order(session, w, category="theft")
    step(session, w, o, "triage", "officer", NOW + H * 0.1, tier="orange")
    step(session, w, o, "assign", "officer", NOW + H * 0.2, assignee="officer")
    step(session, w, o, "accept", "officer", NOW + H * 0.3)
    step(session, w, o, "start", "officer", NOW + H * 0.4)
    step(session, w, o, "resolve", "officer", NOW + H, closure=closure())
    new_order(session, w, category="noise")  # still open: not an incident yet
    done = feed_completed_orders(session, now=NOW + 2 * H)
    assert done.added == 1
    stored = session.scalar(select(Incident).where(Incident.ref == o.code))
    assert stored is not None and stored.unit_id == w.units["SA01"].id
    name = session.scalar(
        select(IncidentCategory.name).where(IncidentCategory.id == stored.category_id)
    )
    assert name == "theft"
    assert feed_completed_orders(session, now=NOW + 3 * H).added == 0
