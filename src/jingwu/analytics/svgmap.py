"""A stand-alone SVG of the heat map for reports: cells shaded by count, tomorrow's hotspots
outlined, station boundaries, a legend and a scale bar (pure: no tiles, no network).

North is up; the drawing is in the grid's local metric plane, so cells stay square.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

from jingwu.analytics.grid import project
from jingwu.analytics.heatcube import Frame, IntArray
from jingwu.geo import polygons_of

PALETTE = ("#fff3b0", "#ffd166", "#f4a259", "#e76f51", "#b5212b")
HOTSPOT = "#5b2a86"
BOUNDARY = "#1f4e8c"
MARGIN = 16
LEGEND_H = 64


@dataclass(frozen=True)
class MapText:
    """The words on the map (already translated)."""

    title: str
    subtitle: str
    incidents: str  # legend heading of the shades
    hotspots: str  # legend label of the outlines


def classes(counts: IntArray) -> list[int]:
    """Upper bounds of up to five shade classes over the non-zero counts (quantiles)."""
    positive = counts[counts > 0]
    if len(positive) == 0:
        return []
    edges = np.quantile(positive, [0.2, 0.4, 0.6, 0.8, 1.0], method="higher")
    return sorted({int(e) for e in edges})


def _shade(value: int, bounds: list[int]) -> str:
    for k, top in enumerate(bounds):
        if value <= top:
            return PALETTE[k + len(PALETTE) - len(bounds)]
    return PALETTE[-1]


def _scale_bar(width_m: float) -> float:
    """A round length near a fifth of the map width, in metres."""
    target = width_m / 5.0
    for length in (50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 50_000):
        if length >= target:
            return float(length)
    return 100_000.0


def crop(
    frame: Frame, counts: IntArray, hotspots: Sequence[int], boundaries: Sequence[dict[str, Any]]
) -> tuple[Frame, IntArray, list[int]]:
    """The smallest part of the frame (plus a cell around) holding the counts, the hotspots
    and the boundaries; counts and hotspots re-indexed to it."""
    cells = np.concatenate([np.flatnonzero(counts), np.asarray(hotspots, dtype=np.int64)])
    rows, cols = np.divmod(cells, frame.nx)
    for geometry in boundaries:
        ring = np.array(
            [[float(p[0]), float(p[1])] for poly in polygons_of(geometry) for p in poly[0]]
        )
        x, y = project(ring[:, 0], ring[:, 1], frame.lon0, frame.lat0)
        cols = np.concatenate([cols, np.floor((x - frame.x0) / frame.cell).astype(np.int64)])
        rows = np.concatenate([rows, np.floor((y - frame.y0) / frame.cell).astype(np.int64)])
    if len(rows) == 0:
        return frame, counts, list(hotspots)
    r0, r1 = max(int(rows.min()) - 1, 0), min(int(rows.max()) + 1, frame.ny - 1)
    c0, c1 = max(int(cols.min()) - 1, 0), min(int(cols.max()) + 1, frame.nx - 1)
    part = Frame(frame.lon0, frame.lat0, frame.cell, frame.x0 + c0 * frame.cell,
                 frame.y0 + r0 * frame.cell, c1 - c0 + 1, r1 - r0 + 1)  # fmt: skip
    image = counts.reshape(frame.ny, frame.nx)[r0 : r1 + 1, c0 : c1 + 1]
    spots = [
        (r - r0) * part.nx + (c - c0)
        for r, c in (divmod(int(h), frame.nx) for h in hotspots)
        if r0 <= r <= r1 and c0 <= c <= c1
    ]
    return part, image.reshape(-1).copy(), spots


def render_svg(
    frame: Frame,
    counts: IntArray,
    *,
    hotspots: Sequence[int],
    boundaries: Sequence[dict[str, Any]],
    text: MapText,
    width: int = 900,
) -> str:
    """The SVG document: ``counts`` per frame cell, ``hotspots`` as frame cell indices; the
    drawing is cropped to what there is to show."""
    frame, counts, hotspots = crop(frame, counts, hotspots, boundaries)
    scale = width / (frame.nx * frame.cell)
    height = frame.ny * frame.cell * scale

    def xy(x_m: float, y_m: float) -> tuple[float, float]:
        return MARGIN + (x_m - frame.x0) * scale, MARGIN + 40 + height - (y_m - frame.y0) * scale

    side = frame.cell * scale
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width + 2 * MARGIN}" '
        f'height="{height + 2 * MARGIN + 40 + LEGEND_H:.0f}" font-family="sans-serif">',
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        f'<text x="{MARGIN}" y="{MARGIN + 12}" font-size="16" font-weight="bold">'
        f"{escape(text.title)}</text>",
        f'<text x="{MARGIN}" y="{MARGIN + 32}" font-size="12" fill="#444">'
        f"{escape(text.subtitle)}</text>",
        f'<rect x="{MARGIN}" y="{MARGIN + 40}" width="{width}" height="{height:.1f}" '
        'fill="#f6f7f9" stroke="#ccd"/>',
    ]
    bounds = classes(counts)
    for cell in np.flatnonzero(counts):
        row, col = divmod(int(cell), frame.nx)
        x, y = xy(frame.x0 + col * frame.cell, frame.y0 + (row + 1) * frame.cell)
        out.append(
            f'<rect class="cell" x="{x:.1f}" y="{y:.1f}" width="{side:.2f}" height="{side:.2f}" '
            f'fill="{_shade(int(counts[cell]), bounds)}"><title>{int(counts[cell])}</title></rect>'
        )
    for geometry in boundaries:
        for poly in polygons_of(geometry):
            for ring in poly:
                lon = np.array([float(p[0]) for p in ring])
                lat = np.array([float(p[1]) for p in ring])
                px, py = project(lon, lat, frame.lon0, frame.lat0)
                corners = (xy(float(u), float(v)) for u, v in zip(px, py, strict=True))
                pts = " ".join(f"{a:.1f},{b:.1f}" for a, b in corners)
                out.append(
                    f'<polyline points="{pts}" fill="none" stroke="{BOUNDARY}" stroke-width="1.5"/>'
                )
    for spot in hotspots:
        row, col = divmod(int(spot), frame.nx)
        x, y = xy(frame.x0 + col * frame.cell, frame.y0 + (row + 1) * frame.cell)
        out.append(
            f'<rect class="hotspot" x="{x:.1f}" y="{y:.1f}" width="{side:.2f}" '
            f'height="{side:.2f}" fill="none" stroke="{HOTSPOT}" stroke-width="2"/>'
        )
    out += _legend(bounds, text, top=MARGIN + 40 + height + 14, width=width, frame=frame)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _legend(bounds: list[int], text: MapText, *, top: float, width: int, frame: Frame) -> list[str]:
    out = [f'<text x="{MARGIN}" y="{top + 10}" font-size="12">{escape(text.incidents)}</text>']
    low = 1
    for k, high in enumerate(bounds):
        x = MARGIN + k * 70
        colour = PALETTE[k + len(PALETTE) - len(bounds)]
        label = f"{low}" if low == high else f"{low}–{high}"
        out.append(f'<rect x="{x}" y="{top + 18}" width="16" height="16" fill="{colour}"/>')
        out.append(f'<text x="{x + 20}" y="{top + 31}" font-size="11">{label}</text>')
        low = high + 1
    hx = MARGIN + max(len(bounds), 1) * 70 + 20
    out.append(
        f'<rect x="{hx}" y="{top + 18}" width="16" height="16" fill="none" '
        f'stroke="{HOTSPOT}" stroke-width="2"/>'
    )
    out.append(f'<text x="{hx + 22}" y="{top + 31}" font-size="11">{escape(text.hotspots)}</text>')
    length = _scale_bar(frame.nx * frame.cell)
    bar = length * width / (frame.nx * frame.cell)
    sx = MARGIN + width - bar
    label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    out.append(
        f'<line x1="{sx:.1f}" y1="{top + 30}" x2="{sx + bar:.1f}" y2="{top + 30}" '
        'stroke="#222" stroke-width="3"/>'
    )
    out.append(f'<text x="{sx:.1f}" y="{top + 22}" font-size="11">{label}</text>')
    out.append(f'<text x="{MARGIN + width - 10}" y="{top + 52}" font-size="13">N ↑</text>')
    return out
