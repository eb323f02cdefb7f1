"""The heat map's refresh: count new incidents into the cube, or rebuild it from scratch.

The grid covers the bounding box of every unit boundary (or, without any, of the incidents)
with cells of 150 m. The cube keeps the last 182 local days (26 weeks, for the trends; the
map's windows are 7, 30 and 90 days). A refresh counts the incidents above the grid's
watermark (the highest incident id already counted: see the store lock in
:mod:`jingwu.analytics.service_incidents`) into the days they fall on, drops days that have
aged out, and moves the watermark; when the grid itself changes (new boundaries, another
time zone) it is rebuilt from all incidents. Incidents are read as numbers through the raw
database cursor (:mod:`jingwu.analytics.reads`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import Table, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from jingwu.analytics.heatcube import Counts, Frame, add_days, bin_batch, layout
from jingwu.analytics.models import HeatDay, HeatGrid, Incident
from jingwu.analytics.reads import read_batch
from jingwu.analytics.timeline import EPOCH, local_midnight
from jingwu.geo import polygons_of
from jingwu.org.models import Unit

HEAT_CELL_M = 150.0
KEEP_DAYS = 182


def day_number(moment: dt.datetime, tz: ZoneInfo) -> int:
    """Local calendar day of a moment, as days since 1970-01-01."""
    return (moment.astimezone(tz).date() - EPOCH).days


def day_start(day: int, tz: ZoneInfo) -> dt.datetime:
    """The UTC moment a local day begins."""
    return dt.datetime.fromtimestamp(local_midnight(EPOCH + dt.timedelta(days=day), tz), dt.UTC)


def frame_of(row: HeatGrid | Any) -> Frame:
    """The frame stored in a grid or forecast row."""
    return Frame(row.lon0, row.lat0, row.cell_m, row.x0, row.y0, row.nx, row.ny)


def wanted_frame(session: Session, *, cell: float = HEAT_CELL_M) -> Frame | None:
    """The frame the grid should have now: over the unit boundaries, else the incidents."""
    lon: list[float] = []
    lat: list[float] = []
    for boundary in session.scalars(select(Unit.boundary)):
        for poly in polygons_of(boundary) if boundary else []:
            lon += [float(p[0]) for p in poly[0]]
            lat += [float(p[1]) for p in poly[0]]
    if not lon:
        row: Any = session.execute(
            select(
                func.min(Incident.lon), func.min(Incident.lat),
                func.max(Incident.lon), func.max(Incident.lat),
            )
        ).one()  # fmt: skip
        if row[0] is None:
            return None
        lon, lat = [row[0], row[2]], [row[1], row[3]]
    return layout(np.array(lon), np.array(lat), cell=cell)


def current_grid(session: Session, *, lock: bool = False) -> HeatGrid | None:
    """The heat map's grid (None before the first refresh)."""
    stmt = select(HeatGrid).order_by(HeatGrid.id.desc()).limit(1)
    return session.scalar(stmt.with_for_update() if lock else stmt)


def max_incident_id(session: Session) -> int:
    """The highest incident id stored (0 when there is none)."""
    return int(session.scalar(select(func.max(Incident.id))) or 0)


def load_cube(
    session: Session, grid_id: int, *, first: int | None = None, last: int | None = None
) -> dict[int, Counts]:
    """The stored days of a grid's cube (optionally only days first..last)."""
    stmt = select(HeatDay.day, HeatDay.keys, HeatDay.counts).where(HeatDay.grid_id == grid_id)
    if first is not None:
        stmt = stmt.where(HeatDay.day >= first)
    if last is not None:
        stmt = stmt.where(HeatDay.day <= last)
    return {day: Counts.decode(keys, counts) for day, keys, counts in session.execute(stmt)}


def _write_days(session: Session, grid_id: int, days: dict[int, Counts], stored: set[int]) -> None:
    rows = []
    for day, counts in days.items():
        keys, values = counts.encode()
        rows.append({"g": grid_id, "d": day, "n": counts.incidents, "k": keys, "c": values})
    table = cast(Table, HeatDay.__table__)
    old = [r for r in rows if r["d"] in stored]
    new = [r for r in rows if r["d"] not in stored]
    if old:
        session.execute(
            update(table)
            .where(table.c.grid_id == bindparam("g"), table.c.day == bindparam("d"))
            .values(incidents=bindparam("n"), keys=bindparam("k"), counts=bindparam("c")),
            old,
        )
    if new:
        session.execute(
            insert(table).values(
                grid_id=bindparam("g"), day=bindparam("d"), incidents=bindparam("n"),
                keys=bindparam("k"), counts=bindparam("c"),
            ),
            new,
        )  # fmt: skip


@dataclass(frozen=True)
class RefreshResult:
    """What one refresh did."""

    grid_id: int
    rebuilt: bool
    read: int  # incidents read (new ones, or all in the kept window when rebuilt)
    skipped: int  # of those, off the grid
    days: int  # days written
    watermark: int


def _same(grid: HeatGrid, frame: Frame, tz: ZoneInfo) -> bool:
    return frame_of(grid) == frame and grid.tz == str(tz) and grid.keep_days == KEEP_DAYS


def _rebuild(
    session: Session, frame: Frame, tz: ZoneInfo, now: dt.datetime, first_day: int
) -> RefreshResult:
    session.execute(delete(HeatGrid))  # days go with their grid (ON DELETE CASCADE)
    grid = HeatGrid(
        lon0=frame.lon0, lat0=frame.lat0, cell_m=frame.cell, x0=frame.x0, y0=frame.y0,
        nx=frame.nx, ny=frame.ny, tz=str(tz), keep_days=KEEP_DAYS, watermark=0, binned=0,
        skipped=0, first_day=first_day, created_at=now, refreshed_at=now,
    )  # fmt: skip
    session.add(grid)
    session.flush()
    return _count_new(session, grid, tz, now, first_day, rebuilt=True)


def _count_new(
    session: Session,
    grid: HeatGrid,
    tz: ZoneInfo,
    now: dt.datetime,
    first_day: int,
    *,
    rebuilt: bool,
) -> RefreshResult:
    upto = max_incident_id(session)
    batch = read_batch(session, after=grid.watermark, upto=upto, since=day_start(first_day, tz))
    new, skipped = bin_batch(frame_of(grid), tz, batch, first_day=first_day)
    stored = load_cube(session, grid.id, first=min(new), last=max(new)) if new else {}
    merged = add_days({d: c for d, c in stored.items() if d in new}, new)
    _write_days(session, grid.id, merged, set(stored))
    session.execute(delete(HeatDay).where(HeatDay.grid_id == grid.id, HeatDay.day < first_day))
    grid.watermark = max(grid.watermark, upto)
    grid.skipped += skipped
    grid.first_day = first_day
    grid.binned = int(
        session.scalar(select(func.sum(HeatDay.incidents)).where(HeatDay.grid_id == grid.id)) or 0
    )
    grid.refreshed_at = now
    session.flush()
    return RefreshResult(grid.id, rebuilt, len(batch.t), skipped, len(merged), grid.watermark)


def refresh(
    session: Session, *, now: dt.datetime, tz: ZoneInfo, full: bool = False
) -> RefreshResult | None:
    """Count the incidents stored since the last refresh (or rebuild when the grid changed or
    ``full`` is asked); None when there is nothing to lay a grid over."""
    frame = wanted_frame(session)
    if frame is None:
        return None
    grid = current_grid(session, lock=True)
    first_day = day_number(now, tz) - KEEP_DAYS + 1
    if full or grid is None or not _same(grid, frame, tz):
        return _rebuild(session, frame, tz, now, first_day)
    return _count_new(session, grid, tz, now, first_day, rebuilt=False)
