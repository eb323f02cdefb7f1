"""The 8-minute help response from work orders, and what each scope sees."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.coverage import queries, service, service_import
from tests.integration.coverage.coverage_files import residents, street_grid
from tests.integration.workorders.wo_factory import NOW, make_world, new_order, step

ZONE = ZoneInfo("Asia/Shanghai")
M = dt.timedelta(minutes=1)


def _on_site_after(session: Session, w, minutes: float, *, at: dt.datetime = NOW) -> None:  # type: ignore[no-untyped-def]
    order = new_order(session, w, who="officer", now=at, channel="phone")
    step(
        session,
        w,
        order,
        "triage",
        "officer",
        at + M / 2,
        tier="yellow",
        assign_to_me=True,
        reason="按实际情况定级",
    )
    step(session, w, order, "accept", "officer", at + M * 0.75)
    step(session, w, order, "start", "officer", at + M * minutes)


def test_help_requests_are_measured_from_receipt_to_the_first_on_site_contact(
    session: Session,
) -> None:
    w = make_world(session)
    _on_site_after(session, w, 5)
    _on_site_after(session, w, 7.5)
    _on_site_after(session, w, 12)
    new_order(session, w, who="officer", now=NOW, channel="phone")  # nobody came
    new_order(session, w, who="officer", now=NOW, channel="walk_in")  # not a help request
    new_order(session, w, who="officer", now=NOW + 60 * M, channel="phone")  # 5 minutes old
    rows = queries.response_rows(session, SYSTEM, now=NOW + 65 * M, zone=ZONE)
    assert len(rows) == 1
    row = rows[0].row
    assert (rows[0].unit.short_code, row.month) == ("SA01", "2026-11")
    assert (row.requests, row.within) == (4, 2)
    assert row.median_minutes == 7.5


def test_a_recorded_contact_counts_as_on_site_too(session: Session) -> None:
    w = make_world(session)
    order = new_order(session, w, who="officer", now=NOW, channel="phone")
    step(
        session,
        w,
        order,
        "triage",
        "officer",
        NOW + M,
        tier="yellow",
        assign_to_me=True,
        reason="按实际情况定级",
    )
    step(session, w, order, "record_contact", "officer", NOW + 3 * M, note="到场询问")
    rows = queries.response_rows(session, SYSTEM, now=NOW + 60 * M, zone=ZONE)
    assert (rows[0].row.within, rows[0].row.median_minutes) == (1, 3.0)


def test_a_station_sees_its_own_circles_and_requests_only(session: Session) -> None:
    w = make_world(session)
    service_import.import_roads(
        session, SYSTEM, unit="D000", filename="r.geojson", content=street_grid(), now=NOW
    )
    service_import.import_residents(
        session, SYSTEM, unit="D000", filename="p.geojson", content=residents(), now=NOW
    )
    w.units["SB01"].lon, w.units["SB01"].lat = 120.125, 30.205
    service.compute(session, SYSTEM, unit="D000", now=NOW)
    _on_site_after(session, w, 4)
    b_circles = queries.circles(session, w.p["b_chief"])
    assert {c.unit.short_code for c in b_circles} == {"SB01"}
    assert queries.runs(session, w.p["b_chief"]) == []  # the district's run is above them
    assert len(queries.runs(session, w.p["director"])) == 2
    assert queries.response_rows(session, w.p["b_chief"], now=NOW + 60 * M, zone=ZONE) == []
    assert len(queries.response_rows(session, w.p["chief"], now=NOW + 60 * M, zone=ZONE)) == 1
