"""Pages of the sensing network: the router joins the device pages and the operations pages.

Devices (list, add, detail) are here; the live map, alerts, rules, coverage, energy and loss
pages are in :mod:`jingwu.iot.routes_ops`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from jingwu.accounts.scope import Principal, scoped
from jingwu.errors import Invalid, NotFound
from jingwu.iot import queries, service_devices
from jingwu.iot.classes import CLASSES, DeviceClass
from jingwu.iot.routes_ops import router as ops_router
from jingwu.iot.schemas import DeviceIn
from jingwu.org.models import Unit
from jingwu.web.authz import PUBLIC, Requires
from jingwu.web.deps import Now, SessionDep
from jingwu.web.i18n import error_fields, validation_fields
from jingwu.web.nav import NavItem
from jingwu.web.params import IdPath, PageNo
from jingwu.web.templating import render

STATIC = Path(__file__).parent / "static"
_MEDIA = {".js": "text/javascript", ".css": "text/css"}

router = APIRouter(include_in_schema=False)
# One entry: the IoT pages carry their own tabs (devices, map, alerts, rules, …).
NAV = [NavItem("Sensing devices", "/iot", "iot.view", order=45)]


def class_labels(language: str) -> dict[str, str]:
    """Class id -> its name in the language."""
    zh = language == "zh_CN"
    return {c.value: (s.label_zh if zh else s.label_en) for c, s in CLASSES.items()}


@router.get("/iot/static/{name}", dependencies=[PUBLIC])
def static_file(name: str) -> FileResponse:
    """The domain's own scripts."""
    path = STATIC / name
    if path.parent != STATIC or path.suffix not in _MEDIA or not path.is_file():
        raise NotFound("No such file.")
    return FileResponse(path, media_type=_MEDIA[path.suffix])


@router.get("/iot", response_class=HTMLResponse, dependencies=[Requires("iot.view")])
def home() -> Response:
    return RedirectResponse("/iot/devices", status_code=303)


@router.get("/iot/devices", response_class=HTMLResponse)
def devices(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.view")],
    station: str = "",
    device_class: str = "",
    status: str = "",
    q: str = "",
    page: PageNo = 1,
) -> Response:
    result = queries.device_page(
        session,
        principal,
        station=station or None,
        device_class=device_class or None,
        status=status or None,
        q=q or None,
        page=page,
    )
    ctx = {
        "p": result,
        "filters": {"station": station, "device_class": device_class, "status": status, "q": q},
        "stations": _stations(session, principal),
        "classes": class_labels(request.state.language),
        "statuses": queries.STATUSES,
        "can_add": principal.can("iot.devices"),
        "tab": "devices",
    }
    return render(request, "iot/devices.html", ctx)


def _stations(session: Any, principal: Principal) -> list[Unit]:
    stmt = scoped(select(Unit).where(Unit.kind == "community"), principal, Unit.id)
    return list(session.scalars(stmt.order_by(Unit.short_code)))


def _form_page(
    request: Request,
    session: Any,
    principal: Principal,
    form: dict[str, str],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    ctx = {
        "form": form,
        "errors": errors,
        "stations": _stations(session, principal),
        "classes": class_labels(request.state.language),
        "tab": "devices",
    }
    return render(request, "iot/device_new.html", ctx, status_code=status)


@router.get("/iot/devices/new", response_class=HTMLResponse)
def new_device(
    request: Request, session: SessionDep, principal: Annotated[Principal, Requires("iot.devices")]
) -> Response:
    return _form_page(request, session, principal, {"device_class": "environment"}, {})


@router.post("/iot/devices/new", response_class=HTMLResponse)
def create_device(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.devices")],
    now: Now,
    code: Annotated[str, Form()] = "",
    station: Annotated[str, Form()] = "",
    device_class: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    model: Annotated[str, Form()] = "",
    lon: Annotated[str, Form()] = "",
    lat: Annotated[str, Form()] = "",
    indoor_zone: Annotated[str, Form()] = "",
    installed_on: Annotated[str, Form()] = "",
) -> Response:
    form = {
        "code": code,
        "station": station,
        "device_class": device_class,
        "name": name,
        "model": model,
        "lon": lon,
        "lat": lat,
        "indoor_zone": indoor_zone,
        "installed_on": installed_on,
    }
    try:
        data = DeviceIn.model_validate({k: v for k, v in form.items() if v})
        device, secret = service_devices.register_device(session, principal, data=data, now=now)
    except ValidationError as exc:
        return _form_page(request, session, principal, form, validation_fields(request, exc), 422)
    except Invalid as exc:
        errors = error_fields(request, exc, whole="form")
        return _form_page(request, session, principal, form, errors, 422)
    ctx = {"device": device, "secret": secret, "tab": "devices"}
    return render(request, "iot/device_created.html", ctx, status_code=201)


@router.get("/iot/devices/{device_id}", response_class=HTMLResponse)
def device_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.view")],
    device_id: IdPath,
    now: Now,
) -> Response:
    detail = queries.device_detail(session, principal, device_id=device_id)
    spec = CLASSES[DeviceClass(detail.device.device_class)]
    zh = request.state.language == "zh_CN"
    ctx = {
        "d": detail,
        "spec": spec,
        "metric_labels": {m: (s.label_zh if zh else s.label_en) for m, s in spec.metrics.items()},
        "units": {m: s.unit for m, s in spec.metrics.items()},
        "event_labels": {e: (s.label_zh if zh else s.label_en) for e, s in spec.events.items()},
        "class_label": spec.label_zh if zh else spec.label_en,
        "can_manage": principal.can("iot.devices"),
        "now_ms": int(now.timestamp() * 1000),
        "ms_time": lambda ms, fmt="%m-%d %H:%M:%S": local_ms(
            ms, request.app.state.settings.tz, fmt
        ),
        "tab": "devices",
    }
    return render(request, "iot/device.html", ctx)


@router.post("/iot/devices/{device_id}/maintenance", response_class=HTMLResponse)
def maintenance(
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.devices")],
    device_id: IdPath,
    on: Annotated[str, Form()] = "1",
) -> Response:
    service_devices.set_maintenance(session, principal, device_id=device_id, on=on == "1")
    return RedirectResponse(f"/iot/devices/{device_id}", status_code=303)


@router.post("/iot/devices/{device_id}/credential", response_class=HTMLResponse)
def rotate(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("iot.devices")],
    device_id: IdPath,
) -> Response:
    secret = service_devices.rotate_credential(session, principal, device_id=device_id)
    device = service_devices.device_in_scope(session, principal, device_id)
    ctx = {"device": device, "secret": secret, "rotated": True, "tab": "devices"}
    return render(request, "iot/device_created.html", ctx)


def local_ms(ms: int | None, tz: Any, fmt: str = "%m-%d %H:%M:%S") -> str:
    """Epoch ms shown in the configured zone (templates use it for reading times)."""
    if ms is None:
        return ""
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).astimezone(tz).strftime(fmt)


router.include_router(ops_router)
