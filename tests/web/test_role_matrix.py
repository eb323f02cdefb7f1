"""Every demo role requests every GET page and API route of the app; no record outside the
role's scope may appear (partners: nothing but the orders they filed).

The routes are enumerated from the app, so a new page is checked as soon as it exists; a
new path parameter must be taught to ``PATH_VALUES`` (the test says so). The world is
planted once per module (:mod:`tests.web.role_world`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.analytics.sitmap.layers import LAYERS
from jingwu.blobs.store import DirectoryBlobStore
from jingwu.config import Settings
from jingwu.runtime import Runtime
from jingwu.security import keys
from jingwu.web.app import create_app
from jingwu.web.authz import RouteDeclaration, route_table
from tests.conftest import FrozenClock, TransactionalDatabase
from tests.web.role_world import (
    CENTRES,
    NOW,
    PLACES,
    ROLES,
    SCOPE,
    STREET_SCOPE,
    STREETS,
    RoleWorld,
    build,
)

Target = tuple[str, str | None]
FMTS = ("json", "xml")  # (url, owner of the record it names: a place or a partner)


@dataclass
class Matrix:
    world: RoleWorld
    client: TestClient
    tokens: dict[str, str]
    routes: list[RouteDeclaration]

    def get(self, role: str, url: str):  # type: ignore[no-untyped-def]
        return self.client.get(url, headers={"Authorization": f"Bearer {self.tokens[role]}"})


@pytest.fixture(scope="module")
def matrix(
    engine: Engine, keyring: keys.Keyring, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Matrix]:
    connection = engine.connect()
    outer = connection.begin()
    try:
        db = TransactionalDatabase(engine, connection)
        tmp = Path(tmp_path_factory.mktemp("matrix"))
        settings = Settings(var_dir=tmp / "var", demo=False, database_url="sqlite://", zone="all")
        blobs = DirectoryBlobStore(tmp / "blobs", keyring)
        runtime = Runtime(settings, keyring, db, blobs, FrozenClock(NOW))
        with db.unit_of_work() as session:
            world = build(session, blobs)
            tokens = {
                role: accounts.create_token(
                    session, SYSTEM, username=f"m-{role}", name="matrix", now=NOW
                )
                for role in ROLES
            }
        app = create_app(runtime)
        with TestClient(app, base_url="http://testserver") as client:
            yield Matrix(world, client, tokens, route_table(app))
    finally:
        outer.rollback()
        connection.close()


def _orders(w: RoleWorld) -> list[Target]:
    places: list[Target] = [(p.order, k) for k, p in w.places.items()]
    return places + [(code, f"partner-{k}") for k, code in w.partner_orders.items()]


def _with(template: str, key: str, values: Callable[[RoleWorld], list[Target]]):  # type: ignore[no-untyped-def]
    def fill(w: RoleWorld) -> list[Target]:
        return [(template.replace(key, str(v)), owner) for v, owner in values(w)]

    return fill


def _each(attr: str) -> Callable[[RoleWorld], list[Target]]:
    return lambda w: [(getattr(p, attr), k) for k, p in w.places.items()]


def _unit_ids(w: RoleWorld) -> list[Target]:
    return [(p.unit.id, k) for k, p in w.places.items()]


def _spot_checks(w: RoleWorld) -> list[Target]:
    return [(code, street) for street, code in w.spot_checks.items()]


def _fixed(url: str) -> Callable[[RoleWorld], list[Target]]:
    return lambda w: [(url, None)]


# How to fill each route that takes parameters (path, or required query parameters).
PATH_VALUES: dict[str, Callable[[RoleWorld], list[Target]]] = {
    "/work-orders/{code}": _with("/work-orders/{code}", "{code}", _orders),
    "/api/v1/work-orders/{code}": _with("/api/v1/work-orders/{code}", "{code}", _orders),
    "/evidence/orders/{code}": _with("/evidence/orders/{code}", "{code}", _orders),
    "/api/v1/evidence": _with("/api/v1/evidence?order={code}", "{code}", _orders),
    "/work-orders/{code}/mediation": _with(
        "/work-orders/{code}/mediation", "{code}", _each("dispute")
    ),
    "/work-orders/{code}/mediation/agreement": _with(
        "/work-orders/{code}/mediation/agreement", "{code}", _each("dispute")
    ),
    "/work-orders/{code}/attachments/{attachment_id}": lambda w: [
        (f"/work-orders/{p.order}/attachments/{p.attachment_id}", k) for k, p in w.places.items()
    ],
    "/api/v1/evidence/items/{code}": _with(
        "/api/v1/evidence/items/{code}", "{code}", _each("evidence_item")
    ),
    "/api/v1/evidence/items/{code}/bundle": _with(
        "/api/v1/evidence/items/{code}/bundle", "{code}", _each("evidence_item")
    ),
    "/org/units/{unit_id}": _with("/org/units/{id}", "{id}", _unit_ids),
    "/api/v1/org/units/{unit_id}": _with("/api/v1/org/units/{id}", "{id}", _unit_ids),
    "/api/v1/org/units/{unit_id}/staff": _with("/api/v1/org/units/{id}/staff", "{id}", _unit_ids),
    "/api/v1/org/staff/{staff_id}/history": _with(
        "/api/v1/org/staff/{id}/history", "{id}", _each("staff_id")
    ),
    "/iot/devices/{device_id}": _with("/iot/devices/{id}", "{id}", _each("device_id")),
    "/api/v1/iot/devices/{device_id}": _with(
        "/api/v1/iot/devices/{id}", "{id}", _each("device_id")
    ),
    "/api/v1/iot/devices/{device_id}/series": _with(
        "/api/v1/iot/devices/{id}/series?metric=pm25", "{id}", _each("device_id")
    ),
    "/evaluation/checks/{code}": _with("/evaluation/checks/{code}", "{code}", _spot_checks),
    "/evaluation/checks/{code}/verify": _with(
        "/evaluation/checks/{code}/verify", "{code}", _spot_checks
    ),
    "/api/v1/evaluation/draws/{code}": _with(
        "/api/v1/evaluation/draws/{code}", "{code}", _spot_checks
    ),
    "/api/v1/evaluation/draws/{code}/verification": _with(
        "/api/v1/evaluation/draws/{code}/verification", "{code}", _spot_checks
    ),
    "/evaluation/pdca/items/{item_id}": _with(
        "/evaluation/pdca/items/{id}", "{id}", _each("pdca_item")
    ),
    "/evaluation/pdca/items/{item_id}/evidence/{evidence_id}": lambda w: [
        (f"/evaluation/pdca/items/{p.pdca_item}/evidence/{p.pdca_evidence}", k)
        for k, p in w.places.items()
    ],
    "/api/v1/evaluation/pdca/items/{item_id}": _with(
        "/api/v1/evaluation/pdca/items/{id}", "{id}", _each("pdca_item")
    ),
    "/evaluation/cases/{code}": _with("/evaluation/cases/{code}", "{code}", _each("case")),
    "/api/v1/evaluation/cases/{code}": _with(
        "/api/v1/evaluation/cases/{code}", "{code}", _each("case")
    ),
    # Not records: a point anywhere, a log size, a public tile, files, the language.
    "/api/v1/analytics/cell": lambda w: [
        (f"/api/v1/analytics/cell?lon={lon}&lat={lat}", None) for lon, lat in CENTRES.values()
    ],
    "/api/v1/analytics/map/{layer}": lambda w: [
        (f"/api/v1/analytics/map/{layer}?bbox=120.0,30.1,120.2,30.3&zoom={zoom}", None)
        for layer in LAYERS
        for zoom in (11, 16)
    ],
    "/api/v1/evidence/consistency": _fixed("/api/v1/evidence/consistency?old=1"),
    "/evidence/tile/{path:path}": _fixed("/evidence/tile/0/000"),
    "/feedback/{token}": _fixed("/feedback/not-a-token"),  # the signed link is the key
    "/lang/{code}": _fixed("/lang/zh_CN"),
    "/iot/static/{name}": _fixed("/iot/static/none.js"),
    "/analytics/static/{name}": _fixed("/analytics/static/none.js"),
    "/work-orders/static/{name}": _fixed("/work-orders/static/none.js"),
    "/audit/static/{name}": _fixed("/audit/static/none.css"),
    "/evaluation/static/{name}": _fixed("/evaluation/static/none.css"),
    "/coverage/static/{name}": _fixed("/coverage/static/none.css"),
    "/standard/static/{name}": _fixed("/standard/static/none.css"),
    "/standard/stations/{station}": lambda w: [(f"/standard/stations/{k}", k) for k in w.places],
    "/api/v1/standard/scorecards/{station}": lambda w: [
        (f"/api/v1/standard/scorecards/{k}", k) for k in w.places
    ],
    "/api/v1/standard/stations/{station}/modules": lambda w: [
        (f"/api/v1/standard/stations/{k}/modules", k) for k in w.places
    ],
    "/standard/assessments/{assessment_id}/files/{file_id}": _fixed(
        "/standard/assessments/999999/files/1"
    ),
    "/rollout/static/{name}": _fixed("/rollout/static/none.css"),
    # Open311: public, the same answer for everyone (published fields only).
    "/open311/v2/services.{fmt}": lambda w: [(f"/open311/v2/services.{f}", None) for f in FMTS],
    "/open311/v2/services/{resource}": lambda w: [
        (f"/open311/v2/services/theft.{f}", None) for f in FMTS
    ],
    "/open311/v2/requests.{fmt}": lambda w: [(f"/open311/v2/requests.{f}", None) for f in FMTS],
    "/open311/v2/requests/{resource}": lambda w: [
        (f"/open311/v2/requests/{p.order}.{f}", None) for p in w.places.values() for f in FMTS
    ],
    "/open311/v2/tokens/{resource}": _fixed("/open311/v2/tokens/not-a-token.json"),
    "/portal/static/{name}": _fixed("/portal/static/none.css"),
    "/portal/track/{token}": _fixed("/portal/track/not-a-token"),  # the token is the key
    "/portal/feedback/{token}": _fixed("/portal/feedback/not-a-token"),
    "/api/v1/evaluation/indices": _fixed(
        "/api/v1/evaluation/indices?index=kpi.satisfaction&period=2026-11"
    ),
    "/evaluation/units/{code}": lambda w: [(f"/evaluation/units/{k}", k) for k in w.places],
    "/evaluation/values/{value_id}": lambda w: [
        (f"/evaluation/values/{v}", k) for k, v in w.indicator_values.items()
    ],
    "/api/v1/evaluation/values/{value_id}": lambda w: [
        (f"/api/v1/evaluation/values/{v}", k) for k, v in w.indicator_values.items()
    ],
}

# Lists whose defaults would hide the planted rows.
EXTRA = (
    "/audit?action=zqx.marker",
    "/work-orders/accountability?month=2026-11",
    "/api/v1/work-orders?per_page=200",
    "/api/v1/analytics/incidents?per_page=200",
)


def _needs_values(route: RouteDeclaration) -> bool:
    query = route.dependant.query_params if route.dependant is not None else []
    return "{" in route.path or any(q.field_info.is_required() for q in query)


def targets(m: Matrix) -> list[Target]:
    """Every GET route of the app, filled in from the planted records."""
    found: list[Target] = [(url, None) for url in EXTRA]
    unknown = []
    for route in m.routes:
        if "GET" not in route.methods or route.path.startswith(("/api/docs", "/docs/")):
            continue
        if not _needs_values(route):
            found.append((route.path, None))
        elif route.path in PATH_VALUES:
            found.extend(PATH_VALUES[route.path](m.world))
        elif (filled := _by_parameter_names(route, m.world)) is not None:
            found.extend(filled)
        else:
            unknown.append(route.path)
    assert not unknown, f"teach PATH_VALUES how to fill: {unknown}"
    return found


# A new route whose only parameters are these is filled in without being listed above.
BY_NAME: dict[str, Callable[[RoleWorld], list[Target]]] = {
    "unit_id": _unit_ids,
    "device_id": _each("device_id"),
}


def _by_parameter_names(route: RouteDeclaration, w: RoleWorld) -> list[Target] | None:
    query = route.dependant.query_params if route.dependant is not None else []
    if any(q.field_info.is_required() for q in query):
        return None
    names = re.findall(r"{(\w+)}", route.path)
    orders = "work-orders" in route.path and names == ["code"]
    if len(names) != 1 or not (orders or names[0] in BY_NAME):
        return None
    values = _orders(w) if orders else BY_NAME[names[0]](w)
    return [(route.path.replace(f"{{{names[0]}}}", str(v)), owner) for v, owner in values]


def may_see(role: str, owner: str) -> bool:
    if owner == "partner-own":
        return role == "partner" or "SA02" in SCOPE[role]
    if owner == "partner-other":
        return role != "partner" and "SA02" in SCOPE[role]
    if owner in STREETS:
        return role != "partner" and owner in STREET_SCOPE[role]
    return role != "partner" and owner in SCOPE[role]


def test_the_targets_cover_every_get_route(matrix: Matrix) -> None:
    urls = [u for u, _ in targets(matrix)]
    assert len(urls) > 90
    assert any(u.startswith("/work-orders/mediations") for u in urls)
    assert sum(1 for u in urls if u.startswith("/work-orders/SA02-")) >= 2


@pytest.mark.parametrize("role", sorted(ROLES))
def test_no_role_sees_a_record_outside_its_scope(matrix: Matrix, role: str) -> None:
    hidden = matrix.world.hidden_from(role)
    leaks, errors = [], []
    for url, owner in targets(matrix):
        r = matrix.get(role, url)
        if r.status_code >= 500:
            errors.append(f"{url}: {r.status_code}")
            continue
        if owner is not None and not may_see(role, owner) and r.status_code not in (403, 404):
            leaks.append(f"{url}: {r.status_code} for a record of {owner}")
        body = r.content.decode("utf-8", "replace")
        # An error message may repeat what the caller asked for (an order code).
        leaks += [
            f"{url}: {mk.kind} {mk.text}" for mk in hidden if mk.text in body and mk.text not in url
        ]
    assert not errors, errors
    assert not leaks, f"{role} sees:\n" + "\n".join(leaks)


def _expected(w: RoleWorld) -> dict[str, list[tuple[str, list[str]]]]:
    """Pages that must list the role's own records (so that the matrix can fail)."""
    sa01, sa02, sb01 = (w.places[p] for p in PLACES)

    def each(kind: str, places: tuple[str, ...]) -> list[str]:
        return [w.text(kind, p) for p in places]

    mine = ("SA01",)
    street = ("SA01", "SA02")
    return {
        "officer": [
            ("/work-orders/board", [sa01.order]),
            ("/api/v1/work-orders", [sa01.order, sa01.dispute]),
            (f"/work-orders/{sa01.order}", ["ZQX-SA01-ORDER"]),
            ("/work-orders/mediations", ["ZQX-SA01-MEDIATION"]),
            ("/iot/devices", each("device", mine)),
            ("/iot/alerts", each("alert", mine)),
            (f"/evidence/orders/{sa01.order}", ["ZQX-SA01-EVIDENCE.jpg"]),
            ("/notifications", ["ZQX-MINE-NOTE"]),
            ("/api/v1/analytics/incidents", each("incident", mine)),
            (f"/org/units/{sa01.unit.id}", each("staff", mine)),
        ],
        "auxiliary": [("/work-orders/mediations", ["ZQX-SA01-MEDIATION"])],
        "city": [
            ("/rollout", ["单位SA01", "单位SA02", "单位SB01", "ZQX-SB01-PDCA"]),
            ("/api/v1/rollout/stations", ["SA01", "SA02", "SB01"]),
            ("/api/v1/iot/devices", each("device", PLACES)),
            (f"/org/units/{sb01.unit.id}", each("staff", ("SB01",))),
        ],
        "chief": [
            ("/rollout", ["单位SA01", "ZQX-SA01-PDCA"]),
            ("/work-orders/accountability?month=2026-11", each("overdue", mine)),
            ("/evaluation/pdca?quarter=2026-Q4", each("pdca item", mine)),
            ("/evaluation/cases", each("case", mine)),
        ],
        "street": [
            ("/work-orders/mediations", [f"ZQX-{p}-MEDIATION" for p in street]),
            ("/work-orders/draws", each("draw", street)),
            ("/work-orders/accountability?month=2026-11", each("overdue", street)),
            ("/api/v1/work-orders?per_page=200", [sa02.order, w.partner_orders["own"]]),
            ("/evaluation/checks", [w.spot_checks["SA00"]]),
            ("/api/v1/evaluation/cases", each("case", street)),
        ],
        "director": [
            ("/work-orders/draws", each("draw", PLACES)),
            ("/audit?action=zqx.marker", each("audit", PLACES)),
            ("/api/v1/iot/devices", each("device", PLACES)),
            ("/evaluation/checks", list(w.spot_checks.values())),
        ],
        "inspector": [
            ("/audit?action=zqx.marker", each("audit", PLACES)),
            ("/work-orders/mediations", ["ZQX-SB01-MEDIATION"]),
            (f"/work-orders/{sb01.order}", ["ZQX-SB01-ORDER"]),
        ],
        "admin": [("/admin/users", each("user", PLACES))],
        "partner": [
            ("/api/v1/work-orders", [w.partner_orders["own"]]),
            ("/work-orders/board", [w.partner_orders["own"]]),
            (f"/work-orders/{w.partner_orders['own']}", ["ZQX-PARTNER-OWN"]),
        ],
    }


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_sees_its_own_records_where_they_are_listed(matrix: Matrix, role: str) -> None:
    for url, wanted in _expected(matrix.world)[role]:
        r = matrix.get(role, url)
        assert r.status_code == 200, (url, r.status_code)
        missing = [text for text in wanted if text not in r.text]
        assert not missing, (url, missing)


def test_a_partner_is_refused_every_mediation_draw_and_report_page(matrix: Matrix) -> None:
    w = matrix.world
    for url in (
        "/work-orders/mediations",
        "/work-orders/draws",
        "/work-orders/accountability",
        "/work-orders/dashboard",
        f"/work-orders/{w.partner_orders['own']}/mediation",
        "/audit",
        "/evidence/log",
        "/iot/devices",
        "/analytics",
    ):
        assert matrix.get("partner", url).status_code == 403, url
    assert re.search(r"ZQX-SA0\d-MEDIATION", matrix.get("director", "/work-orders/mediations").text)
