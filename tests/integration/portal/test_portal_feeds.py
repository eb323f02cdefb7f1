"""12345 / 110 feeds: rows into the inbox with their source reference, repeat-safe."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.errors import Invalid
from jingwu.importfiles import MalformedFile
from jingwu.portal import feeds, intake
from jingwu.portal.models import PublicInbox
from jingwu.workorders.models import WorkOrder
from tests.integration.workorders.wo_factory import make_world

NOW = dt.datetime(2026, 12, 7, 2, 0, tzinfo=dt.UTC)
CSV = (
    "ref,category,description,lat,lon,phone,name\n"
    "12345-A1,noise,夜间施工噪音,30.205,120.105,13811112222,王五\n"
    "12345-A2,no_such,未知类别,,,,\n"
    ",noise,没有编号,,,,\n"
)


def test_a_csv_feed_keeps_refs_skips_repeats_and_reports_bad_rows(session: Session) -> None:
    make_world(session)
    report = feeds.take(
        session, channel="hotline12345", rows=feeds.parse("f.csv", CSV.encode()), now=NOW
    )
    assert len(report.added) == 1 and [line for line, _ in report.errors] == [3, 4]
    again = feeds.take(
        session, channel="hotline12345", rows=feeds.parse("f.csv", CSV.encode()), now=NOW
    )
    assert again.added == [] and again.skipped == ["12345-A1"]
    intake.intake_pending(session, blobs=None, now=NOW)
    row = session.scalar(select(PublicInbox).where(PublicInbox.source_ref == "12345-A1"))
    assert row is not None and row.order_code
    order = session.scalar(select(WorkOrder).where(WorkOrder.code == row.order_code))
    assert order is not None
    assert (order.channel, order.source_ref, order.reporter_name) == ("partner", "12345-A1", "王五")


def test_a_json_feed_and_malformed_files(session: Session) -> None:
    item = {"ref": "110-9", "category": "theft", "description": "电动车被盗"}
    doc = json.dumps({"requests": [item]}).encode()
    report = feeds.take(session, channel="dispatch110", rows=feeds.parse("f.json", doc), now=NOW)
    assert len(report.added) == 1 and not report.errors
    with pytest.raises(MalformedFile):
        feeds.parse("f.json", b"[1, 2")
    with pytest.raises(Invalid):
        feeds.parse("f.json", b'{"requests": 3}')
    with pytest.raises(Invalid):
        feeds.take(session, channel="portal", rows=[], now=NOW)
