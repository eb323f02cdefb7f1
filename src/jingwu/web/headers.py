"""The headers every answer carries (used by :class:`jingwu.web.middleware.WebMiddleware`).

- A Content-Security-Policy that fits the pages: scripts and style sheets from this site
  only (no inline scripts; the templates keep none); style *attributes* allowed, because
  ECharts builds its tooltips and Leaflet its panes with them; images also from ``data:``
  and ``blob:`` URLs (map markers, chart exports) and from the map tile server when one is
  configured (``JINGWU_TILE_URL``); no framing, no plugins, forms post here only.
- ``Cache-Control: no-store`` on every page and JSON answer that does not set its own
  caching: they may hold personal data, which must not stay in shared or browser caches.
- ``Secure`` on every cookie set over HTTPS: the request's scheme is ``https``, or a trusted
  proxy (``JINGWU_TRUSTED_PROXIES``) says ``X-Forwarded-Proto: https``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.types import Scope

Header = tuple[bytes, bytes]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

FIXED: tuple[Header, ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
)
NO_STORE_TYPES = (b"text/html", b"application/json", b"application/geo+json", b"text/csv")


def tile_source(tile_url: str | None) -> str:
    """The CSP source of a tile URL template: its origin, a ``{s}``/``{1-4}`` subdomain
    placeholder widened to ``*``."""
    if not tile_url:
        return ""
    parts = urlsplit(tile_url)
    host = parts.netloc.rsplit("@", 1)[-1]
    first, _, rest = host.partition(".")
    if "{" in first and rest and "{" not in rest:
        host = f"*.{rest}"
    elif "{" in host:
        return ""
    return f"{parts.scheme}://{host}" if parts.scheme in ("http", "https") and host else ""


def content_security_policy(tile_url: str | None) -> bytes:
    tiles = tile_source(tile_url)
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        f"img-src 'self' data: blob:{' ' + tiles if tiles else ''}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
    return "; ".join(directives).encode()


def _header(headers: Sequence[Header], wanted: bytes) -> bytes | None:
    for name, value in headers:
        if name.lower() == wanted:
            return value
    return None


def is_https(scope: Scope, proxies: Sequence[Network]) -> bool:
    """Whether the client reached us over HTTPS (directly or through a trusted proxy)."""
    if scope.get("scheme") == "https":
        return True
    if not proxies:
        return False
    client = scope.get("client")
    try:
        peer = ipaddress.ip_address(client[0]) if client else None
    except ValueError:
        return False
    if peer is None or not any(peer.version == n.version and peer in n for n in proxies):
        return False
    proto = _header(scope.get("headers", []), b"x-forwarded-proto") or b""
    return proto.split(b",")[0].strip().lower() == b"https"


def finish(headers: list[Header], *, https: bool) -> list[Header]:
    """The answer's headers with caching forbidden where it is unset, and cookies made
    ``Secure`` over HTTPS."""
    ctype = (_header(headers, b"content-type") or b"").lower()
    out = headers
    if _header(headers, b"cache-control") is None and ctype.startswith(NO_STORE_TYPES):
        out = [*out, (b"cache-control", b"no-store")]
    if https:
        out = [
            (k, v + b"; Secure")
            if k.lower() == b"set-cookie" and b"; secure" not in v.lower()
            else (k, v)
            for k, v in out
        ]
    return out
