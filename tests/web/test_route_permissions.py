"""Every route declares the permission it needs (``jingwu.web.authz``), so that a route
without an authorisation check cannot be added unnoticed."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from jingwu.accounts.roles import all_permissions, allowed
from jingwu.config import Settings
from jingwu.runtime import Runtime
from jingwu.web.app import create_app
from jingwu.web.authz import PUBLIC_ACCESS, SIGNED_IN, RouteDeclaration, route_table
from tests.conftest import make_keyring

# FastAPI's own documentation routes (turned on or off by settings, not by a role).
FRAMEWORK_ROUTES = {"/api/openapi.json", "/api/docs", "/docs/oauth2-redirect"}


@pytest.fixture(scope="module")
def every_route(tmp_path_factory: pytest.TempPathFactory) -> list[RouteDeclaration]:
    """The routes of an app serving every zone (nothing needs the database to list them)."""
    var = Path(tmp_path_factory.mktemp("var"))
    settings = Settings(var_dir=var, demo=False, database_url="sqlite://", zone="all")
    ring = make_keyring()
    runtime = Runtime(settings=settings, keyring=ring, db=None, blobs=None)  # type: ignore[arg-type]
    app: FastAPI = create_app(runtime)
    return route_table(app)


def test_the_table_lists_the_routes_of_every_domain(every_route: list[RouteDeclaration]) -> None:
    paths = {r.path for r in every_route}
    for path in ("/", "/work-orders/mediations", "/api/v1/work-orders", "/iot/devices", "/audit"):
        assert path in paths
    assert len(every_route) > 100


def test_every_route_declares_a_permission(every_route: list[RouteDeclaration]) -> None:
    missing = sorted(
        f"{sorted(r.methods)} {r.path}"
        for r in every_route
        if not r.permissions and r.path not in FRAMEWORK_ROUTES
    )
    assert not missing, "routes without Requires(...) or dependencies=[PUBLIC]:\n" + "\n".join(
        missing
    )


def test_every_declared_permission_is_in_the_roles_table(
    every_route: list[RouteDeclaration],
) -> None:
    known = {*all_permissions(), SIGNED_IN, PUBLIC_ACCESS}
    unknown = sorted(f"{r.path}: {p}" for r in every_route for p in r.permissions if p not in known)
    assert not unknown


def test_no_route_is_public_and_restricted_at_once(every_route: list[RouteDeclaration]) -> None:
    """PUBLIC beside a permission would make the declaration contradict itself."""
    muddled = sorted(
        f"{r.path}: {sorted(r.permissions)}"
        for r in every_route
        if PUBLIC_ACCESS in r.permissions and len(r.permissions) > 1
    )
    assert not muddled


def test_partners_may_open_no_mediation_draw_or_report_page(
    every_route: list[RouteDeclaration],
) -> None:
    closed = [
        r
        for r in every_route
        if r.path.startswith(("/work-orders/mediations", "/work-orders/draws"))
        or r.path.endswith(("/mediation", "/mediation/agreement"))
        or r.path in ("/work-orders/accountability", "/work-orders/dashboard", "/audit")
    ]
    assert len(closed) >= 6
    for route in closed:
        assert route.permissions, route.path
        for permission in route.permissions:
            assert permission not in (SIGNED_IN, PUBLIC_ACCESS), route.path
        assert not all(allowed("partner", p) for p in route.permissions), route.path
