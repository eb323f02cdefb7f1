"""The analytics JSON API (``/api/v1/analytics``): incidents, the heat layer, a cell, the
forecast, the map layers, exports, the latest backtest, an on-demand refresh, and the
situational map's layers per viewport (``/map/{layer}?bbox=west,south,east,north&zoom=``).

Every answer is limited to the caller's scope (the heat counts to the units it may see,
the forecast to cells whose centre lies in them).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from jingwu.accounts.principal import Principal
from jingwu.analytics import queries, queries_lists
from jingwu.analytics.jobs import REFRESH
from jingwu.analytics.schemas import CellOut, HeatOut, IncidentOut, IncidentPage, RefreshOut
from jingwu.analytics.sitmap import layers as sitmap
from jingwu.errors import Invalid, Term
from jingwu.runtime import Runtime
from jingwu.viewport import ViewportError, parse_viewport
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep, SettingsDep
from jingwu.web.openapi import API_ERRORS, binary
from jingwu.web.params import Latitude, LocalDateTime, Longitude, PageNo
from jingwu.worker.runner import request_run

router = APIRouter(prefix="/api/v1/analytics", tags=["analytics"], responses=API_ERRORS)

Window = Annotated[int, Query(description="Days: 7, 30 or 90.")]
Category = Annotated[str | None, Query(description="One category (default: all).")]
Viewer = Annotated[Principal, Requires("analytics.view")]
Refresher = Annotated[Principal, Requires("analytics.refresh")]
Layer = StrEnum("Layer", {name: name for name in sitmap.LAYERS})  # type: ignore[misc]


@router.get("/heat", response_model=HeatOut)
def heat(
    session: SessionDep, principal: Viewer, settings: SettingsDep, now: Now,
    window: Window = 30, category: Category = None,
) -> HeatOut:  # fmt: skip
    """Incidents per cell over the last ``window`` days, in scope."""
    layer = queries.heat_layer(
        session, principal, now=now, tz=settings.tz, window=window, category=category
    )
    return HeatOut.of(layer)


@router.get("/cell", response_model=CellOut)
def cell(
    session: SessionDep, principal: Viewer, settings: SettingsDep, now: Now,
    lon: Longitude, lat: Latitude, category: Category = None,
) -> CellOut:  # fmt: skip
    """The cell holding (lon, lat): counts over 7/30/90 days, 26 weeks, tomorrow's risk."""
    detail = queries.cell_detail(
        session, principal, now=now, tz=settings.tz, lon=lon, lat=lat, category=category
    )
    return CellOut.of(detail)


@router.get("/forecast")
def forecast(session: SessionDep, principal: Viewer) -> dict[str, Any]:
    """Tomorrow's hotspots (the district's top 5 % of cells) in scope, as GeoJSON."""
    view = queries.forecast_view(session, principal)
    body = queries.hotspots_geojson(view)
    if view is not None:
        f = view.forecast
        body["forecast"] = {
            "day": f.day.isoformat(), "model": f.model, "params": f.params,
            "backtest_id": f.backtest_id, "made_at": f.made_at.isoformat(), "events": f.events,
            "grid": {"lon0": f.lon0, "lat0": f.lat0, "cell_m": f.cell_m, "x0": f.x0,
                     "y0": f.y0, "nx": f.nx, "ny": f.ny, "tz": f.tz},
        }  # fmt: skip
    return body


@router.get("/grid.geojson", responses=binary("application/geo+json", "GeoJSON download"))
def grid_export(
    session: SessionDep, principal: Viewer, settings: SettingsDep, now: Now,
    window: Window = 30, category: Category = None,
) -> JSONResponse:  # fmt: skip
    """The grid's cells in scope with their counts and tomorrow's risk (a download)."""
    body = queries.grid_geojson(
        session, principal, now=now, tz=settings.tz, window=window, category=category
    )
    name = f"jingwu-heat-{now.astimezone(settings.tz):%Y%m%d}-{window}d.geojson"
    return JSONResponse(
        body,
        media_type="application/geo+json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/layers")
def layers(request: Request, session: SessionDep, principal: Viewer) -> dict[str, Any]:
    """Station boundaries and open work orders in scope."""
    language = getattr(request.state, "language", "zh_CN")
    return {
        "stations": queries_lists.stations_geojson(session, principal, language),
        "orders": queries_lists.open_orders(session, principal),
    }


@router.get("/incidents", response_model=IncidentPage)
def incidents(
    session: SessionDep, principal: Viewer,
    since: LocalDateTime | None = None, category: Category = None,
    page: PageNo = 1, per_page: Annotated[int, Query(ge=1, le=500)] = 100,
) -> IncidentPage:  # fmt: skip
    """Incidents in scope, newest first."""
    rows, total = queries_lists.list_incidents(
        session, principal, since=since, category=category, page=page, per_page=per_page
    )
    return IncidentPage(
        total=total, page=page, per_page=per_page, items=[IncidentOut.of(r) for r in rows]
    )


@router.get("/backtest")
def backtest(session: SessionDep, principal: Viewer) -> dict[str, Any]:
    """The latest stored backtest document."""
    view = queries_lists.backtest_view(session, principal)
    if view is None:
        return {"backtest": None}
    return {
        "backtest": {"id": view.run.id, "source": view.run.source,
                     "stored_at": view.run.stored_at.isoformat(), "deployed": view.deployed,
                     "document": view.run.document}
    }  # fmt: skip


@router.post("/refresh", response_model=RefreshOut, status_code=202)
def refresh(request: Request, principal: Refresher) -> RefreshOut:
    """Make the feed, the heat-map refresh and the forecast due now (the worker runs them)."""
    runtime: Runtime = request.app.state.runtime
    for name in REFRESH:
        request_run(runtime, name)
    return RefreshOut(requested=list(REFRESH))


@router.get("/map/{layer}")
def map_layer(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("analytics.view")],
    settings: SettingsDep,
    now: Now,
    layer: Layer,
    bbox: Annotated[str, Query(max_length=200, description="west,south,east,north (WGS-84)")],
    zoom: Annotated[int, Query(ge=0, le=22, description="the map's zoom level")],
    window: Annotated[int, Query(description="incidents: days, 7, 30 or 90")] = 30,
    category: Annotated[str | None, Query(max_length=64)] = None,
    mode: Annotated[Literal["walk", "drive"], Query()] = "walk",
) -> dict[str, Any]:
    """One layer's features in the viewport: clusters with counts below zoom 15, else the
    features themselves (incidents as heat points [lat, lon, count])."""
    try:
        view = parse_viewport(bbox, zoom)
    except ViewportError as exc:
        raise Invalid(
            "The map's viewport is not valid: {reason}.",
            params={"reason": Term(str(exc), str(exc))},
            fields={"bbox": str(exc)},
        ) from None
    ask = sitmap.Ask(
        now=now, tz=settings.tz, window=window, category=category, mode=mode,
        language=getattr(request.state, "language", "zh_CN"), db=request.app.state.db,
    )  # fmt: skip
    return sitmap.load(session, principal, str(layer.value), view, ask)
