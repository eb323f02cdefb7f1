"""The SVG report map: well-formed, shaded cells, hotspot outlines, boundaries, legend."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np

from jingwu.analytics.heatcube import Frame
from jingwu.analytics.svgmap import PALETTE, MapText, classes, crop, render_svg

SVG = "{http://www.w3.org/2000/svg}"
FRAME = Frame(120.0, 30.0, 100.0, -500.0, -500.0, 10, 10)
TEXT = MapText("警情 <title>", "30 days", "Incidents per cell", "Hotspot")


def test_shade_classes_are_quantiles_of_the_non_zero_counts() -> None:
    assert classes(np.array([0, 0])) == []
    assert classes(np.array([0, 1, 1, 1])) == [1]
    assert classes(np.arange(0, 11)) == [3, 5, 7, 9, 10]  # the higher 20th, 40th … percentiles


def test_the_map_draws_every_non_empty_cell_the_hotspots_and_the_boundaries() -> None:
    counts = np.zeros(100, dtype=np.int64)
    counts[[0, 5, 99]] = [1, 4, 9]
    boundary = {
        "type": "Polygon",
        "coordinates": [
            [[119.999, 29.999], [120.001, 29.999], [120.001, 30.001], [119.999, 29.999]]
        ],
    }
    svg = render_svg(FRAME, counts, hotspots=[99, 42], boundaries=[boundary], text=TEXT)
    root = ET.fromstring(svg)
    cells = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "cell"]
    spots = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "hotspot"]
    assert len(cells) == 3 and len(spots) == 2
    assert {c.get("fill") for c in cells} <= set(PALETTE)
    darkest = next(c for c in cells if c.findtext(f"{SVG}title") == "9")
    assert darkest.get("fill") == PALETTE[-1]
    assert len(list(root.iter(f"{SVG}polyline"))) == 1
    assert "警情 <title>" in "".join(root.itertext())


def test_north_is_up_the_first_row_is_drawn_at_the_bottom() -> None:
    counts = np.zeros(100, dtype=np.int64)
    counts[[0, 90]] = 1  # row 0 (south) and row 9 (north), column 0
    root = ET.fromstring(render_svg(FRAME, counts, hotspots=[], boundaries=[], text=TEXT))
    ys = [float(r.get("y") or 0) for r in root.iter(f"{SVG}rect") if r.get("class") == "cell"]
    assert ys[0] > ys[1]


def test_the_drawing_is_cropped_to_what_there_is_to_show() -> None:
    counts = np.zeros(100, dtype=np.int64)
    counts[[44, 55]] = [2, 3]  # rows 4 and 5, columns 4 and 5
    part, cropped, spots = crop(FRAME, counts, [46], [])
    assert (part.nx, part.ny) == (5, 4)  # columns 3..7, rows 3..6
    assert part.x0 == FRAME.x0 + 3 * FRAME.cell and part.y0 == FRAME.y0 + 3 * FRAME.cell
    assert cropped.sum() == 5 and cropped[1 * 5 + 1] == 2 and cropped[2 * 5 + 2] == 3
    assert spots == [1 * 5 + 3]
    lon, lat = part.centres(np.array([spots[0]]))
    assert FRAME.locate(lon, lat).tolist() == [46]
