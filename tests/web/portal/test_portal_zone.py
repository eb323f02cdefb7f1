"""The internet zone alone: only routes of modules that declare the internet zone, no API
documentation, and the portal's pages work there."""

from __future__ import annotations

import dataclasses
import sys

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from jingwu.config import Settings
from jingwu.runtime import Runtime
from jingwu.web.app import _route_objects, create_app


def _internet(runtime: Runtime, settings: Settings) -> Runtime:
    zoned = settings.model_copy(update={"zone": "internet"})
    return dataclasses.replace(runtime, settings=zoned)


def test_the_internet_zone_mounts_no_intranet_route(runtime: Runtime, settings: Settings) -> None:
    app = create_app(_internet(runtime, settings))
    paths = set()
    for route in _route_objects(list(app.routes)):
        if not isinstance(route, APIRoute):
            continue
        module = sys.modules[route.endpoint.__module__]
        zones = getattr(module, "ZONES", frozenset({"intranet"}))
        assert "internet" in zones, f"{route.path} comes from {module.__name__}"
        paths.add(route.path)
    assert {"/portal", "/portal/submit", "/portal/track/{token}"} <= paths
    assert not any(p.startswith(("/work-orders", "/audit", "/accounts", "/org")) for p in paths)
    intranet = create_app(runtime)  # the demo's "all" has more; intranet alone has no portal
    assert any(
        isinstance(r, APIRoute) and r.path.startswith("/work-orders")
        for r in _route_objects(list(intranet.routes))
    )


def test_the_internet_zone_serves_no_api_docs_and_the_portal_works(
    runtime: Runtime, settings: Settings
) -> None:
    app = create_app(_internet(runtime, settings))
    with TestClient(app, base_url="http://testserver") as client:
        for path in ("/api/docs", "/api/openapi.json", "/work-orders", "/metrics"):
            assert client.get(path).status_code == 404, path
        assert client.get("/portal").status_code == 200
        assert client.get("/portal/submit").status_code == 200


def test_the_intranet_zone_has_no_portal(runtime: Runtime, settings: Settings) -> None:
    zoned = dataclasses.replace(runtime, settings=settings.model_copy(update={"zone": "intranet"}))
    app = create_app(zoned)
    routes = _route_objects(list(app.routes))
    assert not any(isinstance(r, APIRoute) and r.path.startswith("/portal") for r in routes)
