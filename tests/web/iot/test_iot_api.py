"""The IoT JSON API: HTTP readings with device and gateway logins, and the scoped reads."""

from __future__ import annotations

import base64
from typing import Any

import orjson
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.iot import service_devices
from jingwu.iot.models import Alert, DeadLetter, Reading
from jingwu.iot.schemas import GatewayIn
from tests.conftest import FrozenClock
from tests.factories.accounts import make_user, sign_in
from tests.integration.iot.iot_factory import NOW, NOW_MS, network


def _post(client: TestClient, body: dict[str, Any], user: str, secret: str) -> Any:
    # Devices keep no cookies: a cookie-carrying request would be held to the CSRF check.
    client.cookies.clear()
    return client.post("/api/v1/iot/readings", json=body, headers=_basic(user, secret))


def _basic(user: str, secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{secret}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _msg(device: str, seq: int, channel: str = "telemetry", **payload: Any) -> dict[str, Any]:
    body = {"ts": NOW_MS - 2000 + seq, "boot": "h1", "seq": seq} | payload
    if channel == "telemetry" and "metrics" not in body:
        body["metrics"] = {"pm25": 40, "humidity": 70}
    return {"device": device, "channel": channel, "payload": body}


def _count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_device_posts_a_batch_and_it_is_stored_once(client: TestClient, session: Session) -> None:
    net = network(session)
    dev, secret = net["env"][0]
    assert secret is not None
    batch = {"messages": [_msg(dev.code, k) for k in range(5)]}
    first = _post(client, batch, dev.code, secret)
    again = _post(client, batch, dev.code, secret)
    assert first.status_code == 200, first.text
    assert first.json() == {"stored": 5, "duplicates": 0, "refused": [], "alerts": 0}
    assert again.status_code == 200, again.text
    assert again.json()["stored"] == 0 and again.json()["duplicates"] == 5
    assert _count(session, Reading) == 5


def test_a_wrong_secret_is_401_and_nothing_is_stored(client: TestClient, session: Session) -> None:
    net = network(session)
    dev, _ = net["env"][0]
    r = _post(client, {"messages": [_msg(dev.code, 0)]}, dev.code, "guess")
    assert r.status_code == 401
    assert _count(session, Reading) == 0


def test_a_batch_with_a_device_the_login_may_not_speak_for_is_403_naming_it(
    client: TestClient, session: Session
) -> None:
    net = network(session)
    a, b, c = (d for d, _ in net["env"])
    gw, secret = service_devices.add_gateway(
        session,
        SYSTEM,
        data=GatewayIn(code="GW-SA01", station="SA01", devices=[a.code, b.code]),
        now=NOW,
    )
    ok = _post(client, {"messages": [_msg(a.code, 0), _msg(b.code, 0)]}, gw.code, secret)
    bad = _post(client, {"messages": [_msg(a.code, 1), _msg(c.code, 0)]}, gw.code, secret)
    assert ok.status_code == 200 and ok.json()["stored"] == 2
    assert bad.status_code == 403
    error = bad.json()["error"]
    assert c.code in error["message"] and error["fields"] == {"device": c.code}
    assert _count(session, Reading) == 2  # nothing of the refused batch


def test_refused_messages_are_listed_and_an_alarm_raises_an_alert(
    client: TestClient, session: Session
) -> None:
    net = network(session)
    smoke, secret = net["smoke"][0]
    assert secret is not None
    batch = {
        "messages": [
            _msg(smoke.code, 0, metrics={"smoke": 0.1}),
            _msg(smoke.code, 1, metrics={"smoke": 500}),
            _msg(smoke.code, 2, channel="event", event="fire_alarm"),
        ]
    }
    r = _post(client, batch, smoke.code, secret)
    body = r.json()
    assert body["stored"] == 2 and body["alerts"] == 1
    assert [(x["index"], x["reason"]) for x in body["refused"]] == [(1, "out_of_range")]
    assert _count(session, DeadLetter) == 1 and _count(session, Alert) == 1


def _signed_in(
    client: TestClient, session: Session, clock: FrozenClock, unit: str, role: str
) -> Any:
    net = network(session)
    tu = make_user(session, net["units"][unit], role)
    assert sign_in(client, tu, clock.now).status_code == 303
    return net


def test_an_officer_sees_only_the_devices_and_map_points_of_their_station(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    net = _signed_in(client, session, clock, "SA01", "officer")
    own = {d.code for d, _ in net["env"] + net["smoke"]}
    listed = {d["code"] for d in client.get("/api/v1/iot/devices").json()}
    assert listed == own
    other = net["other"][0][0]
    assert client.get(f"/api/v1/iot/devices/{other.id}").status_code == 404
    points = orjson.loads(client.get("/api/v1/iot/map").content)["devices"]
    assert {p[0] for p in points} == {d.id for d, _ in net["env"] + net["smoke"]}
    assert client.get(f"/api/v1/iot/devices/{other.id}/series?metric=pm25").status_code == 404


def test_the_map_data_is_compact_and_gzipped_on_request(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    _signed_in(client, session, clock, "D000", "director")
    r = client.get("/api/v1/iot/map", headers={"Accept-Encoding": "gzip"})
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    data = r.json()  # the client inflates it
    assert data["fields"] == ["id", "lon", "lat", "class", "status"]
    assert len(data["devices"]) == 5 and all(len(p) == 5 for p in data["devices"])
