"""Which unit an incident belongs to: the station whose boundary holds it, else the district.

Pure and vectorised: the caller loads the boundaries. A point inside two station boundaries
(overlapping drawings) goes to the first station in the order given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from jingwu.analytics.grid import points_in_area
from jingwu.analytics.heatcube import FloatArray, IntArray
from jingwu.geo import polygons_of

NOWHERE = -1


@dataclass(frozen=True)
class Area:
    """A unit and its boundary (GeoJSON Polygon or MultiPolygon)."""

    unit_id: int
    geometry: dict[str, Any]

    def bbox(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) of the outer rings."""
        pts = np.array(
            [[float(p[0]), float(p[1])] for poly in polygons_of(self.geometry) for p in poly[0]]
        )
        return (
            float(pts[:, 0].min()),
            float(pts[:, 1].min()),
            float(pts[:, 0].max()),
            float(pts[:, 1].max()),
        )


@dataclass(frozen=True)
class Locator:
    """Stations first, then districts by boundary, then the fallback unit (or NOWHERE)."""

    stations: Sequence[Area]
    districts: Sequence[Area]
    fallback: int | None

    def assign(self, lon: FloatArray, lat: FloatArray) -> IntArray:
        """The unit id of every point (NOWHERE when no rule places it)."""
        out = np.full(len(lon), NOWHERE, dtype=np.int64)
        for area in (*self.stations, *self.districts):
            todo = np.flatnonzero(out == NOWHERE)
            if len(todo) == 0:
                break
            west, south, east, north = area.bbox()
            near = todo[
                (lon[todo] >= west) & (lon[todo] <= east) & (lat[todo] >= south)
                & (lat[todo] <= north)
            ]  # fmt: skip
            if len(near):
                inside = points_in_area(area.geometry, lon[near], lat[near])
                out[near[inside]] = area.unit_id
        if self.fallback is not None:
            out[out == NOWHERE] = self.fallback
        return out

    def areas(self) -> list[Area]:
        """Every boundary the locator knows, stations first."""
        return [*self.stations, *self.districts]
