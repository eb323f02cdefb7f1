"""Request body limits, enforced as the bytes arrive (used by
:class:`jingwu.web.middleware.WebMiddleware`).

A body larger than its limit is refused with 413 before it is buffered: at once when its
``Content-Length`` says so, otherwise as soon as the bytes counted so far pass the limit
(the application's reading stops there and its answer is replaced by the 413). Uploads
(``multipart/form-data``) have a limit of their own: files are spooled to disk, not memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson
from starlette.types import Message, Receive, Scope, Send

from jingwu.errors import PayloadTooLarge
from jingwu.web.i18n import translations

READINGS_PATH = "/api/v1/iot/readings"
TOO_LARGE = "The request body is larger than the limit of {limit} bytes."


@dataclass(frozen=True)
class BodyLimits:
    """Bytes allowed in a request body, by kind."""

    json: int  # JSON, forms, text: everything but uploads (JINGWU_MAX_JSON_BYTES)
    upload: int  # multipart uploads (JINGWU_MAX_UPLOAD_BYTES)
    readings: int  # device batches on POST /api/v1/iot/readings (JINGWU_MAX_READINGS_BYTES)

    def for_request(self, scope: Scope) -> int:
        if header(scope, b"content-type").lower().startswith("multipart/"):
            return self.upload
        if scope.get("path") == READINGS_PATH:
            return self.readings
        return self.json


class BodyTooLarge(Exception):
    """Raised into the application's read of the body once it passes the limit."""


def header(scope: Scope, wanted: bytes) -> str:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return str(value.decode("latin-1"))
    return ""


def declared_length(scope: Scope) -> int | None:
    """The ``Content-Length`` of the request, when it gives a plain number."""
    value = header(scope, b"content-length").strip()
    return int(value) if value.isdigit() and len(value) < 20 else None


class CountingReceive:
    """A ``receive`` channel that counts body bytes and fails once they pass the limit."""

    def __init__(self, receive: Receive, limit: int) -> None:
        self.receive = receive
        self.limit = limit
        self.size = 0
        self.exceeded = False

    async def __call__(self) -> Message:
        if self.exceeded:
            raise BodyTooLarge
        message = await self.receive()
        if message["type"] == "http.request":
            self.size += len(message.get("body", b""))
            if self.size > self.limit:
                self.exceeded = True
                raise BodyTooLarge
        return message


def _wants_json(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    accept = header(scope, b"accept")
    return path.startswith(("/api/", "/open311/")) or (
        "application/json" in accept and "text/html" not in accept
    )


async def refuse(scope: Scope, send: Send, limit: int, language: str) -> None:
    """Answer 413: the JSON error shape for programs, a short page for people."""
    error = PayloadTooLarge(TOO_LARGE, params={"limit": limit})
    message = error.translated(translations(language).ugettext)
    if _wants_json(scope):
        body = orjson.dumps({"error": {"code": error.code, "message": message, "fields": {}}})
        ctype = b"application/json"
    else:
        page = f"<!doctype html><meta charset=utf-8><title>413</title><p>{message}</p>"
        body, ctype = page.encode(), b"text/html; charset=utf-8"
    headers = [(b"content-type", ctype), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": body})
