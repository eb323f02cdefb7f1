"""API models of the coverage domain (bounded inputs; errors share one shape)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from jingwu.coverage.models import ResidentGrid, RoadNetwork
from jingwu.coverage.queries import CircleRow, ResponseRow, RunRow
from jingwu.workorders.schemas import ErrorOut

__all__ = ["ErrorOut"]

UNIT = r"^[A-Za-z0-9]{1,12}$"


class ComputeIn(BaseModel):
    """Which unit's circles to compute again."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    unit: str = Field(pattern=UNIT, description="the unit's short code (a district, usually)")


class MapOut(BaseModel):
    """The map's layers as a GeoJSON FeatureCollection (``properties.layer`` names each)."""

    type: str = Field(description="FeatureCollection")
    features: list[dict[str, Any]]


class NetworkOut(BaseModel):
    """An imported road network."""

    id: int
    filename: str
    sha256: str
    lines: int
    imported_at: dt.datetime

    @classmethod
    def of(cls, n: RoadNetwork) -> NetworkOut:
        return cls(
            id=n.id, filename=n.filename, sha256=n.sha256, lines=n.lines, imported_at=n.imported_at
        )


class GridOut(BaseModel):
    """An imported resident grid."""

    id: int
    filename: str
    sha256: str
    places: int
    population: int
    imported_at: dt.datetime

    @classmethod
    def of(cls, g: ResidentGrid) -> GridOut:
        return cls(
            id=g.id,
            filename=g.filename,
            sha256=g.sha256,
            places=g.places,
            population=g.population,
            imported_at=g.imported_at,
        )


class CircleOut(BaseModel):
    """A station's circle as a GeoJSON feature's parts."""

    station: str
    mode: str = Field(description="walk or drive")
    method: str = Field(description="network, or straight_line when no network is loaded")
    minutes: int
    area_m2: float
    nodes_reached: int
    geometry: dict[str, Any] = Field(description="GeoJSON Polygon or MultiPolygon (WGS-84)")
    computed_at: dt.datetime

    @classmethod
    def of(cls, row: CircleRow) -> CircleOut:
        c = row.circle
        return cls(
            station=row.unit.short_code,
            mode=c.mode,
            method=c.method,
            minutes=c.minutes,
            area_m2=round(c.area_m2, 1),
            nodes_reached=c.nodes_reached,
            geometry=c.geometry,
            computed_at=c.computed_at,
        )


class PlaceOut(BaseModel):
    """An uncovered place or a suggested site."""

    lon: float
    lat: float
    population: int = Field(description="residents there not covered, or those a site adds")
    share_after: float | None = Field(default=None, description="suggestions: share once built")


class RunOut(BaseModel):
    """A unit's coverage for one mode."""

    unit: str
    mode: str
    method: str
    minutes: int
    stations: int
    covered: int
    total: int
    share: float
    uncovered: list[PlaceOut]
    suggestions: list[PlaceOut]
    computed_at: dt.datetime

    @classmethod
    def of(cls, row: RunRow) -> RunOut:
        r = row.run
        return cls(
            unit=row.unit.short_code,
            mode=r.mode,
            method=r.method,
            minutes=r.minutes,
            stations=r.stations,
            covered=r.covered,
            total=r.total,
            share=round(row.share, 4),
            uncovered=[
                PlaceOut(lon=p["lon"], lat=p["lat"], population=p["population"])
                for p in r.uncovered
            ],
            suggestions=[
                PlaceOut(
                    lon=s["lon"], lat=s["lat"], population=s["adds"], share_after=s["share_after"]
                )
                for s in r.suggestions
            ],
            computed_at=r.computed_at,
        )


class ResponseOut(BaseModel):
    """A station's month of help requests against the 8-minute response."""

    station: str
    month: str
    requests: int
    within_8_minutes: int
    share: float
    median_minutes: float | None

    @classmethod
    def of(cls, row: ResponseRow) -> ResponseOut:
        r = row.row
        median = None if r.median_minutes is None else round(r.median_minutes, 1)
        return cls(
            station=row.unit.short_code,
            month=r.month,
            requests=r.requests,
            within_8_minutes=r.within,
            share=round(r.share, 4),
            median_minutes=median,
        )
