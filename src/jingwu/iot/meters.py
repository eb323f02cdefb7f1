"""Energy from cumulative meter registers (pure): how much a register rose within a window.

A meter reports running totals (kWh imported, exported, generated, recovered). Between two
consecutive readings the rise is taken to have accrued evenly, so a window (a local day)
receives the share of each step that falls inside it, and the windows of a series add up to
the register's whole rise: nothing is counted twice, whether the readings come every minute
or every hour, on time or late.

A step is a *discontinuity* and counts nothing when the register went down (the meter was
reset or replaced), rose faster than any station can draw (``MAX_KW``: a register that
jumped, e.g. a replaced meter or a simulator restarted with another starting value), or
spans a gap longer than ``MAX_GAP_MS`` (what happened in between is unknown).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

REGISTERS = ("pv_energy", "energy_import", "energy_export", "heat_recovery")
MAX_KW = 2_000.0  # far above a community station's supply
MAX_GAP_MS = 7 * 86_400_000  # devices may send readings up to 7 days late
_HOUR_MS = 3_600_000
_SLACK_KWH = 0.01  # rounding of the reported registers


@dataclass(frozen=True)
class Rise:
    """A register's rise within a window."""

    kwh: float = 0.0
    readings: int = 0  # readings inside the window
    discontinuities: int = 0  # steps touching the window that were not counted


def series(points: Iterable[tuple[int, float]]) -> list[tuple[int, float]]:
    """Readings ordered by time, one per instant (the highest value when two share one)."""
    best: dict[int, float] = {}
    for ts, value in points:
        if ts not in best or value > best[ts]:
            best[ts] = value
    return sorted(best.items())


def step_counts(t0: int, v0: float, t1: int, v1: float, *, max_kw: float = MAX_KW) -> bool:
    """True when the step from (t0, v0) to (t1, v1) is energy, not a discontinuity."""
    if t1 <= t0 or t1 - t0 > MAX_GAP_MS:
        return False
    rise = v1 - v0
    return 0.0 <= rise <= max_kw * (t1 - t0) / _HOUR_MS + _SLACK_KWH


def window_rise(
    points: Iterable[tuple[int, float]], lo_ms: int, hi_ms: int, *, max_kw: float = MAX_KW
) -> Rise:
    """The register's rise within [lo_ms, hi_ms) from its readings (any order)."""
    ordered = series(points)
    kwh, discontinuities = 0.0, 0
    readings = sum(1 for ts, _ in ordered if lo_ms <= ts < hi_ms)
    for (t0, v0), (t1, v1) in pairwise(ordered):
        inside = min(t1, hi_ms) - max(t0, lo_ms)
        if inside <= 0:
            continue
        if step_counts(t0, v0, t1, v1, max_kw=max_kw):
            kwh += (v1 - v0) * inside / (t1 - t0)
        else:
            discontinuities += 1
    return Rise(kwh, readings, discontinuities)
