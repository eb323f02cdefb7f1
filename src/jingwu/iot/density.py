"""Device density and class coverage per community (IOT-1: 20 devices/km², 8 classes) (pure).

Each device is placed in the community whose boundary contains it (even-odd rule, holes
excluded, as ``jingwu.geo.contains``), tested for all devices at once with numpy; areas come
from ``jingwu.geo.area_m2`` (local metric projection).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt

from jingwu.geo import area_m2, polygons_of
from jingwu.iot.classes import ALL_CLASSES, DeviceClass

MIN_DEVICES_PER_KM2 = 20.0  # IOT-1

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class DensityError(ValueError):
    """A community boundary that cannot carry a density (zero area, duplicate code)."""


@dataclass(frozen=True, slots=True)
class CommunityArea:
    """A community and its boundary (GeoJSON Polygon or MultiPolygon, WGS-84)."""

    code: str
    name: str
    boundary: dict[str, Any]


@dataclass(frozen=True, slots=True)
class DeviceLocation:
    """Where a device of some class stands (WGS-84)."""

    device: str
    device_class: DeviceClass
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class CommunityCoverage:
    """Density and class coverage of one community."""

    code: str
    name: str
    area_km2: float
    devices: int
    per_km2: float
    by_class: Mapping[DeviceClass, int]
    missing_classes: tuple[DeviceClass, ...]
    short_by: int  # devices still needed to reach the minimum density

    @property
    def meets_density(self) -> bool:
        """True when the community has enough devices per km²."""
        return self.short_by == 0

    @property
    def ok(self) -> bool:
        """True when both density and class coverage are met."""
        return self.short_by == 0 and not self.missing_classes


@dataclass(frozen=True, slots=True)
class DensityReport:
    """Coverage of every community, and the devices that lie in none of them."""

    communities: tuple[CommunityCoverage, ...]
    min_per_km2: float
    outside: tuple[str, ...]  # device codes inside no community boundary

    @property
    def short(self) -> tuple[CommunityCoverage, ...]:
        """The communities that fall short on density or classes."""
        return tuple(c for c in self.communities if not c.ok)


def _ring_contains(ring: Any, lon: FloatArray, lat: FloatArray) -> BoolArray:
    pts = [(float(p[0]), float(p[1])) for p in ring]
    inside = np.zeros(lon.shape, dtype=bool)
    for (x1, y1), (x2, y2) in itertools.pairwise(pts):
        if y1 == y2:
            continue  # a horizontal edge is never crossed by the horizontal ray
        crosses = (y1 > lat) != (y2 > lat)
        x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
        inside ^= crosses & (lon < x_cross)
    return inside


def points_in(boundary: dict[str, Any], lon: FloatArray, lat: FloatArray) -> BoolArray:
    """Which of the points lie inside the (Multi)Polygon (vectorised ``geo.contains``)."""
    result = np.zeros(lon.shape, dtype=bool)
    for poly in polygons_of(boundary):
        outer = np.asarray([(float(p[0]), float(p[1])) for p in poly[0]])
        box = (
            (lon >= outer[:, 0].min())
            & (lon <= outer[:, 0].max())
            & (lat >= outer[:, 1].min())
            & (lat <= outer[:, 1].max())
        )
        idx = np.flatnonzero(box & ~result)
        if idx.size == 0:
            continue
        x, y = lon[idx], lat[idx]
        hit = _ring_contains(poly[0], x, y)
        for hole in poly[1:]:
            hit &= ~_ring_contains(hole, x, y)
        result[idx[hit]] = True
    return result


def _coverage(
    c: CommunityArea,
    classes: list[DeviceClass],
    mask: BoolArray,
    class_idx: npt.NDArray[np.int64],
    min_per_km2: float,
    required: frozenset[DeviceClass],
) -> CommunityCoverage:
    area_km2 = area_m2(c.boundary) / 1e6
    if area_km2 <= 0:
        raise DensityError(f"community {c.code!r} has a boundary of zero area")
    counts = np.bincount(class_idx[mask], minlength=len(classes))
    by_class = {cls: int(counts[i]) for i, cls in enumerate(classes)}
    n = int(mask.sum())
    need = max(0, math.ceil(min_per_km2 * area_km2 - 1e-9) - n)
    return CommunityCoverage(
        code=c.code,
        name=c.name,
        area_km2=area_km2,
        devices=n,
        per_km2=n / area_km2,
        by_class=MappingProxyType(by_class),
        missing_classes=tuple(cls for cls in classes if cls in required and by_class[cls] == 0),
        short_by=need,
    )


def density_report(
    communities: Iterable[CommunityArea],
    devices: Iterable[DeviceLocation],
    *,
    min_per_km2: float = MIN_DEVICES_PER_KM2,
    required_classes: Iterable[DeviceClass] = ALL_CLASSES,
) -> DensityReport:
    """Devices per km² and per class for each community; which fall short (IOT-1)."""
    comms = list(communities)
    codes = [c.code for c in comms]
    if len(set(codes)) != len(codes):
        raise DensityError("community codes must be unique")
    devs = list(devices)
    classes = list(DeviceClass)
    position = {cls: i for i, cls in enumerate(classes)}
    lon = np.fromiter((d.lon for d in devs), dtype=np.float64, count=len(devs))
    lat = np.fromiter((d.lat for d in devs), dtype=np.float64, count=len(devs))
    class_idx = np.fromiter(
        (position[d.device_class] for d in devs), dtype=np.int64, count=len(devs)
    )
    placed = np.zeros(len(devs), dtype=bool)
    required = frozenset(required_classes)
    out: list[CommunityCoverage] = []
    for c in comms:
        mask = points_in(c.boundary, lon, lat)
        placed |= mask
        out.append(_coverage(c, classes, mask, class_idx, min_per_km2, required))
    outside = tuple(devs[i].device for i in np.flatnonzero(~placed))
    return DensityReport(communities=tuple(out), min_per_km2=min_per_km2, outside=outside)
