"""The pure-ASGI middleware: request metrics, security headers, language and CSRF."""

from __future__ import annotations

import time
from collections import defaultdict
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jingwu.web import csrf
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


class WebMiddleware:
    """What every request passes through, in one pure-ASGI layer: request metrics, the
    security headers, the language (``?lang=``, the ``jingwu_lang`` cookie, for the API
    ``Accept-Language``, or the default) and the CSRF check (:mod:`jingwu.web.csrf`).

    One layer instead of four: each layer costs a coroutine and a wrapper around every
    message sent, on every request. A refused request still gets the security headers and
    is counted.
    """

    SECURITY_HEADERS = (
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
    )

    def __init__(self, app: ASGIApp, *, metrics: Metrics, language: str, secret: bytes) -> None:
        self.app = app
        self.metrics = metrics
        self.default_language = language
        self.secret = secret

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
        return negotiate(query=query, cookie=cookie, accept=accept, default=self.default_language)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        cookie_headers = [v for k, v in scope.get("headers", []) if k == b"cookie"]
        state = scope.setdefault("state", {})
        state["language"] = self._language(scope, cookie_headers)
        cookies = csrf.parse_cookies(cookie_headers[0].decode("latin-1")) if cookie_headers else {}
        allowed, new_token, receive = await csrf.check(scope, receive, cookies, self.secret)
        extra = [csrf.cookie_header(new_token)] if new_token else []
        extra += self.SECURITY_HEADERS

        async def wrapped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        try:
            if allowed:
                await self.app(scope, receive, wrapped)
            else:
                extra = list(self.SECURITY_HEADERS)  # no new CSRF cookie on a refusal
                await csrf.refuse(scope, wrapped)
        finally:
            self.metrics.observe(scope["method"], status, time.perf_counter() - start)
