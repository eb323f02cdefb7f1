"""IoT pages through the ASGI client: lists, detail, add, alerts to work orders, rules, scope."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.iot.ingest import Batch
from jingwu.iot.models import Alert, Device, RuleRow
from jingwu.iot.pipeline import Pipeline
from jingwu.reference.service import seed_defaults
from jingwu.workorders.models import WorkOrder
from tests.conftest import FrozenClock, TransactionalDatabase
from tests.factories.accounts import csrf, make_user, sign_in
from tests.integration.iot.iot_factory import event, network, tele, topic


def _signed_in(
    client: TestClient, session: Session, clock: FrozenClock, unit: str, role: str
) -> dict[str, Any]:
    net = network(session)
    tu = make_user(session, net["units"][unit], role)
    assert sign_in(client, tu, clock.now).status_code == 303
    return net


def _feed(db: TransactionalDatabase, clock: FrozenClock, msgs: list[tuple[str, bytes]]) -> Any:
    p = Pipeline(db, clock)
    p.start()
    batch = Batch()
    for t, body in msgs:
        p.feed(batch, t, body, clock())
    return p.commit(batch)


def test_the_device_list_shows_only_the_officers_station(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    net = _signed_in(client, session, clock, "SA01", "officer")
    page = client.get("/iot/devices").text
    assert net["env"][0][0].code in page and net["smoke"][0][0].code in page
    assert net["other"][0][0].code not in page
    assert 'id="add-device"' not in page  # officers do not register devices


def test_the_device_page_shows_readings_and_another_stations_device_is_404(
    client: TestClient, session: Session, clock: FrozenClock, db: TransactionalDatabase
) -> None:
    net = _signed_in(client, session, clock, "SA01", "officer")
    dev = net["env"][0][0]
    _feed(db, clock, [(topic(dev, "SA01"), tele(0, pm25=42.5, humidity=71))])
    r = client.get(f"/iot/devices/{dev.id}")
    assert r.status_code == 200
    assert "42.5" in r.text and 'id="device-chart"' in r.text and "echarts.min.js" in r.text
    series = client.get(f"/api/v1/iot/devices/{dev.id}/series?metric=pm25&hours=6").json()
    assert [p[1] for p in series["points"]] == [42.5]
    assert client.get(f"/iot/devices/{net['other'][0][0].id}").status_code == 404


def test_a_chief_adds_a_device_and_sees_its_secret_once(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    _signed_in(client, session, clock, "SA01", "chief")
    form = {
        "code": "SA01-NEW-1",
        "station": "SA01",
        "device_class": "perimeter_radar",
        "lon": "120.105",
        "lat": "30.205",
        "indoor_zone": "东门",
        "csrf_token": csrf(client),
    }
    r = client.post("/iot/devices/new", data=form)
    assert r.status_code == 201 and 'id="secret"' in r.text
    device = session.scalar(select(Device).where(Device.code == "SA01-NEW-1"))
    assert device is not None and device.credential_hash is not None
    assert device.credential_hash.startswith("$7$101$")
    assert device.credential_hash not in r.text
    again = client.post("/iot/devices/new", data=form)
    assert again.status_code == 422 and "已被占用" in again.text  # the code field: taken


def test_a_chief_cannot_register_a_device_in_another_station(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    _signed_in(client, session, clock, "SA01", "chief")
    form = {
        "code": "SB01-X-1",
        "station": "SB01",
        "device_class": "environment",
        "lon": "120.125",
        "lat": "30.205",
        "csrf_token": csrf(client),
    }
    r = client.post("/iot/devices/new", data=form)
    assert r.status_code == 422
    assert session.scalar(select(Device).where(Device.code == "SB01-X-1")) is None


def test_an_officer_confirms_an_alarm_into_a_sensor_work_order(
    client: TestClient, session: Session, clock: FrozenClock, db: TransactionalDatabase
) -> None:
    seed_defaults(session)
    net = _signed_in(client, session, clock, "SA01", "officer")
    smoke = net["smoke"][0][0]
    out = _feed(db, clock, [(topic(smoke, "SA01", "event"), event(0, "smoke_alarm"))])
    page = client.get("/iot/alerts").text
    assert f'id="alert-{out.alerts[0]}"' in page and "烟雾报警" in page
    headers = {"HX-Request": "true", "X-CSRF-Token": csrf(client)}
    r = client.post(f"/iot/alerts/{out.alerts[0]}/confirm", data={"tier": "red"}, headers=headers)
    assert r.status_code == 200, r.text
    alert = session.get(Alert, out.alerts[0])
    assert alert is not None and alert.work_order_ref is not None
    assert alert.state == "acknowledged" and alert.work_order_ref in r.text
    order = session.scalar(select(WorkOrder).where(WorkOrder.code == alert.work_order_ref))
    assert order is not None
    assert (order.channel, order.category, order.source_ref) == (
        "sensor",
        "fire_hazard",
        f"iot-alert:{alert.id}",
    )
    again = client.post(f"/iot/alerts/{alert.id}/confirm", data={"tier": "red"}, headers=headers)
    assert again.status_code == 409


def test_an_officer_cannot_act_on_another_stations_alert(
    client: TestClient, session: Session, clock: FrozenClock, db: TransactionalDatabase
) -> None:
    net = _signed_in(client, session, clock, "SA01", "officer")
    other = net["other"][0][0]
    out = _feed(db, clock, [(topic(other, "SB01"), tele(0, pm25=400))])
    assert out.alerts
    assert f"alert-{out.alerts[0]}" not in client.get("/iot/alerts").text
    r = client.post(f"/iot/alerts/{out.alerts[0]}/resolve", headers={"X-CSRF-Token": csrf(client)})
    assert r.status_code == 404
    assert session.get(Alert, out.alerts[0]).state == "open"  # type: ignore[union-attr]


def test_the_director_edits_a_class_rule_and_an_officer_may_not(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    _signed_in(client, session, clock, "D000", "director")
    form = {
        "code": "env.pm25",
        "kind": "threshold",
        "device_class": "environment",
        "metric": "pm25",
        "op": ">",
        "value": "115",
        "tier": "orange",
        "dedup_s": "1800",
        "label_zh": "PM2.5 重度污染",
        "label_en": "PM2.5 heavy",
        "enabled": "on",
        "csrf_token": csrf(client),
    }
    r = client.post("/iot/rules/edit", data=form, follow_redirects=False)
    assert r.status_code == 303
    row = session.scalar(select(RuleRow).where(RuleRow.code == "env.pm25"))
    assert row is not None and '"value":115.0' in row.definition
    assert "PM2.5 heavy" in client.get("/iot/rules?lang=en").text
    bad = client.post("/iot/rules/edit", data={**form, "op": "~"})
    assert bad.status_code == 422 and "op" in bad.text


def test_an_officer_cannot_change_rules(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    _signed_in(client, session, clock, "SA01", "officer")
    form = {
        "code": "x.y",
        "kind": "heartbeat",
        "offline_after_s": "60",
        "tier": "red",
        "label_zh": "测试",
        "label_en": "Test",
        "csrf_token": csrf(client),
    }
    assert client.post("/iot/rules/edit", data=form).status_code == 403
    assert session.scalar(select(RuleRow)) is None


def test_coverage_energy_loss_and_map_pages_render(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    _signed_in(client, session, clock, "D000", "director")
    coverage = client.get("/iot/coverage").text
    assert 'data-station="SA01"' in coverage and 'data-station="SB01"' in coverage
    assert client.get("/iot/energy").status_code == 200
    assert 'id="gaps"' in client.get("/iot/loss").text
    # the device map is the situational map with the device layers on
    moved = client.get("/iot/map", follow_redirects=False)
    assert moved.status_code == 303
    assert moved.headers["location"] == "/analytics?layers=stations,devices,alerts"
    page = client.get("/analytics?layers=stations,devices,alerts").text
    assert 'id="layer-devices" checked' in page and 'id="layer-alerts" checked' in page
    assert 'id="layer-incidents" checked' not in page
    assert client.get("/iot/static/iot-chart.js").status_code == 200
    assert client.get("/iot/static/../models.py").status_code == 404


def test_the_dashboard_shows_devices_online_and_open_alerts(
    client: TestClient, session: Session, clock: FrozenClock, db: TransactionalDatabase
) -> None:
    net = _signed_in(client, session, clock, "SA01", "officer")
    _feed(db, clock, [(topic(net["env"][0][0], "SA01"), tele(0, pm25=300))])
    page = client.get("/?lang=en").text
    assert "Sensing devices online" in page and "1 / 4" in page
    assert "Open sensor alerts" in page
