"""Outside channels: SMTP e-mail and an SMS gateway interface.

A channel sends one message to one address and raises :class:`ChannelError` when it could
not; the outbox retries with back-off. Channels hold no state another process needs.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

log = logging.getLogger("jingwu.notifications")


class ChannelError(Exception):
    """A message could not be sent (the reason in one sentence)."""


class Channel(Protocol):
    """Sends one message to one address."""

    def send(self, address: str, subject: str, body: str) -> None: ...


@dataclass(frozen=True)
class SmtpChannel:
    """E-mail through an SMTP server given as ``smtp://[user:pass@]host:port?from=a@b``.

    ``smtps://`` connects with TLS; ``?starttls=1`` upgrades a plain connection.
    """

    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    tls: bool = False
    starttls: bool = False
    timeout: float = 10.0

    @classmethod
    def from_url(cls, url: str) -> SmtpChannel:
        """Parse the ``JINGWU_SMTP_URL`` setting."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("the SMTP URL must look like smtp://host:port?from=jingwu@example.org")
        query = parse_qs(parts.query)
        sender = (query.get("from") or [f"jingwu@{parts.hostname}"])[0]
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if parts.scheme == "smtps" else 25),
            sender=sender,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            tls=parts.scheme == "smtps",
            starttls=(query.get("starttls") or ["0"])[0] in ("1", "true", "yes"),
        )

    def send(self, address: str, subject: str, body: str) -> None:
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = self.sender, address, subject
        msg.set_content(body)
        try:
            if self.tls:
                client: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with client:
                if self.starttls:
                    client.starttls(context=ssl.create_default_context())
                if self.username and self.password:
                    client.login(self.username, self.password)
                client.send_message(msg)
        except (OSError, smtplib.SMTPException) as exc:
            raise ChannelError(f"SMTP delivery to {self.host}:{self.port} failed: {exc}") from exc


class SmsGateway(Protocol):
    """An SMS provider: sends ``text`` to a mainland mobile number."""

    def send_sms(self, phone: str, text: str) -> None: ...


@dataclass
class LogSmsGateway:
    """Writes messages to the log instead of sending them (development and the demo)."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send_sms(self, phone: str, text: str) -> None:
        log.info("SMS to %s***: %s", phone[:3], text)
        self.sent.append((phone, text))


@dataclass(frozen=True)
class SmsChannel:
    """The SMS channel over any gateway (the subject is dropped; SMS has none)."""

    gateway: SmsGateway

    def send(self, address: str, subject: str, body: str) -> None:
        try:
            self.gateway.send_sms(address, body)
        except ChannelError:
            raise
        except Exception as exc:  # a provider's client may raise anything
            raise ChannelError(f"SMS delivery failed: {exc}") from exc
