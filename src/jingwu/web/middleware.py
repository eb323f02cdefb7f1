"""The pure-ASGI middleware: request metrics, body limits, security headers, language, CSRF."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jingwu.web import csrf
from jingwu.web.bodylimit import BodyLimits, BodyTooLarge, CountingReceive, declared_length
from jingwu.web.bodylimit import refuse as bodylimit_refuse
from jingwu.web.headers import FIXED, Network, finish, is_https
from jingwu.web.i18n import negotiate

LANG_COOKIE = "jingwu_lang"
API_PREFIXES = ("/api/", "/open311/")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    """Request counters and latency histograms in the Prometheus text format."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, int], int] = defaultdict(int)
        self.buckets: dict[str, list[int]] = defaultdict(lambda: [0] * (len(BUCKETS) + 1))
        self.sums: dict[str, float] = defaultdict(float)

    def observe(self, method: str, status: int, seconds: float) -> None:
        self.counts[(method, status)] += 1
        row = self.buckets[method]
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                row[i] += 1
        row[-1] += 1
        self.sums[method] += seconds

    def render(self) -> str:
        lines = [
            "# HELP jingwu_http_requests_total HTTP requests by method and status.",
            "# TYPE jingwu_http_requests_total counter",
        ]
        for (method, status), n in sorted(self.counts.items()):
            lines.append(f'jingwu_http_requests_total{{method="{method}",status="{status}"}} {n}')
        lines += [
            "# HELP jingwu_http_request_seconds Request latency.",
            "# TYPE jingwu_http_request_seconds histogram",
        ]
        for method, row in sorted(self.buckets.items()):
            for bound, n in zip((*BUCKETS, "+Inf"), row, strict=True):
                lines.append(
                    f'jingwu_http_request_seconds_bucket{{method="{method}",le="{bound}"}} {n}'
                )
            lines.append(
                f'jingwu_http_request_seconds_sum{{method="{method}"}} {self.sums[method]:.6f}'
            )
            lines.append(f'jingwu_http_request_seconds_count{{method="{method}"}} {row[-1]}')
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class WebOptions:
    """What the middleware needs from the settings and the app."""

    language: str
    secret: bytes
    limits: BodyLimits
    csp: bytes
    proxies: tuple[Network, ...] = ()
    allow: bytes = b"GET, HEAD, POST"  # the methods the app serves, for 405 answers


class WebMiddleware:
    """What every request passes through, in one pure-ASGI layer: request metrics, the
    body limits (:mod:`jingwu.web.bodylimit`), the security headers
    (:mod:`jingwu.web.headers`), the language (``?lang=``, the ``jingwu_lang`` cookie, for
    the API ``Accept-Language``, or the default) and the CSRF check (:mod:`jingwu.web.csrf`).
    ``TRACE`` is refused here.

    One layer instead of four: each layer costs a coroutine and a wrapper around every
    message sent, on every request. A refused request still gets the security headers and
    is counted.
    """

    def __init__(self, app: ASGIApp, *, metrics: Metrics, options: WebOptions) -> None:
        self.app = app
        self.metrics = metrics
        self.options = options
        self.fixed = [*FIXED, (b"content-security-policy", options.csp)]

    def _language(self, scope: Scope, cookie_headers: list[bytes]) -> str:
        query = (parse_qs(scope.get("query_string", b"").decode()).get("lang") or [""])[0]
        cookie = ""
        for value in cookie_headers:
            jar = SimpleCookie()
            jar.load(value.decode("latin-1"))
            if LANG_COOKIE in jar:
                cookie = jar[LANG_COOKIE].value
        # Pages (and their htmx fragments) stay Chinese unless switched; programs — the API,
        # or any client not asking for HTML — may also ask by Accept-Language.
        headers = dict(scope.get("headers", []))
        program = str(scope.get("path", "")).startswith(API_PREFIXES) or (
            b"text/html" not in headers.get(b"accept", b"") and b"hx-request" not in headers
        )
        accept = headers.get(b"accept-language", b"").decode("latin-1") if program else None
        return negotiate(query=query, cookie=cookie, accept=accept, default=self.options.language)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        extra: list[tuple[bytes, bytes]] = list(self.fixed)
        https = is_https(scope, self.options.proxies)
        body = CountingReceive(receive, self.options.limits.for_request(scope))
        replaced = False  # the answer is a 413 of ours, not the application's
        started = False
        language = self.options.language

        async def wrapped(message: Message) -> None:
            nonlocal status, started
            if body.exceeded and not replaced and not started:
                return  # the application's answer to a body cut short
            if message["type"] == "http.response.start":
                started = True
                status = int(message["status"])
                headers = [*message.get("headers", []), *extra]
                message = {**message, "headers": finish(headers, https=https)}
            await send(message)

        try:
            language = self._prepare(scope)
            declared = declared_length(scope)
            if declared is not None and declared > body.limit:
                body.exceeded = True
                raise BodyTooLarge
            if scope["method"] == "TRACE":
                await _not_allowed(wrapped, self.options.allow)
                return
            extra, forward = await self._check_csrf(scope, body, extra)
            if forward is None:
                await csrf.refuse(scope, wrapped)
            else:
                await self.app(scope, forward, wrapped)
            if body.exceeded and not started:
                replaced = True
                await bodylimit_refuse(scope, wrapped, body.limit, language)
        except Exception:
            if not body.exceeded or started:
                raise
            replaced = True
            await bodylimit_refuse(scope, wrapped, body.limit, language)
        finally:
            self.metrics.observe(scope["method"], status, time.perf_counter() - start)

    def _prepare(self, scope: Scope) -> str:
        cookie_headers = [v for k, v in scope.get("headers", []) if k == b"cookie"]
        state = scope.setdefault("state", {})
        state["language"] = language = self._language(scope, cookie_headers)
        state["cookies"] = (
            csrf.parse_cookies(cookie_headers[0].decode("latin-1")) if cookie_headers else {}
        )
        return language

    async def _check_csrf(
        self, scope: Scope, receive: Receive, extra: list[tuple[bytes, bytes]]
    ) -> tuple[list[tuple[bytes, bytes]], Receive | None]:
        """The headers to add and the receive channel to pass on (None: refused)."""
        cookies = scope["state"].pop("cookies")
        allowed, new_token, forward = await csrf.check(scope, receive, cookies, self.options.secret)
        if not allowed:
            return extra, None  # no new CSRF cookie on a refusal
        return [csrf.cookie_header(new_token), *extra] if new_token else extra, forward


async def _not_allowed(send: Send, allow: bytes) -> None:
    """405 for TRACE (it would echo the request, cookies included)."""
    body = b'{"error":{"code":"http_405","message":"Method not allowed.","fields":{}}}'
    headers = [(b"content-type", b"application/json"), (b"allow", allow)]
    await send({"type": "http.response.start", "status": 405, "headers": headers})
    await send({"type": "http.response.body", "body": body})
