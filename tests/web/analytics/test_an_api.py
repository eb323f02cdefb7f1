"""The analytics API and pages through the app: scope isolation on every data endpoint,
exports, the refresh button, errors."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.analytics.jobs import REFRESH
from jingwu.analytics.service_backtests import store_backtest
from jingwu.analytics.service_forecast import make_forecast
from jingwu.analytics.service_heat import refresh
from jingwu.worker.models import Job
from tests.conftest import FrozenClock
from tests.factories.accounts import TestUser as Account
from tests.factories.accounts import csrf, make_user, sign_in
from tests.integration.analytics.an_world import NOW, World, make_world, scatter
from tests.unit.analytics.test_analytics_backtestdoc import document

TZ = ZoneInfo("Asia/Shanghai")
SA01 = (120.10, 120.11)  # the longitudes of station SA01 (latitudes 30.20-30.21 for all)


@pytest.fixture
def world(session: Session) -> tuple[World, dict[str, Account]]:
    w = make_world(session)
    users = {
        "a": make_user(session, w.units["SA01"], "officer", "officer-a"),
        "b": make_user(session, w.units["SB01"], "officer", "officer-b"),
        "director": make_user(session, w.units["D000"], "director", "director"),
        "partner": make_user(session, w.units["D000"], "partner", "partner"),
    }
    scatter(session, 400, days=80, seed=11)
    refresh(session, now=NOW, tz=TZ)
    store_backtest(session, SYSTEM, document=document(), source="bt.json", now=NOW)
    make_forecast(session, now=NOW, tz=TZ)
    session.flush()
    return w, users


def as_user(client: TestClient, user: Account, clock: FrozenClock) -> TestClient:
    assert sign_in(client, user, clock.now).status_code == 303
    return client


def in_sa01(lon: float) -> bool:
    return SA01[0] <= lon <= SA01[1]


def centre_lon(feature: dict[str, Any]) -> float:
    ring = feature["geometry"]["coordinates"][0]
    return (ring[0][0] + ring[1][0]) / 2


def test_the_api_needs_a_signed_in_user(client: TestClient) -> None:
    response = client.get("/api/v1/analytics/heat")
    assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_heat_points_stay_inside_the_officers_station(
    client: TestClient, world: tuple[World, dict[str, Account]], clock: FrozenClock
) -> None:
    _, users = world
    body = as_user(client, users["a"], clock).get("/api/v1/analytics/heat?window=90").json()
    assert body["total"] > 0 and body["grid"]["cell_m"] == 150.0
    assert all(in_sa01(lon) for _, lon, _ in body["points"])
    assert sum(n for _, _, n in body["points"]) == body["total"]


def test_the_director_sees_more_than_one_officer(
    client: TestClient, world: tuple[World, dict[str, Account]], clock: FrozenClock
) -> None:
    _, users = world
    officer = as_user(client, users["b"], clock).get("/api/v1/analytics/heat?window=90").json()
    client.cookies.clear()
    everyone = as_user(client, users["director"], clock).get("/api/v1/analytics/heat?window=90")
    assert everyone.json()["total"] > officer["total"] > 0


def test_incidents_cells_forecast_and_exports_are_scoped(
    client: TestClient, world: tuple[World, dict[str, Account]], clock: FrozenClock
) -> None:
    _, users = world
    c = as_user(client, users["a"], clock)
    listed = c.get("/api/v1/analytics/incidents?per_page=500").json()
    assert listed["total"] > 0 and {i["unit"] for i in listed["items"]} == {"SA01"}
    other = c.get("/api/v1/analytics/cell?lon=120.125&lat=30.205").json()
    assert other["counts"] == {"7": 0, "30": 0, "90": 0} and other["risk"] is None
    mine = c.get("/api/v1/analytics/cell?lon=120.105&lat=30.205").json()
    assert len(mine["weeks"]) == 26 and mine["risk"]["out_of"] > 0
    forecast = c.get("/api/v1/analytics/forecast").json()
    assert forecast["forecast"]["model"] == "cell_choice" and forecast["forecast"]["grid"]["nx"] > 0
    assert all(in_sa01(centre_lon(f)) for f in forecast["features"])
    export = c.get("/api/v1/analytics/grid.geojson?window=90")
    assert export.headers["content-type"].startswith("application/geo+json")
    assert "attachment" in export.headers["content-disposition"]
    features = export.json()["features"]
    heat = c.get("/api/v1/analytics/heat?window=90").json()
    assert sum(f["properties"]["count"] for f in features) == heat["total"]
    assert all(in_sa01(centre_lon(f)) for f in features if f["properties"]["risk"] is not None)
    layers = c.get("/api/v1/analytics/layers").json()
    assert [f["properties"]["code"] for f in layers["stations"]["features"]] == ["SA01"]


def test_a_partner_is_refused(
    client: TestClient, world: tuple[World, dict[str, Account]], clock: FrozenClock
) -> None:
    _, users = world
    c = as_user(client, users["partner"], clock)
    for path in ("/api/v1/analytics/heat", "/api/v1/analytics/incidents", "/analytics"):
        assert c.get(path).status_code == 403


def test_bad_filters_are_refused_with_the_field(
    client: TestClient, world: tuple[World, dict[str, Account]], clock: FrozenClock
) -> None:
    _, users = world
    c = as_user(client, users["a"], clock)
    window = c.get("/api/v1/analytics/heat?window=8")
    assert window.status_code == 422 and "window" in window.json()["error"]["fields"]
    category = c.get("/api/v1/analytics/heat?category=arson")
    assert category.status_code == 422 and "category" in category.json()["error"]["fields"]
    assert c.get("/api/v1/analytics/cell?lon=0&lat=0").status_code == 404


def test_the_refresh_button_makes_the_jobs_due_now(
    client: TestClient,
    world: tuple[World, dict[str, Account]],
    clock: FrozenClock,
    session: Session,
) -> None:
    _, users = world
    later = NOW + dt.timedelta(hours=1)
    session.execute(
        insert(Job),
        [{"name": n, "interval_seconds": 300, "next_run_at": later, "runs": 0} for n in REFRESH],
    )
    session.flush()
    c = as_user(client, users["a"], clock)
    response = c.post("/api/v1/analytics/refresh", headers={"X-CSRF-Token": csrf(c)})
    assert response.status_code == 202 and response.json()["requested"] == list(REFRESH)
    session.expire_all()
    due = session.scalars(select(Job.next_run_at).where(Job.name.in_(REFRESH))).all()
    assert due == [clock.now] * 3
    page = c.post("/analytics/refresh", headers={"X-CSRF-Token": csrf(c), "HX-Request": "true"})
    assert page.status_code == 200 and "refresh-done" in page.text


def test_the_map_page_and_the_svg_export_render_in_both_languages(
    client: TestClient, world: tuple[World, dict[str, Account]], clock: FrozenClock
) -> None:
    _, users = world
    c = as_user(client, users["director"], clock)
    page = c.get("/analytics")
    assert page.status_code == 200 and "<h1>态势图</h1>" in page.text
    assert 'id="an-summary"' in page.text and 'id="pai-table"' not in page.text
    assert 'id="hotspots-card"' in c.get("/analytics/summary").text
    assert 'href="/analytics/backtests"' in page.text
    analysts = c.get("/analytics/backtests")
    assert 'id="pai-table"' in analysts.text and "cell_choice" in analysts.text
    assert "leaflet-heat.js" in page.text and "echarts.min.js" in page.text
    c.get("/lang/en?next=/analytics")
    english = c.get("/analytics?window=7&category=theft")
    assert "<h1>Situational map</h1>" in english.text
    assert 'value="7" selected' in english.text
    svg = c.get("/analytics/map.svg?window=90")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg") and 'class="hotspot"' in svg.text
    assert (
        "Incidents and tomorrow's hotspots" in svg.text
        or "Incidents and tomorrow&#x27;s" in svg.text
    )
    assert c.get("/analytics/static/analytics.js").status_code == 200
    assert c.get("/analytics/static/../routes.py").status_code == 404
