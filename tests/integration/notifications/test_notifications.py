from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.notifications import service
from jingwu.notifications.channels import LogSmsGateway, SmsChannel, SmtpChannel
from jingwu.notifications.models import Delivery
from tests.integration.workorders.wo_factory import NOW, World, make_world

MSG = "Work order {code} was assigned to you."


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def _notify(session: Session, w: World, *names: str, now: dt.datetime = NOW) -> int:
    ids = [w.users[n].user.id for n in names]
    params = {"code": "SA01-20261129-0001"}
    return service.notify(
        session, user_ids=ids, kind="wo.assigned", message=MSG, params=params, link="/x", now=now
    )


def test_notifications_are_counted_listed_and_marked_read_per_user(
    session: Session, world: World
) -> None:
    _notify(session, world, "officer", "officer", "chief")
    me = world.p["officer"]
    assert service.unread_count(session, me) == 1
    assert service.unread_count(session, world.p["chief"]) == 1
    [n] = service.list_for(session, me)
    assert service.mark_read(session, world.p["chief"], ids=[n.id], now=NOW) == 0
    assert service.mark_read(session, me, ids=None, now=NOW) == 1
    assert service.unread_count(session, me) == 0


def test_e_mail_goes_through_the_outbox_to_an_smtp_server(
    session: Session, world: World, smtp: tuple[Inbox, int]
) -> None:
    inbox, port = smtp
    service.set_contact(session, world.p["officer"], email="wang@example.org",
                        email_enabled=True, sms_enabled=False)  # fmt: skip
    _notify(session, world, "officer", "chief")
    channels = {"email": SmtpChannel("127.0.0.1", port, "jingwu@example.org")}
    assert service.deliver_pending(session, channels=channels, now=NOW) == (1, 0)
    [(to, mail)] = inbox.messages
    assert to == ["wang@example.org"]
    assert mail["Subject"] == "【警务】工单 SA01-20261129-0001 已指派给您。"
    assert service.deliver_pending(session, channels=channels, now=NOW) == (0, 0)


def test_a_failed_delivery_is_retried_with_back_off(session: Session, world: World) -> None:
    service.set_contact(session, world.p["officer"], email="wang@example.org",
                        email_enabled=True, sms_enabled=False)  # fmt: skip
    _notify(session, world, "officer")
    dead = {"email": SmtpChannel("127.0.0.1", _free_port(), "jingwu@example.org", timeout=2)}
    assert service.deliver_pending(session, channels=dead, now=NOW) == (0, 1)
    row = session.scalars(select(Delivery)).one()
    assert row.status == "pending" and row.next_attempt_at == NOW + dt.timedelta(minutes=1)
    assert service.deliver_pending(session, channels=dead, now=NOW) == (0, 0)


def test_a_citizen_gets_a_direct_sms(session: Session, world: World) -> None:
    service.send_direct(session, channel="sms", address="13800001111",
                        message="Your request {code} has been handled. Please rate it: {link}",
                        params={"code": "A-1", "link": "/feedback/t"}, now=NOW)  # fmt: skip
    gateway = LogSmsGateway()
    assert service.deliver_pending(session, channels={"sms": SmsChannel(gateway)}, now=NOW) == (
        1,
        0,
    )
    assert gateway.sent[0][0] == "13800001111" and "/feedback/t" in gateway.sent[0][1]
    stored = session.scalars(select(Delivery)).one()
    assert stored.status == "sent"
