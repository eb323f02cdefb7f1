"""API output models of patrol routes."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from jingwu.patrols.models import PatrolRoute


class RouteOut(BaseModel):
    """A stored patrol route (without its positions)."""

    id: int
    unit: str
    kind: str
    name: str
    filename: str
    points: int
    length_m: float
    bbox: tuple[float, float, float, float]
    imported_at: dt.datetime

    @classmethod
    def of(cls, route: PatrolRoute, unit: str) -> RouteOut:
        return cls(
            id=route.id,
            unit=unit,
            kind=route.kind,
            name=route.name,
            filename=route.filename,
            points=route.points,
            length_m=route.length_m,
            bbox=(route.min_lon, route.min_lat, route.max_lon, route.max_lat),
            imported_at=route.imported_at,
        )


class ImportOut(BaseModel):
    """What an import stored."""

    imported: int
    routes: list[RouteOut]
