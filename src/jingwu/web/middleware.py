"""Small pure-ASGI middleware: request language, security headers and request metrics."""

from __future__ import annotations

import time
from collections import defaultdict
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jingwu.web.i18n import pick_language

LANG_COOKIE = "jingwu_lang"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class LanguageMiddleware:
    """Pick the language from ``?lang=``, the ``jingwu_lang`` cookie, or the default."""

    def __init__(self, app: ASGIApp, default: str) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            qs = parse_qs(scope.get("query_string", b"").decode())
            requested = (qs.get("lang") or [""])[0]
            if not requested:
                for name, value in scope.get("headers", []):
                    if name == b"cookie":
                        jar = SimpleCookie()
                        jar.load(value.decode("latin-1"))
                        if LANG_COOKIE in jar:
                            requested = jar[LANG_COOKIE].value
            scope.setdefault("state", {})["language"] = pick_language(requested, self.default)
        await self.app(scope, receive, send)


class SecurityHeadersMiddleware:
    """Headers every response carries (no framing, no sniffing, strict referrer)."""

    HEADERS = (
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
    )

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *self.HEADERS]}
            await send(message)

        await self.app(scope, receive, wrapped)


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


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def wrapped(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, wrapped)
        finally:
            self.metrics.observe(scope["method"], status, time.perf_counter() - start)
