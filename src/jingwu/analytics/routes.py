"""The map page (AN-1, AN-2, AN-4): heat layer, stations, open orders, the area's figures,
tomorrow's hotspots in words, a cell's trend; the SVG export and the refresh button. The
forecast model and the latest backtest are on the analysts' page (``/analytics/backtests``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from jingwu.accounts.principal import Principal
from jingwu.analytics import queries, queries_lists, queries_page
from jingwu.analytics.jobs import REFRESH
from jingwu.analytics.service_heat import current_grid
from jingwu.analytics.sitmap import layers as sitmap
from jingwu.analytics.svgmap import MapText
from jingwu.errors import NotFound
from jingwu.iot import mapdata
from jingwu.runtime import Runtime
from jingwu.web.authz import PUBLIC, Requires
from jingwu.web.deps import Now, SessionDep, SettingsDep
from jingwu.web.i18n import gettext
from jingwu.web.nav import NavItem
from jingwu.web.templating import is_htmx, render
from jingwu.worker.runner import request_run
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE

STATIC = Path(__file__).parent / "static"
_MEDIA = {".js": "text/javascript", ".css": "text/css"}

router = APIRouter(include_in_schema=False)
NAV = [NavItem("Situational map", "/analytics", "analytics.view", order=30)]

Window = Annotated[int, Query()]
Category = Annotated[str | None, Query()]
LayerList = Annotated[str | None, Query(max_length=200)]
Viewer = Annotated[Principal, Requires("analytics.view")]
Refresher = Annotated[Principal, Requires("analytics.refresh")]


@router.get("/analytics/static/{name}", dependencies=[PUBLIC])
def static_file(name: str) -> FileResponse:
    """The page's script and style sheet."""
    path = STATIC / name
    if path.parent != STATIC or path.suffix not in _MEDIA or not path.is_file():
        raise NotFound("No such file.")
    return FileResponse(path, media_type=_MEDIA[path.suffix])


@router.get("/analytics", response_class=HTMLResponse)
def map_page(
    request: Request, session: SessionDep, principal: Viewer, settings: SettingsDep,
    now: Now, window: Window = 30, category: Category = None, layers: LayerList = None,
) -> Response:  # fmt: skip
    """The situational map with its layers (``layers=a,b`` turns them on) and filters. The
    area's figures and tomorrow's hotspots in words are not counted here: the page fetches
    them (``/analytics/summary``) with its layers, so the map shows at once."""
    window = window if window in queries.WINDOWS else 30
    queries.category_id(session, category)  # an unknown category is refused (422)
    offered = sitmap.offered(principal)
    wanted = sitmap.DEFAULT if layers is None else tuple(layers.split(","))
    if "devices" in wanted and "devices" in offered:
        # the device layer reads the scope's cached device data: build it while the
        # browser loads the page and its scripts
        mapdata.warm(request.app.state.db, principal, now_iso=now.isoformat())
    context = {
        "layers_offered": offered,
        "layers_on": [name for name in wanted if name in offered],
        "layer_labels": sitmap.LABELS,
        "extent": sitmap.extent(session, principal),
        "windows": queries.WINDOWS,
        "window": window,
        "category": category or "",
        "categories": queries.categories(session),
        "grid": current_grid(session),
        "can_refresh": principal.can("analytics.refresh"),
        "can_backtests": principal.can("analytics.backtests"),
        "category_name": category_namer(request),
    }
    return render(request, "analytics/map.html", context)


def category_namer(request: Request) -> Callable[[str], str]:
    """Names categories in the reader's language: a work order's category by the
    catalogue's name (incidents of completed orders keep its code), others by the
    domain's catalogue of messages (burglary → 入室盗窃)."""
    language = getattr(request.state, "language", "zh_CN")

    def name(code: str) -> str:
        if code in DEFAULT_CATALOGUE:
            return DEFAULT_CATALOGUE.get(code).name(language)
        return gettext(language, code)

    return name


def _figures(
    session: Session,
    principal: Principal,
    *,
    now: dt.datetime,
    tz: ZoneInfo,
    window: int,
    category: str | None,
) -> dict[str, Any]:
    """The figures that follow the filters (an unknown category or window is refused)."""
    return {
        "summary": queries_page.summary(
            session, principal, now=now, tz=tz, window=window, category=category
        ),
        "hotspots": queries_page.hotspots(session, principal, now=now, tz=tz, window=window),
    }


@router.get("/analytics/summary", response_class=HTMLResponse)
def summary_fragment(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("analytics.view")],
    settings: SettingsDep,
    now: Now,
    window: Window = 30,
    category: Category = None,
) -> Response:
    """The area's figures and tomorrow's hotspots for other filters (the page fetches it)."""
    figures = _figures(
        session, principal, now=now, tz=settings.tz, window=window, category=category
    )
    return render(
        request, "analytics/_summary.html", {**figures, "category_name": category_namer(request)}
    )


@router.get("/analytics/backtests", response_class=HTMLResponse)
def backtests_page(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Requires("analytics.backtests")],
) -> Response:
    """For analysts: the forecast's model and the latest backtest's tables and curves."""
    context = {
        "forecast": queries.forecast_view(session, principal),
        "backtest": queries_lists.backtest_view(session, principal),
    }
    return render(request, "analytics/backtests.html", context)


@router.post("/analytics/refresh", response_class=HTMLResponse)
def refresh(request: Request, principal: Refresher) -> Response:
    """Ask the worker to run the feed, the heat map and the forecast now."""
    runtime: Runtime = request.app.state.runtime
    for name in REFRESH:
        request_run(runtime, name)
    if is_htmx(request):
        return render(request, "analytics/refresh_done.html")
    return RedirectResponse("/analytics", status_code=303)


@router.get("/analytics/map.svg")
def map_svg(
    request: Request, session: SessionDep, principal: Viewer, settings: SettingsDep,
    now: Now, window: Window = 30, category: Category = None,
) -> Response:  # fmt: skip
    """The map as an SVG file for reports."""
    language = getattr(request.state, "language", "zh_CN")

    def _(message: str) -> str:
        return gettext(language, message)

    local = now.astimezone(settings.tz)
    what = category_namer(request)(category) if category else _("all categories")
    text = MapText(
        title=_("Incidents and tomorrow's hotspots"),
        subtitle=f"{local:%Y-%m-%d %H:%M} · {window} {_('days')} · {what}",
        incidents=_("Incidents per cell"),
        hotspots=_("Forecast hotspot (top 5 %)"),
    )
    body = queries.svg_map(
        session, principal, now=now, tz=settings.tz, window=window, category=category, text=text
    )
    name = f"jingwu-heat-{local:%Y%m%d}-{window}d.svg"
    return Response(
        body,
        media_type="image/svg+xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
