"""The portal's SMS one-time code, sent from the internet zone straight to the SMS gateway
(it may not write the intranet's outbox); in the demo (one process serving both zones)
through the notifications outbox, where the demo and the tests can read it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from jingwu.config import Settings
from jingwu.errors import Invalid
from jingwu.notifications import service as notifications
from jingwu.notifications.channels import ChannelError, HttpSmsGateway, LogSmsGateway, SmsGateway

MESSAGE = "Your Jingwu verification code is {code}; valid for 10 minutes."


def gateway(settings: Settings) -> SmsGateway | None:
    if settings.sms_url and settings.sms_secret:
        return HttpSmsGateway(settings.sms_url, settings.sms_secret)
    return None if settings.is_production else LogSmsGateway()


def send_code(
    session: Session, settings: Settings, *, phone: str, code: str, language: str, now: dt.datetime
) -> None:
    """Send ``code`` to ``phone``; Invalid when no gateway takes it."""
    if settings.zone != "internet":
        notifications.send_direct(
            session,
            channel="sms",
            address=phone,
            message=MESSAGE,
            params={"code": code},
            language=language,
            now=now,
        )
        return
    sms = gateway(settings)
    if sms is None:
        raise Invalid("The SMS code could not be sent; please try again later.")
    text = "您的警务平台验证码是 {code}，10 分钟内有效。" if language == "zh_CN" else MESSAGE
    try:
        sms.send_sms(phone, text.format(code=code), ref="portal-code")
    except ChannelError:
        raise Invalid("The SMS code could not be sent; please try again later.") from None
