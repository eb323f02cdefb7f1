"""The heat map's count cube: incidents per local day, unit, category and grid cell (pure).

The grid is a rectangle of square cells in the local plane of :mod:`jingwu.analytics.grid`
(every cell of the rectangle counts; cell index = row·nx + col). Each day keeps its non-zero
counts as sorted packed keys (unit, category, cell) with a count each, so adding incidents is
a merge of two sorted arrays, a window is a sum over days, and the result of adding incidents
in any batches equals counting them all at once (a property test checks it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import tzinfo

import numpy as np
import numpy.typing as npt

from jingwu.analytics.grid import Grid, GridError, project, unproject
from jingwu.analytics.timeline import local_days

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

CELL_BITS = 28
CAT_BITS = 12
MAX_UNIT = 1 << (63 - CELL_BITS - CAT_BITS)
MAX_CELLS = 2_000_000  # about 45,000 km² at 150 m: any district or city


def pack(unit: IntArray, cat: IntArray, cell: IntArray) -> IntArray:
    """One int64 key per (unit, category, cell); keys sort by unit, then category, then cell."""
    if len(unit) and (unit.min() < 0 or unit.max() >= MAX_UNIT):
        raise ValueError("unit ids must lie in 0..2^23-1")
    if len(cat) and (cat.min() < 0 or cat.max() >= 1 << CAT_BITS):
        raise ValueError("category ids must lie in 0..4095")
    return (
        (unit.astype(np.int64) << (CELL_BITS + CAT_BITS))
        | (cat.astype(np.int64) << CELL_BITS)
        | cell.astype(np.int64)
    )


def unpack(keys: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """(unit, category, cell) of packed keys."""
    cell = keys & ((1 << CELL_BITS) - 1)
    cat = (keys >> CELL_BITS) & ((1 << CAT_BITS) - 1)
    return keys >> (CELL_BITS + CAT_BITS), cat, cell


@dataclass(frozen=True)
class Counts:
    """Non-zero counts of one day: sorted unique keys and a positive count for each."""

    keys: IntArray
    counts: IntArray

    @property
    def incidents(self) -> int:
        """How many incidents the day holds."""
        return int(self.counts.sum())

    def encode(self) -> tuple[bytes, bytes]:
        """Little-endian bytes of the keys (int64) and counts (int32), for storage."""
        return self.keys.astype("<i8").tobytes(), self.counts.astype("<i4").tobytes()

    @classmethod
    def decode(cls, keys: bytes, counts: bytes) -> Counts:
        """The inverse of :meth:`encode`."""
        k = np.frombuffer(keys, dtype="<i8").astype(np.int64)
        c = np.frombuffer(counts, dtype="<i4").astype(np.int64)
        if len(k) != len(c):
            raise ValueError("stored keys and counts differ in length")
        return cls(k, c)


def aggregate(keys: IntArray, weights: IntArray | None = None) -> Counts:
    """Counts of the given keys (each weighted, default 1), as a sorted day."""
    uniq, inverse = np.unique(keys, return_inverse=True)
    counts = np.bincount(inverse.ravel(), weights=weights, minlength=len(uniq))
    return Counts(uniq.astype(np.int64), np.rint(counts).astype(np.int64))


def merge(a: Counts, b: Counts) -> Counts:
    """The sum of two days' counts."""
    if len(a.keys) == 0:
        return b
    if len(b.keys) == 0:
        return a
    return aggregate(np.concatenate([a.keys, b.keys]), np.concatenate([a.counts, b.counts]))


@dataclass(frozen=True)
class Frame:
    """A rectangle of square cells in the local plane around (lon0, lat0)."""

    lon0: float
    lat0: float
    cell: float
    x0: float
    y0: float
    nx: int
    ny: int

    @property
    def n_cells(self) -> int:
        """Cells in the rectangle."""
        return self.nx * self.ny

    def locate(self, lon: FloatArray, lat: FloatArray) -> IntArray:
        """Cell index (row·nx + col) of each point, or -1 off the rectangle."""
        x, y = project(lon, lat, self.lon0, self.lat0)
        col = np.floor((x - self.x0) / self.cell).astype(np.int64)
        row = np.floor((y - self.y0) / self.cell).astype(np.int64)
        inside = (col >= 0) & (col < self.nx) & (row >= 0) & (row < self.ny)
        return np.where(inside, row * self.nx + col, -1)

    def corners(self, cells: IntArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """(west, south, east, north) degrees of each cell."""
        row, col = np.divmod(cells, self.nx)
        x = self.x0 + col * self.cell
        y = self.y0 + row * self.cell
        west, south = unproject(x.astype(np.float64), y.astype(np.float64), self.lon0, self.lat0)
        east, north = unproject(
            (x + self.cell).astype(np.float64), (y + self.cell).astype(np.float64),
            self.lon0, self.lat0,
        )  # fmt: skip
        return west, south, east, north

    def centres(self, cells: IntArray) -> tuple[FloatArray, FloatArray]:
        """(lon, lat) of the centre of each cell."""
        west, south, east, north = self.corners(cells)
        return (west + east) / 2.0, (south + north) / 2.0

    def grid(self, valid: npt.NDArray[np.bool_]) -> Grid:
        """The forecasting grid of this frame whose valid cells are ``valid`` (per cell)."""
        rows, cols = np.divmod(np.flatnonzero(valid).astype(np.int64), self.nx)
        lookup = np.full((self.ny, self.nx), -1, dtype=np.int64)
        lookup[rows, cols] = np.arange(len(rows))
        return Grid(
            self.lon0, self.lat0, self.cell, self.x0, self.y0, self.nx, self.ny, rows, cols, lookup
        )


def layout(lon: FloatArray, lat: FloatArray, *, cell: float) -> Frame:
    """A frame covering the points, centred on their bounding box, origin on the cell lattice."""
    if len(lon) == 0:
        raise GridError("there is nothing to lay a grid over")
    if not np.isfinite(cell) or cell <= 0:
        raise GridError(f"the cell size must be a positive number of metres, not {cell}")
    lon0 = float((lon.min() + lon.max()) / 2.0)
    lat0 = float((lat.min() + lat.max()) / 2.0)
    x, y = project(lon, lat, lon0, lat0)
    x0 = float(np.floor(x.min() / cell) * cell)
    y0 = float(np.floor(y.min() / cell) * cell)
    nx = int(np.floor((x.max() - x0) / cell)) + 1
    ny = int(np.floor((y.max() - y0) / cell)) + 1
    if nx * ny > MAX_CELLS:
        raise GridError(f"cells of {cell:g} m give {nx * ny:,} cells; use larger cells")
    return Frame(lon0, lat0, float(cell), x0, y0, nx, ny)


@dataclass(frozen=True)
class Batch:
    """Incidents to count, as parallel arrays (times in Unix seconds)."""

    unit: IntArray
    cat: IntArray
    lon: FloatArray
    lat: FloatArray
    t: FloatArray


def bin_batch(
    frame: Frame, tz: tzinfo, batch: Batch, *, first_day: int
) -> tuple[dict[int, Counts], int]:
    """Counts per local day of the incidents on the frame from ``first_day`` on, and how many
    were skipped (off the frame or older)."""
    cell = frame.locate(batch.lon, batch.lat)
    day = local_days(batch.t, tz)
    keep = (cell >= 0) & (day >= first_day)
    keys = pack(batch.unit[keep], batch.cat[keep], cell[keep])
    days = day[keep]
    out: dict[int, Counts] = {}
    if len(days):
        order = np.argsort(days, kind="stable")
        days, keys = days[order], keys[order]
        bounds = np.flatnonzero(np.diff(days)) + 1
        for part_days, part_keys in zip(
            np.split(days, bounds), np.split(keys, bounds), strict=True
        ):
            out[int(part_days[0])] = aggregate(part_keys)
    return out, int(len(cell) - keep.sum())


def add_days(cube: Mapping[int, Counts], new: Mapping[int, Counts]) -> dict[int, Counts]:
    """The cube with ``new`` days' counts added."""
    out = dict(cube)
    for day, counts in new.items():
        out[day] = merge(out[day], counts) if day in out else counts
    return out


def same_cube(a: Mapping[int, Counts], b: Mapping[int, Counts]) -> bool:
    """True when two cubes hold the same counts (empty days ignored)."""
    days_a = {d for d, c in a.items() if len(c.keys)}
    days_b = {d for d, c in b.items() if len(c.keys)}
    return days_a == days_b and all(
        np.array_equal(a[d].keys, b[d].keys) and np.array_equal(a[d].counts, b[d].counts)
        for d in days_a
    )


def _select(day: Counts, units: IntArray | None, cat: int | None) -> tuple[IntArray, IntArray]:
    unit, category, cell = unpack(day.keys)
    keep = np.ones(len(cell), dtype=bool)
    if units is not None:
        keep &= np.isin(unit, units)
    if cat is not None:
        keep &= category == cat
    return cell[keep], day.counts[keep]


def window_counts(
    days: Iterable[Counts], n_cells: int, *, units: IntArray | None, cat: int | None
) -> IntArray:
    """Incidents per cell summed over ``days``, only of ``units`` (None: all) and ``cat``."""
    total = np.zeros(n_cells, dtype=np.int64)
    for day in days:
        cell, counts = _select(day, units, cat)
        total += np.bincount(cell, weights=counts, minlength=n_cells).astype(np.int64)
    return total


def cell_series(
    cube: Mapping[int, Counts],
    cell: int,
    first: int,
    last: int,
    *,
    units: IntArray | None,
    cat: int | None,
) -> IntArray:
    """Incidents in one cell on each local day first..last (inclusive)."""
    out = np.zeros(last - first + 1, dtype=np.int64)
    for day in range(first, last + 1):
        if day in cube:
            cells, counts = _select(cube[day], units, cat)
            out[day - first] = int(counts[cells == cell].sum())
    return out
