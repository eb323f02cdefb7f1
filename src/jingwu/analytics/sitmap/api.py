"""The situational map's layers under ``/api/v1/analytics/map/{layer}``: one layer for one
viewport (``bbox=west,south,east,north`` and ``zoom``), limited to the caller's scope."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from jingwu.accounts.principal import Principal
from jingwu.analytics.sitmap import layers
from jingwu.errors import Invalid, Term
from jingwu.viewport import ViewportError, parse_viewport
from jingwu.web.authz import Requires
from jingwu.web.deps import Now, SessionDep, SettingsDep

router = APIRouter(prefix="/map")
Layer = StrEnum("Layer", {name: name for name in layers.LAYERS})  # type: ignore[misc]


@router.get("/{layer}")
def layer(
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
    ask = layers.Ask(
        now=now, tz=settings.tz, window=window, category=category, mode=mode,
        language=getattr(request.state, "language", "zh_CN"), db=request.app.state.db,
    )  # fmt: skip
    return layers.load(session, principal, str(layer.value), view, ask)
