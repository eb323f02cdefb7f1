from __future__ import annotations

import pytest

from jingwu.notifications.channels import ChannelError, LogSmsGateway, SmsChannel, SmtpChannel
from jingwu.notifications.messages import render, text


def test_an_smtp_url_gives_host_port_sender_and_credentials() -> None:
    ch = SmtpChannel.from_url("smtp://ops%40x:p%2Fw@mail.example.org:2525?from=jw@x.org&starttls=1")
    assert (ch.host, ch.port, ch.sender) == ("mail.example.org", 2525, "jw@x.org")
    assert (ch.username, ch.password, ch.starttls, ch.tls) == ("ops@x", "p/w", True, False)


def test_smtps_defaults_to_port_465_with_tls() -> None:
    ch = SmtpChannel.from_url("smtps://mail.example.org")
    assert (ch.port, ch.tls, ch.sender) == (465, True, "jingwu@mail.example.org")


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "mail.example.org"])
def test_it_rejects_urls_that_are_not_smtp(url: str) -> None:
    with pytest.raises(ValueError, match="SMTP URL"):
        SmtpChannel.from_url(url)


def test_a_message_is_rendered_in_english_with_its_parameters() -> None:
    msg = "Work order {code}: {percent}% of the response time has passed."
    assert text(msg, {"code": "BS01-20261129-0001", "percent": 80}, "en") == (
        "Work order BS01-20261129-0001: 80% of the response time has passed."
    )
    subject, body = render(msg, {"code": "X", "percent": 50}, "en", "/work-orders/X")
    assert subject.startswith("[Jingwu] ") and body.endswith("\n/work-orders/X")


def test_a_missing_parameter_does_not_lose_the_message() -> None:
    assert text("Order {code} for {who}", {"code": "A"}, "en") == "Order A for {who}"


def test_the_sms_channel_turns_gateway_errors_into_channel_errors() -> None:
    class Broken:
        def send_sms(self, phone: str, text: str, *, ref: str = "") -> None:
            raise RuntimeError("provider down")

    with pytest.raises(ChannelError, match="provider down"):
        SmsChannel(Broken()).send("13800000000", "s", "b")
    log = LogSmsGateway()
    SmsChannel(log).send("13800000000", "subject", "body")
    assert log.sent == [("13800000000", "body")]
