"""CSRF protection for every form: a signed double-submit cookie, checked in middleware
(:class:`jingwu.web.middleware.WebMiddleware`).

Each browser gets a random token in the ``jingwu_csrf`` cookie, signed with the secret key
so another site cannot plant one. Every unsafe request that carries cookies must echo the
token: in the ``X-CSRF-Token`` header (htmx, scripts), the ``csrf_token`` query parameter
(multipart uploads), or the ``csrf_token`` field of a URL-encoded form. Requests
authenticated with a bearer token need no CSRF token and get no CSRF cookie, whatever
cookies they carry: the token, not a cookie, signs them in, and another site cannot make a
browser send it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

import orjson
from starlette.types import Message, Receive, Scope, Send

from jingwu.web.i18n import DEFAULT_LANGUAGE, translator

COOKIE = "jingwu_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
MAX_FORM_BYTES = 1 << 20


def new_token(secret: bytes) -> str:
    nonce = secrets.token_urlsafe(18)
    sig = hmac.new(secret, nonce.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{nonce}.{sig}"


def token_valid(secret: bytes, token: str) -> bool:
    nonce, _, sig = token.partition(".")
    want = hmac.new(secret, nonce.encode(), hashlib.sha256).hexdigest()[:32]
    return bool(nonce) and hmac.compare_digest(want, sig)


def parse_cookies(header: str) -> dict[str, str]:
    """The cookies of a ``Cookie`` header."""
    jar = SimpleCookie()
    jar.load(header)
    return {k: m.value for k, m in jar.items()}


def _header(scope: Scope, wanted: bytes) -> str:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return str(value.decode("latin-1"))
    return ""


async def check(
    scope: Scope, receive: Receive, cookies: dict[str, str], secret: bytes
) -> tuple[bool, str | None, Receive]:
    """The CSRF check of one request: (allowed, a new token to set as the cookie or None,
    the receive channel to pass on). Puts the request's token in ``scope["state"]``."""
    cookie_token = cookies.get(COOKIE, "")
    fresh = not token_valid(secret, cookie_token)
    token = new_token(secret) if fresh else cookie_token
    scope.setdefault("state", {})["csrf_token"] = token
    # A program signed in by its token alone (cookies are never read for it), a device with
    # its own credentials and no cookies, or a caller that signs its body (the SMS gateway's
    # delivery reports, checked by the route): no cookie to hand out, nothing another site
    # could forge (it cannot set the header).
    program = bool(_header(scope, b"authorization") or _header(scope, b"x-signature"))
    if is_bearer(scope) or (program and not cookies) or is_keyed_api(scope):
        return True, None, receive
    if scope["method"] in SAFE_METHODS:
        return True, token if fresh else None, receive
    presented = _header(scope, HEADER.encode())
    if not presented:
        qs = parse_qs(scope.get("query_string", b"").decode())
        presented = (qs.get(FIELD) or [""])[0]
    replay: list[Message] = []
    if not presented and _header(scope, b"content-type").startswith(
        "application/x-www-form-urlencoded"
    ):
        body, replay = await _read_body(receive)
        presented = (parse_qs(body.decode("utf-8", "replace")).get(FIELD) or [""])[0]
    if fresh or not hmac.compare_digest(presented, cookie_token):
        return False, None, receive
    return True, None, _replaying(replay, receive) if replay else receive


KEYED_PREFIXES = ("/open311/",)
"""APIs whose callers sign in by a key in the request itself (Open311's ``api_key``), never
by a cookie: another site can forge nothing there that it could not send directly."""


def is_keyed_api(scope: Scope) -> bool:
    return str(scope.get("path", "")).startswith(KEYED_PREFIXES)


def is_bearer(scope: Scope) -> bool:
    """True for a request authenticated by an ``Authorization: Bearer`` token."""
    scheme, _, token = _header(scope, b"authorization").partition(" ")
    return scheme.lower() == "bearer" and bool(token.strip())


def cookie_header(token: str) -> tuple[bytes, bytes]:
    """The ``Set-Cookie`` header that gives a browser its CSRF token."""
    return b"set-cookie", f"{COOKIE}={token}; Path=/; SameSite=Lax; HttpOnly".encode()


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        size += len(message.get("body", b""))
        if (
            message["type"] != "http.request"
            or not message.get("more_body")
            or size > MAX_FORM_BYTES
        ):
            break
    return b"".join(m.get("body", b"") for m in messages), messages


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


REFUSED = (
    "The form has expired or did not come from this site (CSRF check failed). Reload and try again."
)


async def refuse(scope: Scope, send: Send) -> None:
    """Answer 403: JSON for the API, a short page for people."""
    wants_json = "application/json" in _header(scope, b"accept") or str(
        scope.get("path", "")
    ).startswith("/api/")
    language = scope.get("state", {}).get("language", DEFAULT_LANGUAGE)
    message = translator(language)(REFUSED)
    if wants_json:
        error = {"code": "csrf", "fields": {}, "message": message}
        body = orjson.dumps({"error": error})
        ctype = b"application/json"
    else:
        body = f"<!doctype html><meta charset=utf-8><title>403</title><p>{message}</p>".encode()
        ctype = b"text/html; charset=utf-8"
    await send(
        {"type": "http.response.start", "status": 403, "headers": [(b"content-type", ctype)]}
    )
    await send({"type": "http.response.body", "body": body})
