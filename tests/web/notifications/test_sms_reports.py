"""The SMS gateway's delivery reports, and the chief's page of failed messages."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.config import Settings
from jingwu.notifications import service
from jingwu.notifications.channels import sign
from jingwu.notifications.models import Delivery
from tests.conftest import FrozenClock
from tests.factories.accounts import sign_in
from tests.integration.workorders.wo_factory import NOW, World, make_world

SECRET = "gateway-secret"
URL = "/api/v1/notifications/sms-status"


@pytest.fixture
def world(session: Session, settings: Settings) -> World:
    settings.sms_url, settings.sms_secret = "https://sms.example/send", SECRET
    return make_world(session)


def _sms(session: Session, world: World) -> Delivery:
    return service.send_direct(
        session,
        channel="sms",
        address="13800001111",
        message="Your request {code} has been handled. Please rate it: {link}",
        params={"code": "SA01-20261129-0001", "link": "/feedback/t"},
        unit_id=world.units["SA01"].id,
        now=NOW,
    )


def _report(client: TestClient, payload: dict[str, str], secret: str = SECRET):  # type: ignore[no-untyped-def]
    body = json.dumps(payload).encode()
    client.cookies.clear()  # the gateway keeps no cookies, and sends no CSRF token
    headers = {"Content-Type": "application/json", "X-Signature": sign(secret, body)}
    return client.post(URL, content=body, headers=headers)


def test_a_signed_report_is_stored_and_a_failed_one_marks_the_message(
    client: TestClient, session: Session, world: World
) -> None:
    delivery = _sms(session, world)
    r = _report(client, {"ref": str(delivery.id), "status": "undelivered", "error": "off"})
    assert r.status_code == 200 and r.json() == {"stored": True, "matched": True}
    session.refresh(delivery)
    assert delivery.status == "failed" and delivery.report_status == "undelivered"
    r = _report(client, {"ref": "elsewhere", "status": "delivered"})
    assert r.json() == {"stored": True, "matched": False}


@pytest.mark.parametrize("secret", ["wrong-secret", ""])
def test_a_report_with_a_wrong_signature_is_refused(
    client: TestClient, session: Session, world: World, secret: str
) -> None:
    delivery = _sms(session, world)
    r = _report(client, {"ref": str(delivery.id), "status": "failed"}, secret=secret)
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
    session.refresh(delivery)
    assert delivery.status == "pending"


def test_a_report_without_a_signature_header_is_refused_not_csrf_checked(
    client: TestClient, world: World
) -> None:
    client.cookies.clear()
    r = client.post(URL, json={"ref": "1", "status": "failed"})
    assert r.status_code in (401, 403)
    r = client.post(URL, json={"ref": "1", "status": "failed"}, headers={"X-Signature": "00"})
    assert r.status_code == 401


def test_a_signed_body_that_is_no_report_is_refused_with_422(
    client: TestClient, world: World
) -> None:
    r = _report(client, {"status": "Delivered!!"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid"


def test_without_a_gateway_there_is_nothing_to_report_to(
    client: TestClient, settings: Settings
) -> None:
    settings.sms_secret = None
    assert _report(client, {"ref": "1", "status": "failed"}).status_code == 404


def test_the_chief_sees_the_failed_messages_of_the_station(
    client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    delivery = _sms(session, world)
    _report(client, {"ref": str(delivery.id), "status": "failed", "error": "空号"})
    sign_in(client, world.users["chief"], clock.now)
    page = client.get("/notifications/failed")
    assert page.status_code == 200
    assert "138****1111" in page.text and "13800001111" not in page.text
    assert "空号" in page.text and "未送达" in page.text
    dashboard = client.get("/")
    assert "/notifications/failed" in dashboard.text


def test_an_officer_may_not_open_the_failed_messages(
    client: TestClient, session: Session, world: World, clock: FrozenClock
) -> None:
    sign_in(client, world.users["officer"], clock.now)
    assert client.get("/notifications/failed").status_code == 403
