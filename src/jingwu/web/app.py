"""The FastAPI application factory: every domain's pages and API, one error shape."""

from __future__ import annotations

import ipaddress
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles

from jingwu.registry import domain_modules
from jingwu.runtime import Runtime
from jingwu.web import errors
from jingwu.web.auditwriter import DenialWriter
from jingwu.web.bodylimit import BodyLimits
from jingwu.web.headers import content_security_policy
from jingwu.web.middleware import Metrics, WebMiddleware, WebOptions
from jingwu.web.nav import NavItem
from jingwu.web.params import use_time_zone

PROJECT_STATIC = Path(__file__).resolve().parents[3] / "static"
PACKAGE_STATIC = Path(__file__).resolve().parent / "static"


def _zone_ok(module: object, zone: str) -> bool:
    zones = getattr(module, "ZONES", frozenset({"intranet"}))
    return zone == "all" or zone in zones


# Threads for synchronous endpoints (anyio's default is 40). More threads than the
# database can serve only queue for the GIL and, on SQLite, for the write lock.
REQUEST_THREADS = 8


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = REQUEST_THREADS
    try:
        yield
    finally:
        await anyio.to_thread.run_sync(app.state.denials.close)


def create_app(runtime: Runtime) -> FastAPI:
    """Build the app for a started runtime (see :func:`jingwu.runtime.start`)."""
    settings = runtime.settings
    docs = settings.serves_api_docs
    app = FastAPI(
        title="Jingwu 警务",
        version="0.1.0",
        docs_url="/api/docs" if docs else None,
        redoc_url=None,
        openapi_url="/api/openapi.json" if docs else None,
        lifespan=_lifespan,
    )
    use_time_zone(settings.tz)
    app.state.runtime = runtime
    app.state.settings = settings
    app.state.db = runtime.db
    app.state.blobs = runtime.blobs
    app.state.clock = runtime.clock
    app.state.metrics = Metrics()
    app.state.denials = DenialWriter(runtime.db)
    nav: list[NavItem] = []
    # The JSON API first: its paths all start with /api/ (no page path can match them),
    # and routes are matched in order, so API requests skip the pages' patterns.
    for module in domain_modules("api") + domain_modules("routes", include=("web",)):
        if not _zone_ok(module, settings.zone):
            continue
        app.include_router(module.router)
        nav.extend(getattr(module, "NAV", []))
    app.state.nav = sorted(nav, key=lambda n: n.order)
    app.state.json_prefixes = _operation_prefixes(app)
    app.mount("/static/app", StaticFiles(directory=PACKAGE_STATIC), name="static-app")
    vendor = PROJECT_STATIC / "vendor"
    if vendor.is_dir():
        app.mount("/static/vendor", StaticFiles(directory=vendor), name="static-vendor")
    errors.install(app)
    app.add_middleware(WebMiddleware, metrics=app.state.metrics, options=_options(app, runtime))
    return app


def _operation_prefixes(app: FastAPI) -> tuple[str, ...]:
    """The fixed beginnings of the OpenAPI operations' paths: errors there are JSON, even
    for a path no route matches (``/evidence/tile/…`` with a line break in it)."""
    prefixes = {
        route.path.split("{", 1)[0]
        for route in _route_objects(list(app.routes))
        if isinstance(route, APIRoute) and route.include_in_schema
    }
    return tuple(sorted(p for p in prefixes if p.count("/") >= 2))


def _options(app: FastAPI, runtime: Runtime) -> WebOptions:
    settings = runtime.settings
    methods = {m for _, ms in all_routes(app) for m in ms} | {"HEAD", "OPTIONS"}
    return WebOptions(
        language=settings.language,
        secret=runtime.keyring.secret_key,
        limits=BodyLimits(
            json=settings.max_json_bytes,
            upload=settings.max_upload_bytes,
            readings=settings.max_readings_bytes,
        ),
        csp=content_security_policy(settings.tile_url),
        proxies=tuple(ipaddress.ip_network(p) for p in settings.trusted_proxies),
        allow=", ".join(sorted(methods - {"TRACE"})).encode(),
    )


def _route_objects(routes: list[object]) -> list[object]:
    found: list[object] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        found += _route_objects(list(inner.routes)) if inner is not None else [route]
    return found


def all_routes(app: FastAPI) -> list[tuple[str, frozenset[str]]]:
    """(path, methods) of every route, including those of included routers."""
    out: list[tuple[str, frozenset[str]]] = []

    def walk(routes: list[object]) -> None:
        for route in routes:
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(list(inner.routes))
            elif hasattr(route, "path"):
                out.append((str(route.path), frozenset(getattr(route, "methods", None) or ())))

    walk(list(app.routes))
    return out
