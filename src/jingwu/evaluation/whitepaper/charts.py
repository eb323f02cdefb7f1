"""Bar and line charts as SVG text (pure: no I/O, no browser, no JavaScript).

The same markup goes into the HTML page and, through WeasyPrint, into the PDF. Colours and
fonts are presentation attributes (no ``style``), so the page's content-security policy and
the print renderer both accept them. A missing value (``None``) is drawn as a gap with a
dash under its label — never as zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

FONT = "Noto Sans CJK SC, Noto Sans SC, sans-serif"
PALETTE = ("#1f5fa8", "#d9822b", "#2e8b57", "#a23b72", "#6b6b6b")
_LEFT, _RIGHT, _TOP, _BOTTOM = 40, 8, 8, 22


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its legend label and a value per x label."""

    label: str
    values: Sequence[float | None]


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering ``low``–``high`` (steps of 1, 2 or 5 × 10ⁿ)."""
    if not (math.isfinite(low) and math.isfinite(high)):
        raise ValueError("ticks need finite bounds")
    if high < low:
        low, high = high, low
    if high - low < 1e-6:
        high = low + 1.0
    raw = (high - low) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1.0, 2.0, 5.0, 10.0) if m * power >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [k * step for k in range(first, max(last, first + 1) + 1)]


def _fmt(value: float) -> str:
    if abs(value) >= 100 or value == int(value):
        return f"{value:.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int
    ticks: list[float]

    @property
    def plot_w(self) -> float:
        return self.width - _LEFT - _RIGHT

    @property
    def plot_h(self) -> float:
        return self.height - _TOP - _BOTTOM

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return _TOP + self.plot_h * (1 - (value - low) / (high - low))


def _frame(values: Sequence[float | None], width: int, height: int, zero: bool) -> _Frame:
    present = [v for v in values if v is not None and math.isfinite(v)]
    low = min([*present, 0.0] if zero else present or [0.0])
    high = max([*present, 0.0] if zero else present or [1.0])
    return _Frame(width, height, nice_ticks(low, high))


def _open(frame: _Frame, title: str, chart_id: str) -> list[str]:
    label = escape(title, quote=True)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="wp-chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {frame.width} {frame.height}" width="{frame.width}" '
        f'height="{frame.height}" role="img" aria-label="{label}" '
        f'font-family="{FONT}" font-size="9">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in frame.ticks:
        y = frame.y(tick)
        parts.append(
            f'<line x1="{_LEFT}" x2="{frame.width - _RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#dddddd" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{_LEFT - 3}" y="{y + 3:.1f}" text-anchor="end" fill="#555555">'
            f"{_fmt(tick)}</text>"
        )
    return parts


def _x_labels(frame: _Frame, labels: Sequence[str], centres: list[float]) -> list[str]:
    every = max(1, math.ceil(len(labels) * 22 / max(frame.plot_w, 1)))
    return [
        f'<text x="{x:.1f}" y="{frame.height - 8}" text-anchor="middle" fill="#333333">'
        f"{escape(label)}</text>"
        for n, (label, x) in enumerate(zip(labels, centres, strict=True))
        if n % every == 0 and label  # an empty label: no text (a tick left unnamed)
    ]


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    chart_id: str = "chart",
    width: int = 360,
    height: int = 170,
    colour: str = PALETTE[0],
) -> str:
    """A bar per label from zero (or the lowest negative value); ``None`` leaves a gap."""
    if len(labels) != len(values):
        raise ValueError("a bar chart needs one value per label")
    frame = _frame(values, width, height, zero=True)
    parts = _open(frame, title, chart_id)
    slot = frame.plot_w / max(len(labels), 1)
    centres = [_LEFT + slot * (n + 0.5) for n in range(len(labels))]
    base = frame.y(max(frame.ticks[0], 0.0))
    for label, value, x in zip(labels, values, centres, strict=True):
        if value is None or not math.isfinite(value):
            parts.append(
                f'<text x="{x:.1f}" y="{base - 2:.1f}" text-anchor="middle" '
                f'fill="#999999" class="wp-missing">–</text>'
            )
            continue
        top = frame.y(value)
        y, h = min(top, base), abs(base - top)
        parts.append(
            f'<rect class="wp-bar" x="{x - slot * 0.35:.1f}" y="{y:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{max(h, 0.5):.1f}" fill="{escape(colour)}">'
            f"<title>{escape(label)}: {_fmt(value)}</title></rect>"
        )
    parts += _x_labels(frame, labels, centres)
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    chart_id: str = "chart",
    width: int = 360,
    height: int = 170,
    zero: bool = False,
) -> str:
    """One polyline per series over the labels; a ``None`` breaks the line there."""
    if any(len(s.values) != len(labels) for s in series):
        raise ValueError("a line chart needs one value per label in every series")
    frame = _frame([v for s in series for v in s.values], width, height, zero=zero)
    parts = _open(frame, title, chart_id)
    step = frame.plot_w / max(len(labels), 1)
    centres = [_LEFT + step * (n + 0.5) for n in range(len(labels))]
    for n, line in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        for run in _runs(line.values, centres, frame):
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            if len(run) > 1:
                parts.append(
                    f'<polyline class="wp-line" points="{points}" fill="none" '
                    f'stroke="{colour}" stroke-width="1.6"/>'
                )
            parts += [
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8" fill="{colour}"/>' for x, y in run
            ]
    parts += _x_labels(frame, labels, centres)
    if len(series) > 1:
        parts += _legend(series, frame)
    parts.append("</svg>")
    return "".join(parts)


def _runs(
    values: Sequence[float | None], centres: list[float], frame: _Frame
) -> list[list[tuple[float, float]]]:
    runs: list[list[tuple[float, float]]] = [[]]
    for value, x in zip(values, centres, strict=True):
        if value is None or not math.isfinite(value):
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((x, frame.y(value)))
    return [r for r in runs if r]


def _legend(series: Sequence[Series], frame: _Frame) -> list[str]:
    parts = []
    x = _LEFT + 4.0
    for n, line in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        parts.append(
            f'<rect x="{x:.1f}" y="{_TOP + 1}" width="8" height="3" fill="{colour}"/>'
            f'<text x="{x + 11:.1f}" y="{_TOP + 5}" fill="#333333">{escape(line.label)}</text>'
        )
        x += 16 + 9 * len(line.label)
    return parts
