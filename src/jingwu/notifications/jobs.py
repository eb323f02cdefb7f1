"""Worker job: drain the outbox of outside deliveries (e-mail, SMS)."""

from __future__ import annotations

import logging

from jingwu.config import Settings
from jingwu.notifications.channels import Channel, LogSmsGateway, SmsChannel, SmtpChannel
from jingwu.notifications.service import deliver_pending
from jingwu.worker.runner import JobContext, JobSpec

log = logging.getLogger("jingwu.notifications")


def channels_for(settings: Settings) -> dict[str, Channel]:
    """The configured channels: SMTP when ``JINGWU_SMTP_URL`` is set; SMS to the log."""
    channels: dict[str, Channel] = {"sms": SmsChannel(LogSmsGateway())}
    if settings.smtp_url:
        channels["email"] = SmtpChannel.from_url(settings.smtp_url)
    return channels


def deliver(ctx: JobContext) -> None:
    """Send what is due in the outbox (a batch per run; failures retry with back-off)."""
    channels = channels_for(ctx.runtime.settings)
    with ctx.runtime.db.unit_of_work() as session:
        sent, failed = deliver_pending(session, channels=channels, now=ctx.now)
    if sent or failed:
        log.info("notifications: %d sent, %d failed", sent, failed)


JOBS = [JobSpec("notifications.deliver", interval_seconds=30, run=deliver, lease_seconds=300)]
