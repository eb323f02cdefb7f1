"""Demo seed: a planned patrol round inside each demo station's boundary (its boundary
drawn about 80 m in) and a GPS track across it, imported like a user's file."""

from __future__ import annotations

import json
from typing import Any

import shapely
import shapely.geometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.demodata import DemoContext
from jingwu.org.models import Unit
from jingwu.patrols import service

ORDER = 65
INSET_DEG = 0.0008  # about 80 m


def _file(features: list[dict[str, Any]]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _line(coords: list[tuple[float, float]], name: str) -> dict[str, Any]:
    return {
        "type": "Feature",
        "geometry": {
            "type": "LineString",
            "coordinates": [[round(x, 6), round(y, 6)] for x, y in coords],
        },
        "properties": {"name": name},
    }


def seed(session: Session, ctx: DemoContext) -> None:
    stations = session.scalars(
        select(Unit).where(Unit.kind == "community", Unit.boundary.is_not(None)).order_by(Unit.id)
    )
    for unit in stations:
        if unit.boundary is None:
            continue
        shape = shapely.geometry.shape(unit.boundary)
        inner = shape.buffer(-INSET_DEG)
        if inner.is_empty or inner.geom_type != "Polygon":
            continue
        ring = list(inner.exterior.simplify(0.0002).coords)
        w, s, e, n = inner.bounds
        mid = (s + n) / 2
        across = shapely.LineString([(w, mid), (e, mid)]).intersection(inner)
        planned = [_line([(float(x), float(y)) for x, y in ring], f"{unit.name}巡逻环线")]
        files = [("planned", f"{unit.short_code.lower()}-rounds.geojson", planned)]
        if across.geom_type == "LineString" and not across.is_empty:
            track = [_line([(float(x), float(y)) for x, y in across.coords], "早班巡逻轨迹")]
            files.append(("track", f"{unit.short_code.lower()}-track.geojson", track))
        for kind, name, features in files:
            service.import_routes(
                session, SYSTEM, unit=unit.id, kind=kind, filename=name,
                content=_file(features), now=ctx.now,
            )  # fmt: skip
