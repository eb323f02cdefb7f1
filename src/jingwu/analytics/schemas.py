"""JSON shapes of the analytics API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from jingwu.analytics.heatcube import Frame
from jingwu.analytics.queries import CellDetail, HeatLayer, Risk
from jingwu.analytics.queries_lists import IncidentRow


class GridOut(BaseModel):
    """A grid: projection centre (degrees), origin (metres), cell size and extent in cells."""

    lon0: float
    lat0: float
    cell_m: float
    x0: float
    y0: float
    nx: int
    ny: int

    @classmethod
    def of(cls, frame: Frame) -> GridOut:
        return cls(
            lon0=frame.lon0, lat0=frame.lat0, cell_m=frame.cell, x0=frame.x0, y0=frame.y0,
            nx=frame.nx, ny=frame.ny,
        )  # fmt: skip


class HeatOut(BaseModel):
    """The heat layer: [lat, lon, incidents] at the centre of every non-empty cell."""

    window_days: int
    category: str | None
    total: int
    max: int
    refreshed_at: dt.datetime | None
    grid: GridOut | None
    bounds: list[list[float]] | None  # [[south, west], [north, east]]
    points: list[tuple[float, float, int]]

    @classmethod
    def of(cls, layer: HeatLayer) -> HeatOut:
        bounds = None
        if layer.frame is not None:
            import numpy as np  # noqa: PLC0415

            f = layer.frame
            w, s, _, _ = f.corners(np.array([0]))
            _, _, e, n = f.corners(np.array([f.n_cells - 1]))
            bounds = [[float(s[0]), float(w[0])], [float(n[0]), float(e[0])]]
        return cls(
            window_days=layer.window, category=layer.category, total=layer.total, max=layer.max,
            refreshed_at=layer.refreshed_at,
            grid=GridOut.of(layer.frame) if layer.frame is not None else None,
            bounds=bounds, points=layer.points,
        )  # fmt: skip


class RiskOut(BaseModel):
    """A cell's forecast for tomorrow."""

    expected: float
    rank: int
    out_of: int
    hotspot: bool

    @classmethod
    def of(cls, risk: Risk) -> RiskOut:
        return cls(expected=risk.expected, rank=risk.rank, out_of=risk.of, hotspot=risk.hotspot)


class WeekOut(BaseModel):
    """Incidents in the cell in the 7 days from ``start``."""

    start: dt.date
    incidents: int


class CellOut(BaseModel):
    """One cell of the map: bounds [west, south, east, north], counts, trend, risk."""

    cell: int
    bounds: tuple[float, float, float, float]
    counts: dict[str, int]  # window in days → incidents
    weeks: list[WeekOut]
    risk: RiskOut | None

    @classmethod
    def of(cls, d: CellDetail) -> CellOut:
        return cls(
            cell=d.cell, bounds=d.bounds, counts={str(k): v for k, v in d.counts.items()},
            weeks=[WeekOut(start=dt.date.fromisoformat(s), incidents=n) for s, n in d.weeks],
            risk=RiskOut.of(d.risk) if d.risk is not None else None,
        )  # fmt: skip


class IncidentOut(BaseModel):
    """An incident of the store."""

    source: str
    ref: str
    category: str
    occurred_at: dt.datetime
    reported_at: dt.datetime | None
    lon: float
    lat: float
    unit: str

    @classmethod
    def of(cls, row: IncidentRow) -> IncidentOut:
        return cls(**row.__dict__)


class IncidentPage(BaseModel):
    """One page of incidents and the total in scope."""

    total: int
    page: int
    per_page: int
    items: list[IncidentOut]


class RefreshOut(BaseModel):
    """The jobs made due."""

    requested: list[str]
