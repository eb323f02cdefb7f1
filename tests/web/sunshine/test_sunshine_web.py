"""The public sunshine pages and downloads: open to anyone, Chinese by default, the
downloads' bytes are the hashed ones, withheld cells nowhere."""

from __future__ import annotations

import hashlib
import html
import json
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.runtime import Runtime
from jingwu.sunshine import service
from jingwu.sunshine.models import SunshineVersion
from jingwu.web.app import create_app
from jingwu.worker.runner import all_jobs
from tests.integration.sunshine.test_sunshine_publish import NOW, planted


def published(session: Session) -> SunshineVersion:
    planted(session)
    v = service.publish(session, now=NOW).version
    assert v is not None
    session.flush()
    return v


def test_the_page_says_nothing_is_published_yet(client: TestClient) -> None:
    r = client.get("/sunshine")
    assert r.status_code == 200
    assert "尚未发布" in r.text


def test_the_page_shows_the_figures_in_chinese_without_signing_in(
    client: TestClient, session: Session
) -> None:
    v = published(session)
    r = client.get("/sunshine?month=2026-11&community=SA01")
    assert r.status_code == 200
    assert "阳光警务" in r.text
    assert f"/sunshine/data/{v.version}.csv" in r.text
    assert 'id="sun-received"' in r.text
    assert "<script>" not in r.text and "onclick" not in r.text
    client.cookies.set("jingwu_lang", "en")
    en = client.get("/sunshine?month=2026-11")
    assert "Sunshine policing open data" in en.text


def test_bad_filters_fall_back_to_the_latest_month(client: TestClient, session: Session) -> None:
    published(session)
    r = client.get("/sunshine?month=<x>&community=../../etc")
    assert r.status_code == 200


def test_downloads_are_the_hashed_bytes_and_hold_no_withheld_cell(
    client: TestClient, session: Session
) -> None:
    v = published(session)
    j = client.get(f"/sunshine/data/{v.version}.json")
    c = client.get(f"/sunshine/data/{v.version}.csv")
    assert j.status_code == c.status_code == 200
    assert c.headers["content-type"].startswith("text/csv")
    assert hashlib.sha256(j.content).hexdigest() == v.sha256
    assert json.loads(j.content)["csv_sha256"] == hashlib.sha256(c.content).hexdigest()
    assert b"theft,red" not in c.content
    assert client.get("/sunshine/data/999.csv").status_code == 404
    assert client.get("/sunshine/data/abc.json").status_code == 404


def test_the_versions_and_dictionary_pages_show_the_proof_and_the_codes(
    client: TestClient, session: Session
) -> None:
    v = published(session)
    r = client.get("/sunshine/versions")
    assert r.status_code == 200
    assert v.sha256 in r.text and v.evidence_item in r.text
    d = client.get("/sunshine/dictionary")
    assert d.status_code == 200
    assert "response_median_minutes" in d.text and "噪音" in d.text


def test_the_pages_are_served_in_the_internet_zone_and_not_on_the_intranet(
    runtime: Runtime,
) -> None:
    for zone, expected in (("internet", 200), ("intranet", 404)):
        runtime.settings = runtime.settings.model_copy(update={"zone": zone})
        with TestClient(create_app(runtime), base_url="http://testserver") as c:
            assert c.get("/sunshine").status_code == expected, zone
            assert c.get("/sunshine/dictionary").status_code == expected, zone


def test_the_job_runs_at_least_hourly() -> None:
    (spec,) = [j for j in all_jobs() if j.name == "sunshine.publish"]
    assert spec.interval_seconds <= 3600


def test_zero_is_shown_as_zero_withheld_as_a_dash_and_durations_in_hours(
    client: TestClient, session: Session
) -> None:
    published(session)
    october = client.get("/sunshine?month=2026-10").text  # no order at all that month
    received = re.findall(r'data-label="已接收">(.*?)</td>', october)
    assert received and set(received) == {"0"}
    november = client.get("/sunshine?month=2026-11").text  # SA02's 2 orders are withheld
    assert "—" in re.findall(r'data-label="已接收">(.*?)</td>', november)[1]
    medians = re.findall(r'data-label="办结时长中位数">(.*?)</td>', november)
    assert medians[0].endswith(" 分") and "." not in medians[0], medians
    assert "（分钟）" not in november


def test_the_trend_has_every_published_month_of_the_community(
    client: TestClient, session: Session
) -> None:
    published(session)
    doc = json.loads(session.scalar(select(SunshineVersion.json_body)) or "{}")
    page = client.get("/sunshine?month=2026-11&community=SA01").text
    m = re.search(r"data-trend='([^']*)'", page)
    assert m is not None
    trend = json.loads(html.unescape(m.group(1)))
    assert list(trend) == doc["months"] and len(doc["months"]) > 1
    assert trend["2026-10"] == {"received": 0.0, "closed": 0.0}
