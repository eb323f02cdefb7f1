"""Outside channels: SMTP e-mail, and SMS through an HTTP gateway (or the log, in development).

A channel sends one message to one address and raises :class:`ChannelError` when it could
not; the outbox retries with back-off (at once ``failed`` when the error is permanent).
Channels hold no state another process needs. ``ref`` names the outbox entry, so that the
gateway's delivery reports can be matched to it.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import orjson

log = logging.getLogger("jingwu.notifications")


class ChannelError(Exception):
    """A message could not be sent (the reason in one sentence); ``permanent`` when trying
    again cannot help (the gateway refused the message itself)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Channel(Protocol):
    """Sends one message to one address."""

    def send(self, address: str, subject: str, body: str, *, ref: str = "") -> None: ...


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

    def send(self, address: str, subject: str, body: str, *, ref: str = "") -> None:
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

    def send_sms(self, phone: str, text: str, *, ref: str = "") -> None: ...


def sign(secret: str, body: bytes) -> str:
    """The ``X-Signature`` of a body: hex HMAC-SHA256 with the shared secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(secret: str, body: bytes, presented: str) -> bool:
    """True when ``presented`` is the body's signature (compared in constant time)."""
    return hmac.compare_digest(sign(secret, body), presented.strip().lower())


# Answers that say the message itself was refused: sending it again cannot help.
PERMANENT = frozenset(range(400, 500)) - {408, 409, 425, 429}


@dataclass(frozen=True)
class HttpSmsGateway:
    """An SMS gateway over HTTP: ``POST url`` with ``{"to", "text", "ref"}`` as JSON and
    ``X-Signature`` = hex HMAC-SHA256(secret, body); any 2xx answer means accepted."""

    url: str
    secret: str
    timeout: float = 10.0

    def send_sms(self, phone: str, text: str, *, ref: str = "") -> None:
        body = orjson.dumps({"to": phone, "text": text, "ref": ref})
        headers = {"Content-Type": "application/json", "X-Signature": sign(self.secret, body)}
        host = urlsplit(self.url).netloc
        try:
            answer = httpx.post(self.url, content=body, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            raise ChannelError(f"The SMS gateway {host} did not answer: {exc}") from exc
        if not answer.is_success:
            raise ChannelError(
                f"The SMS gateway {host} answered {answer.status_code}: {answer.text[:200]}",
                permanent=answer.status_code in PERMANENT,
            )


@dataclass
class LogSmsGateway:
    """Writes messages to the log instead of sending them (development and the demo only)."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send_sms(self, phone: str, text: str, *, ref: str = "") -> None:
        log.info("SMS %s to %s***: %s", ref, phone[:3], text)
        self.sent.append((phone, text))


@dataclass(frozen=True)
class SmsChannel:
    """The SMS channel over any gateway (the subject is dropped; SMS has none)."""

    gateway: SmsGateway

    def send(self, address: str, subject: str, body: str, *, ref: str = "") -> None:
        try:
            self.gateway.send_sms(address, body, ref=ref)
        except ChannelError:
            raise
        except Exception as exc:  # a provider's client may raise anything
            raise ChannelError(f"SMS delivery failed: {exc}") from exc
