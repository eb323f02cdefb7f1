"""JSON API of the sensing network under ``/api/v1/iot``.

``POST /readings`` is for devices and gateways (HTTP Basic with their own credentials); the
other endpoints are for signed-in users and API tokens, limited to the caller's scope.
"""

from __future__ import annotations

import base64
import binascii
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from jingwu.accounts.principal import Principal
from jingwu.errors import NotFound, Unauthenticated
from jingwu.iot import mapdata, queries, service_alerts, service_rules
from jingwu.iot.energy import daily_energy, local_today
from jingwu.iot.pipeline import Pipeline
from jingwu.iot.schemas import AlertOut, DeviceOut, ReadingsIn, ReadingsOut
from jingwu.iot.service_devices import device_in_scope
from jingwu.iot.service_http import Logins, ingest_batch
from jingwu.web.authz import PUBLIC, Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.openapi import API_ERRORS
from jingwu.web.params import IdPath, PageNo

router = APIRouter(prefix="/api/v1/iot", tags=["iot"], responses=API_ERRORS)
_setup = threading.Lock()


def _ingestion(request: Request) -> tuple[Pipeline, Logins]:
    """The app's pipeline and login cache, made on first use."""
    state = request.app.state
    with _setup:
        if getattr(state, "iot_pipeline", None) is None:
            pipeline = Pipeline(state.db, state.clock)
            pipeline.start()
            state.iot_logins = Logins(state.db)
            state.iot_pipeline = pipeline
    return state.iot_pipeline, state.iot_logins


def _basic(request: Request) -> tuple[str, str]:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        raise Unauthenticated("Use HTTP Basic with the device or gateway code and its secret.")
    try:
        user, _, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthenticated("The Basic credentials are not valid base64.") from None
    return user, secret


@router.post("/readings", response_model=ReadingsOut, dependencies=[PUBLIC])
def post_readings(request: Request, body: ReadingsIn) -> ReadingsOut:
    """Store a batch of device messages (telemetry, events, status) sent over HTTP.

    The login must be authorised for every device in the batch, else 403 naming the device.
    """
    pipeline, logins = _ingestion(request)
    user, secret = _basic(request)
    caller = logins.authenticate(user, secret)
    return ingest_batch(pipeline, caller, body)


@router.get("/devices", response_model=list[DeviceOut])
def list_devices(
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.view")],
    station: str | None = None,
    device_class: str | None = None,
    status: str | None = None,
    page: PageNo = 1,
) -> list[DeviceOut]:
    """Devices in scope, 200 a page."""
    p = queries.device_page(
        session,
        principal,
        station=station,
        device_class=device_class,
        status=status,
        page=page,
        per_page=200,
    )
    return [DeviceOut.model_validate(d) for d, _ in p.rows]


@router.get("/devices/{device_id}", response_model=DeviceOut)
def get_device(
    session: SessionDep, principal: Annotated[Principal, Requires("iot.view")], device_id: IdPath
) -> DeviceOut:
    """One device (404 outside the caller's scope)."""
    return DeviceOut.model_validate(device_in_scope(session, principal, device_id))


@router.get("/devices/{device_id}/series")
def device_series(
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.view")],
    now: Now,
    device_id: IdPath,
    metric: str,
    hours: Annotated[int, Query(ge=1, le=24 * 31)] = 6,
) -> dict[str, Any]:
    """One metric's points for the chart: [ms, mean, low, high]."""
    hours = max(1, min(hours, 24 * 31))
    points = queries.series(
        session, principal, device_id=device_id, metric=metric, hours=hours, now=now
    )
    return {"metric": metric, "hours": hours, "points": points}


@router.get("/map")
def map_data(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.view")],
    now: Now,
) -> Response:
    """Every device in scope as compact arrays (see jingwu.iot.mapdata), cached briefly."""
    data = mapdata.cached(session, principal, now_iso=now.isoformat(), db=request.app.state.db)
    headers = {"Cache-Control": "private, max-age=5", "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(data.gzipped, media_type="application/json", headers=headers)
    return Response(data.body, media_type="application/json", headers=headers)


@router.get("/alerts", response_model=list[AlertOut])
def list_alerts(
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.view")],
    state: str | None = None,
    tier: str | None = None,
) -> list[AlertOut]:
    """Alerts in scope (open and acknowledged unless a state is given)."""
    states = (state,) if state else ("open", "acknowledged")
    rows = service_alerts.list_alerts(session, principal, states=states, tier=tier)
    return [AlertOut.model_validate(r.alert) for r in rows]


@router.post("/alerts/{alert_id}/{action}", response_model=AlertOut)
def alert_action(
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.alerts")],
    now: Now,
    alert_id: IdPath,
    action: str,
    body: dict[str, Any] | None = None,
) -> AlertOut:
    """acknowledge, resolve, or confirm (file a work order, already triaged: optional
    ``tier``, and ``reason``, needed when the tier is not the rule's)."""
    body = body or {}
    note = str(body.get("note", ""))
    if action == "acknowledge":
        alert = service_alerts.acknowledge(
            session, principal, alert_id=alert_id, now=now, note=note
        )
    elif action == "resolve":
        alert = service_alerts.resolve(session, principal, alert_id=alert_id, now=now, note=note)
    elif action == "confirm":
        alert = service_alerts.confirm(
            session,
            principal,
            alert_id=alert_id,
            now=now,
            tier=body.get("tier"),
            description=str(body.get("description", "")),
            reason=str(body.get("reason", "")),
        )
    else:
        raise NotFound("No alert action '{action}'.", params={"action": action})
    return AlertOut.model_validate(alert)


@router.get("/rules")
def list_rules(
    session: SessionDep, principal: Annotated[Principal, Requires("iot.view")]
) -> list[dict[str, Any]]:
    """The effective rules (defaults and stored ones) with their origin."""
    return [
        {**v.definition, "origin": v.origin} for v in service_rules.rule_views(session, principal)
    ]


@router.put("/rules")
def save_rule(
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.rules")],
    now: Now,
    body: dict[str, Any],
) -> dict[str, Any]:
    """Store a rule (replacing the default or stored rule of the same code and scope)."""
    row = service_rules.save_rule(session, principal, definition=body, now=now)
    return {"id": row.id, "code": row.code, "scope": row.scope}


@router.get("/coverage")
def coverage(
    session: SessionDep, principal: Annotated[Principal, Requires("iot.view")]
) -> dict[str, Any]:
    """Devices per km² and class coverage of each community (IOT-1)."""
    report = queries.density(session, principal)
    return {
        "min_per_km2": report.min_per_km2,
        "communities": [
            {
                "station": c.code,
                "area_km2": round(c.area_km2, 3),
                "devices": c.devices,
                "per_km2": round(c.per_km2, 2),
                "short_by": c.short_by,
                "missing_classes": [m.value for m in c.missing_classes],
                "by_class": {k.value: v for k, v in c.by_class.items()},
            }
            for c in report.communities
        ],
        "short": [c.code for c in report.short],
        "outside": len(report.outside),
    }


@router.get("/energy")
def energy(
    session: SessionDep, principal: Annotated[Principal, Requires("iot.view")], now: Now
) -> dict[str, Any]:
    """Today's energy per station from the meters (IOT-4)."""
    day = local_today(now)
    return {
        "day": day.isoformat(),
        "stations": [
            {
                "station": s.code,
                "meters": s.meters,
                "pv_kwh": round(s.pv_kwh, 1),
                "import_kwh": round(s.import_kwh, 1),
                "export_kwh": round(s.export_kwh, 1),
                "heat_kwh": round(s.heat_kwh, 1),
                "consumption_kwh": round(s.consumption_kwh, 1),
            }
            for s in daily_energy(session, principal, day=day)
        ],
    }
