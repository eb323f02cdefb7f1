"""The backtest grid: a local metric projection and square cells (pure).

Protocol (docs/forecasting.md): project equirectangularly around the median point of the
events (x = R·cos(lat0)·Δlon, y = R·Δlat in radians, R = 6,371,008.8 m); cells of ``cell``
metres start at (⌊min x / cell⌋·cell, ⌊min y / cell⌋·cell); the valid cells are those whose
centre lies inside the area polygon when one is given, else those holding at least one event.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from jingwu.geo import EARTH_RADIUS_M, GeometryError, polygons_of

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

MAX_GRID_CELLS = 20_000_000  # a guard against a cell size far too small for the extent


class GridError(ValueError):
    """The grid cannot be laid out (no events, a bad cell size, an empty area, ...)."""


def project(
    lon: FloatArray, lat: FloatArray, lon0: float, lat0: float
) -> tuple[FloatArray, FloatArray]:
    """Equirectangular projection of WGS-84 degrees to metres around (lon0, lat0)."""
    x = EARTH_RADIUS_M * np.cos(np.radians(lat0)) * np.radians(lon - lon0)
    y = EARTH_RADIUS_M * np.radians(lat - lat0)
    return x, y


def unproject(
    x: FloatArray, y: FloatArray, lon0: float, lat0: float
) -> tuple[FloatArray, FloatArray]:
    """Inverse of :func:`project`: metres around (lon0, lat0) back to degrees."""
    lon = lon0 + np.degrees(x / (EARTH_RADIUS_M * np.cos(np.radians(lat0))))
    lat = lat0 + np.degrees(y / EARTH_RADIUS_M)
    return lon, lat


@dataclass(frozen=True)
class Grid:
    """Square cells in the local plane; only the valid cells are numbered (0..n_cells-1)."""

    lon0: float
    lat0: float
    cell: float
    x0: float
    y0: float
    nx: int
    ny: int
    rows: IntArray  # row (y index) of each valid cell, in row-major order
    cols: IntArray  # column (x index) of each valid cell
    lookup: IntArray  # (ny, nx): valid cell number, or -1

    @property
    def n_cells(self) -> int:
        """Number of valid cells."""
        return len(self.rows)

    def locate(self, lon: FloatArray, lat: FloatArray) -> IntArray:
        """Valid cell number of each point, or -1 outside the valid cells."""
        x, y = project(lon, lat, self.lon0, self.lat0)
        col = np.floor((x - self.x0) / self.cell).astype(np.int64)
        row = np.floor((y - self.y0) / self.cell).astype(np.int64)
        inside = (col >= 0) & (col < self.nx) & (row >= 0) & (row < self.ny)
        out = np.full(len(x), -1, dtype=np.int64)
        out[inside] = self.lookup[row[inside], col[inside]]
        return out

    def to_image(self, values: FloatArray) -> FloatArray:
        """Values per valid cell (last axis) laid out as (..., ny, nx), zero elsewhere."""
        image = np.zeros((*values.shape[:-1], self.ny, self.nx), dtype=values.dtype)
        image[..., self.rows, self.cols] = values
        return image

    def from_image(self, image: FloatArray) -> FloatArray:
        """The valid cells of an image laid out as (..., ny, nx)."""
        return image[..., self.rows, self.cols]

    def centres(self) -> tuple[FloatArray, FloatArray]:
        """(lon, lat) of the centre of every valid cell."""
        x = self.x0 + (self.cols + 0.5) * self.cell
        y = self.y0 + (self.rows + 0.5) * self.cell
        return unproject(x.astype(np.float64), y.astype(np.float64), self.lon0, self.lat0)

    def corners(self) -> tuple[FloatArray, FloatArray]:
        """(lon, lat) of the south-west corner of every valid cell (add one cell for NE)."""
        x = self.x0 + self.cols * self.cell
        y = self.y0 + self.rows * self.cell
        return unproject(x.astype(np.float64), y.astype(np.float64), self.lon0, self.lat0)


def points_in_area(geometry: dict[str, Any], lon: FloatArray, lat: FloatArray) -> BoolArray:
    """Even-odd point-in-(Multi)Polygon test, vectorised over the points; holes excluded."""
    inside = np.zeros(len(lon), dtype=bool)
    for poly in polygons_of(geometry):
        in_poly = np.zeros(len(lon), dtype=bool)
        for ring in poly:  # outer ring and holes toggle alike under the even-odd rule
            pts = np.asarray([[float(p[0]), float(p[1])] for p in ring], dtype=np.float64)
            for (x1, y1), (x2, y2) in itertools.pairwise(pts):
                if y1 == y2:
                    continue  # horizontal edges never cross a horizontal ray
                crosses = (y1 > lat) != (y2 > lat)
                x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
                in_poly ^= crosses & (lon < x_cross)
        inside |= in_poly
    return inside


def area_geometry(obj: dict[str, Any]) -> dict[str, Any]:
    """The (Multi)Polygon of a GeoJSON geometry, Feature or FeatureCollection."""
    kind = obj.get("type")
    if kind == "Feature":
        geometry = obj.get("geometry")
        if not isinstance(geometry, dict):
            raise GeometryError("the Feature has no geometry")
        return area_geometry(geometry)
    if kind == "FeatureCollection":
        polys: list[Any] = []
        for feature in obj.get("features") or []:
            if isinstance(feature, dict):
                polys.extend(polygons_of(area_geometry(feature)))
        if not polys:
            raise GeometryError("the FeatureCollection holds no polygon")
        return {"type": "MultiPolygon", "coordinates": polys}
    polygons_of(obj)  # validates
    return obj


def build_grid(
    lon: FloatArray, lat: FloatArray, *, cell: float, area: dict[str, Any] | None = None
) -> Grid:
    """Lay the grid over the events (and the area, when given) per the protocol."""
    if len(lon) == 0:
        raise GridError("there are no events to lay a grid over")
    if not np.isfinite(cell) or cell <= 0:
        raise GridError(f"the cell size must be a positive number of metres, not {cell}")
    lon0, lat0 = float(np.median(lon)), float(np.median(lat))
    x, y = project(lon, lat, lon0, lat0)
    x_all, y_all = _extent(x, y, area, lon0, lat0)
    x0 = _origin(float(x_all.min()), cell)
    y0 = _origin(float(y_all.min()), cell)
    nx = int(np.floor((x_all.max() - x0) / cell)) + 1
    ny = int(np.floor((y_all.max() - y0) / cell)) + 1
    if nx * ny > MAX_GRID_CELLS:
        raise GridError(f"cells of {cell:g} m give {nx * ny:,} cells; use larger cells")
    empty = np.zeros(0, dtype=np.int64)
    frame = Grid(lon0, lat0, float(cell), x0, y0, nx, ny, empty, empty, np.zeros((0, 0), np.int64))
    valid = _valid_mask(x, y, frame, area)
    if not valid.any():
        raise GridError("no cell lies inside the area")
    rows, cols = np.nonzero(valid)
    lookup = np.full((ny, nx), -1, dtype=np.int64)
    lookup[rows, cols] = np.arange(len(rows))
    rows64, cols64 = rows.astype(np.int64), cols.astype(np.int64)
    return Grid(lon0, lat0, float(cell), x0, y0, nx, ny, rows64, cols64, lookup)


def _extent(
    x: FloatArray, y: FloatArray, area: dict[str, Any] | None, lon0: float, lat0: float
) -> tuple[FloatArray, FloatArray]:
    """The points the grid must cover: the events, and the area's outer rings."""
    if area is None:
        return x, y
    vertices = [p for poly in polygons_of(area) for p in poly[0]]
    ax, ay = project(
        np.array([float(p[0]) for p in vertices]),
        np.array([float(p[1]) for p in vertices]),
        lon0,
        lat0,
    )
    return np.concatenate([x, ax]), np.concatenate([y, ay])


def _origin(low: float, cell: float) -> float:
    origin = float(np.floor(low / cell) * cell)
    # floor(low / cell) can round up by one ulp when low sits on a cell edge
    return origin - cell if origin > low else origin


def _valid_mask(
    x: FloatArray, y: FloatArray, frame: Grid, area: dict[str, Any] | None
) -> BoolArray:
    """Cells holding an event, or cells whose centre lies in the area (``frame`` has no
    valid cells yet: only its origin, size and projection are read)."""
    if area is None:
        valid = np.zeros((frame.ny, frame.nx), dtype=bool)
        col = np.minimum(np.floor((x - frame.x0) / frame.cell).astype(np.int64), frame.nx - 1)
        row = np.minimum(np.floor((y - frame.y0) / frame.cell).astype(np.int64), frame.ny - 1)
        valid[row, col] = True
        return valid
    rr, cc = np.mgrid[0 : frame.ny, 0 : frame.nx]
    cx = frame.x0 + (cc.ravel() + 0.5) * frame.cell
    cy = frame.y0 + (rr.ravel() + 0.5) * frame.cell
    clon, clat = unproject(cx, cy, frame.lon0, frame.lat0)
    return points_in_area(area, clon, clat).reshape(frame.ny, frame.nx)
