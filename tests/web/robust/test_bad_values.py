"""Values the database cannot hold, times without a zone and absurd tile indexes are 4xx
answers (or read as documented), never 500s."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.workorders import service
from tests.factories.org import org_code
from tests.integration.workorders.wo_factory import NOW, World, intake_data, make_world

HUGE = 2**63
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


@pytest.fixture
def headers(session: Session, world: World) -> dict[str, str]:
    username = world.users["chief"].username
    token = accounts.create_token(session, SYSTEM, username=username, name="t", now=NOW)
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", f"/api/v1/iot/devices/{HUGE}"),
        ("GET", f"/api/v1/iot/devices/{HUGE}/series?metric=pm25"),
        ("GET", f"/api/v1/org/units/{HUGE}"),
        ("POST", f"/api/v1/iot/alerts/{HUGE}/acknowledge"),
        ("POST", f"/api/v1/work-orders/SA01-20261129-0001/tasks/{HUGE}"),
        ("GET", f"/api/v1/work-orders?page={HUGE}"),
        ("GET", f"/api/v1/iot/devices?page={HUGE}"),
        ("GET", f"/api/v1/analytics/incidents?page={HUGE}"),
        ("GET", f"/api/v1/evidence/items/X?version={HUGE}"),
        ("GET", "/api/v1/work-orders?received_from=0001-01-01T00:00:00"),
        ("GET", "/api/v1/iot/devices/1/series?metric=pm25&hours=100000000000000000000"),
    ],
)
def test_out_of_range_values_are_422(
    client: TestClient, headers: dict[str, str], method: str, path: str
) -> None:
    r = client.request(method, path, headers=headers, json={"status": "done"})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid"


def test_an_id_past_the_largest_integer_in_a_body_is_422(
    client: TestClient, headers: dict[str, str]
) -> None:
    json = {**headers, "Content-Type": "application/json"}
    r = client.post("/api/v1/notifications/read", content=b'{"ids": [1e20]}', headers=json)
    assert r.status_code == 422 and "ids.0" in r.json()["error"]["fields"]


def test_times_without_an_offset_are_read_in_the_configured_zone(
    client: TestClient, session: Session, world: World, headers: dict[str, str]
) -> None:
    service.intake(session, world.p["officer"], data=intake_data(), now=NOW)  # 10:00 local
    session.flush()

    def count(query: str) -> int:
        r = client.get(f"/api/v1/work-orders?{query}", headers=headers)
        assert r.status_code == 200, r.text
        return int(r.json()["total"])

    local = NOW.astimezone(SHANGHAI).replace(tzinfo=None)
    assert count(f"received_from={(local - dt.timedelta(minutes=1)).isoformat()}") == 1
    assert count(f"received_from={(local + dt.timedelta(minutes=1)).isoformat()}") == 0
    assert count(f"received_from={local.date().isoformat()}") == 1  # midnight, local
    assert count(f"received_to={local.date().isoformat()}") == 0
    assert count("received_from=2026-11-29T01:59:00Z") == 1  # an offset is kept


def test_a_bare_date_filters_incidents(client: TestClient, headers: dict[str, str]) -> None:
    r = client.get("/api/v1/analytics/incidents?since=2026-12-01", headers=headers)
    assert r.status_code == 200, r.text


def test_a_tile_index_of_thousands_of_digits_is_404(client: TestClient) -> None:
    index = "/".join(["x123"] * 2000) + "/456"
    r = client.get(f"/evidence/tile/0/{index}")
    assert r.status_code == 404


def test_a_boundary_that_crosses_itself_is_422_from_the_api(
    client: TestClient, session: Session, world: World
) -> None:
    username = world.users["admin"].username
    token = accounts.create_token(session, SYSTEM, username=username, name="a", now=NOW)
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[120, 30], [120.1, 30.1], [120.1, 30], [120, 30.1], [120, 30]]],
    }
    body = {
        "kind": "community", "parent_code": "SA00", "name": "交叉社区", "short_code": "SA19",
        "division_code": "330106001019", "org_code": org_code(), "boundary": bow_tie,
    }  # fmt: skip
    r = client.post("/api/v1/org/units", json=body, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 422 and "boundary" in r.json()["error"]["fields"], r.text


def test_errors_of_public_machine_endpoints_are_json(client: TestClient) -> None:
    for path in ("/evidence/tile/0/x%0A1", "/evidence/tile/0/001"):
        r = client.get(path, headers={"Accept": "text/html"})
        assert r.status_code == 404 and r.json()["error"]["code"] in ("not_found", "http_404")


@pytest.mark.parametrize("lon", ["inf", "nan", "181", "-1e400"])
def test_a_cell_outside_the_earth_is_422(
    client: TestClient, headers: dict[str, str], lon: str
) -> None:
    r = client.get(f"/api/v1/analytics/cell?lon={lon}&lat=30", headers=headers)
    assert r.status_code == 422 and "lon" in r.json()["error"]["fields"]


def test_a_task_deadline_without_an_offset_is_local_time(
    client: TestClient, session: Session, world: World, headers: dict[str, str]
) -> None:
    order = service.intake(session, world.p["officer"], data=intake_data(), now=NOW)
    session.flush()
    body = {
        "department": "fire_rescue",
        "instructions": "查看消防通道",
        "due_at": "2026-11-30 18:00",
    }
    r = client.post(f"/api/v1/work-orders/{order.code}/tasks", json=body, headers=headers)
    assert r.status_code == 201, r.text
    assert dt.datetime.fromisoformat(r.json()["due_at"]) == dt.datetime(
        2026, 11, 30, 10, 0, tzinfo=dt.UTC
    )
    body["due_at"] = "1764500000"
    r = client.post(f"/api/v1/work-orders/{order.code}/tasks", json=body, headers=headers)
    assert r.status_code == 422 and "due_at" in r.json()["error"]["fields"]
