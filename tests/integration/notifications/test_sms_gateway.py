"""SMS through an HTTP gateway: a local server plays the provider (both databases)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.config import Settings
from jingwu.notifications import queries, service
from jingwu.notifications.channels import (
    ChannelError,
    HttpSmsGateway,
    LogSmsGateway,
    SmsChannel,
    sign,
)
from jingwu.notifications.jobs import channels_for
from jingwu.notifications.models import Delivery, SmsReport
from tests.factories.smsprovider import SECRET, FakeProvider, running_provider
from tests.integration.workorders.wo_factory import NOW, World, make_world

FEEDBACK = "Your request {code} has been handled. Please rate it: {link}"


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    with running_provider() as p:
        yield p


def _feedback_sms(session: Session, world: World, phone: str = "13800001111") -> Delivery:
    return service.send_direct(
        session,
        channel="sms",
        address=phone,
        message=FEEDBACK,
        params={"code": "SA01-20261129-0001", "link": "/feedback/tok"},
        unit_id=world.units["SA01"].id,
        now=NOW,
    )


def _deliver(session: Session, provider: FakeProvider, now: dt.datetime = NOW) -> tuple[int, int]:
    gateway = SmsChannel(HttpSmsGateway(provider.url, SECRET, timeout=5))
    return service.deliver_pending(
        session, channels={"sms": gateway}, now=now, base_url="https://jingwu.example.gov.cn"
    )


def test_the_citizen_gets_the_feedback_link_as_signed_json(
    session: Session, world: World, provider: FakeProvider
) -> None:
    delivery = _feedback_sms(session, world)
    assert _deliver(session, provider) == (1, 0)
    [sent] = provider.received
    assert sent["content_type"] == "application/json" and provider.bad_signatures == 0
    assert sent["body"]["to"] == "13800001111" and sent["body"]["ref"] == str(delivery.id)
    assert "SA01-20261129-0001" in sent["body"]["text"]
    assert "https://jingwu.example.gov.cn/feedback/tok" in sent["body"]["text"]
    assert delivery.status == "sent"


def test_a_provider_error_is_retried_from_the_outbox(
    session: Session, world: World, provider: FakeProvider
) -> None:
    delivery = _feedback_sms(session, world)
    provider.status = 503
    assert _deliver(session, provider) == (0, 1)
    assert delivery.status == "pending" and "503" in delivery.last_error
    assert delivery.next_attempt_at == NOW + service.RETRY_BASE
    provider.status = 200
    assert _deliver(session, provider, NOW + dt.timedelta(minutes=2)) == (1, 0)
    assert delivery.status == "sent" and len(provider.received) == 2


def test_a_message_the_provider_refuses_fails_at_once(
    session: Session, world: World, provider: FakeProvider
) -> None:
    delivery = _feedback_sms(session, world)
    provider.status = 400
    assert _deliver(session, provider) == (0, 1)
    assert delivery.status == "failed"


def test_an_unreachable_gateway_is_a_channel_error() -> None:
    with running_provider() as gone:
        url = gone.url
    with pytest.raises(ChannelError, match="did not answer"):
        HttpSmsGateway(url, SECRET, timeout=2).send_sms("13800001111", "x", ref="1")


def test_a_report_that_the_message_did_not_arrive_makes_it_failed(
    session: Session, world: World, provider: FakeProvider
) -> None:
    delivery = _feedback_sms(session, world)
    _deliver(session, provider)
    later = NOW + dt.timedelta(minutes=1)
    service.record_sms_report(session, ref=str(delivery.id), status="undelivered",
                              error="absent subscriber", now=later)  # fmt: skip
    assert delivery.status == "failed" and delivery.report_status == "undelivered"
    assert delivery.reported_at == later and "absent subscriber" in delivery.last_error
    stray = service.record_sms_report(session, ref="nope", status="delivered", error="", now=later)
    assert stray.delivery_id is None
    assert len(session.scalars(select(SmsReport)).all()) == 2


def test_failed_messages_are_shown_to_the_chiefs_of_their_unit_only(
    session: Session, world: World, provider: FakeProvider
) -> None:
    delivery = _feedback_sms(session, world, phone="13912345678")
    provider.status = 400
    _deliver(session, provider)
    [seen] = queries.failed_messages(session, world.p["chief"], language="zh_CN")
    assert seen.id == delivery.id and seen.address == "139****5678"
    assert "SA01-20261129-0001" in seen.text and "已办结" in seen.text
    assert queries.failed_messages(session, world.p["street"], language="zh_CN")
    assert queries.failed_messages(session, world.p["b_chief"], language="zh_CN") == []
    cards = queries.dashboard_cards(session, world.p["chief"])
    assert [(c.value, c.tone) for c in cards] == [("1", "bad")]
    assert queries.dashboard_cards(session, world.p["officer"]) == []


def test_the_log_channel_is_for_development_only() -> None:
    dev = channels_for(Settings(environment="development"))
    assert isinstance(dev["sms"], SmsChannel) and isinstance(dev["sms"].gateway, LogSmsGateway)
    assert "sms" not in channels_for(Settings(environment="production"))
    real = channels_for(Settings(environment="production", sms_url="https://sms.example/send",
                                 sms_secret="s"))  # fmt: skip
    assert isinstance(real["sms"], SmsChannel)
    assert isinstance(real["sms"].gateway, HttpSmsGateway)


def test_without_a_gateway_in_production_an_sms_fails_visibly(
    session: Session, world: World
) -> None:
    delivery = _feedback_sms(session, world)
    channels = channels_for(Settings(environment="production"))
    assert service.deliver_pending(session, channels=channels, now=NOW) == (0, 1)
    assert delivery.status == "failed" and "no sms channel" in delivery.last_error


def test_the_signature_is_hex_hmac_sha256_of_the_body() -> None:
    assert sign("key", b"The quick brown fox jumps over the lazy dog") == (
        "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
    )
