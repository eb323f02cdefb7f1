"""Worker job: drain the outbox of outside deliveries (e-mail, SMS)."""

from __future__ import annotations

import logging

from jingwu.config import Settings
from jingwu.notifications.channels import (
    Channel,
    HttpSmsGateway,
    LogSmsGateway,
    SmsChannel,
    SmtpChannel,
)
from jingwu.notifications.service import deliver_pending
from jingwu.worker.runner import JobContext, JobSpec

log = logging.getLogger("jingwu.notifications")


def channels_for(settings: Settings) -> dict[str, Channel]:
    """The configured channels: SMTP when ``JINGWU_SMTP_URL`` is set; SMS through the
    gateway at ``JINGWU_SMS_URL``, else to the log in development and not at all in
    production (each SMS then fails at once, visibly, instead of pretending to be sent)."""
    channels: dict[str, Channel] = {}
    if settings.sms_url and settings.sms_secret:
        channels["sms"] = SmsChannel(HttpSmsGateway(settings.sms_url, settings.sms_secret))
    elif not settings.is_production:
        channels["sms"] = SmsChannel(LogSmsGateway())
    else:
        log.warning("notifications: no SMS gateway (JINGWU_SMS_URL): SMS messages fail")
    if settings.smtp_url:
        channels["email"] = SmtpChannel.from_url(settings.smtp_url)
    return channels


def deliver(ctx: JobContext) -> None:
    """Send what is due in the outbox (a batch per run; failures retry with back-off)."""
    settings = ctx.runtime.settings
    channels = channels_for(settings)
    with ctx.runtime.db.unit_of_work() as session:
        sent, failed = deliver_pending(
            session, channels=channels, now=ctx.now, base_url=settings.public_url or ""
        )
    if sent or failed:
        log.info("notifications: %d sent, %d failed", sent, failed)


JOBS = [JobSpec("notifications.deliver", interval_seconds=30, run=deliver, lease_seconds=300)]
