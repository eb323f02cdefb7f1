"""Energy days: each meter register's rise per local day, kept up to date by the rollup job.

A pass finds the meters that received readings since its cursor, works out which local days
those readings can change (the days spanned from the reading before the earliest new one to
the reading after the latest: a late reading splits a step of its neighbours), and
recomputes those days from the raw readings in time order (:mod:`jingwu.iot.meters`),
replacing what was stored. Recomputing from the raw rows, never adding to a stored total, is
what keeps a redelivered or late reading from being counted twice. The cursor starts at 0,
so the first pass after an upgrade fills in every day still in the raw data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from jingwu.config import get_settings
from jingwu.iot.classes import DeviceClass
from jingwu.iot.meters import MAX_GAP_MS, REGISTERS, window_rise
from jingwu.iot.models import Device, EnergyDay, Reading
from jingwu.iot.service_loss import cursor_position, set_cursor

CURSOR = "energy"
_METER = DeviceClass.ENERGY_METER.value


@dataclass
class EnergyRun:
    """What an energy pass recomputed."""

    meters: int = 0
    days: int = 0


def day_bounds(day: dt.date, tz: dt.tzinfo | None = None) -> tuple[int, int]:
    """Epoch ms of the local day's start and end (the configured time zone by default)."""
    zone = tz or get_settings().tz
    start = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000)


def local_day(ms: int, tz: dt.tzinfo | None = None) -> dt.date:
    """The local date of an epoch-ms instant."""
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).astimezone(tz or get_settings().tz).date()


def _neighbour(session: Session, device_id: int, ts: int, *, before: bool) -> int | None:
    where = [Reading.device_id == device_id]
    if before:
        where += [Reading.ts_ms < ts, Reading.ts_ms >= ts - MAX_GAP_MS]
        return session.scalar(select(func.max(Reading.ts_ms)).where(*where))
    where += [Reading.ts_ms > ts, Reading.ts_ms <= ts + MAX_GAP_MS]
    return session.scalar(select(func.min(Reading.ts_ms)).where(*where))


def _points(session: Session, device_id: int, lo: int, hi: int) -> dict[str, list[Any]]:
    """Register readings in [lo, hi) plus the nearest one on either side (within the gap)."""
    by_ts = Reading.ts_ms
    base = select(Reading.ts_ms, Reading.metrics).where(Reading.device_id == device_id)
    rows = list(session.execute(base.where(by_ts >= lo, by_ts < hi)))
    rows += session.execute(
        base.where(by_ts < lo, by_ts >= lo - MAX_GAP_MS).order_by(by_ts.desc()).limit(1)
    ).all()
    rows += session.execute(
        base.where(by_ts >= hi, by_ts < hi + MAX_GAP_MS).order_by(by_ts).limit(1)
    ).all()
    out: dict[str, list[Any]] = defaultdict(list)
    for ts, raw in rows:
        metrics = orjson.loads(raw)
        for name in REGISTERS:
            value = metrics.get(name)
            if isinstance(value, int | float):
                out[name].append((int(ts), float(value)))
    return out


def recompute_meter(
    session: Session, device_id: int, first: dt.date, last: dt.date, tz: dt.tzinfo | None = None
) -> int:
    """Recompute one meter's energy days from ``first`` to ``last``; how many were stored."""
    days = [first + dt.timedelta(days=k) for k in range((last - first).days + 1)]
    points = _points(session, device_id, day_bounds(first, tz)[0], day_bounds(last, tz)[1])
    rows = []
    for day in days:
        lo, hi = day_bounds(day, tz)
        for metric, series in points.items():
            rise = window_rise(series, lo, hi)
            if rise.readings or rise.kwh or rise.discontinuities:
                rows.append(
                    {
                        "device_id": device_id,
                        "metric": metric,
                        "day": day,
                        "kwh": rise.kwh,
                        "readings": rise.readings,
                        "discontinuities": rise.discontinuities,
                    }
                )
    session.execute(
        delete(EnergyDay).where(EnergyDay.device_id == device_id, EnergyDay.day.in_(days))
    )
    if rows:
        table = EnergyDay.__table__
        assert isinstance(table, Table)
        session.execute(insert(table), rows)
    return len({r["day"] for r in rows})


def recompute_energy(session: Session, *, now: dt.datetime, settle_ms: int) -> EnergyRun:
    """Recompute the energy days touched by meter readings received since the last pass."""
    end = int(now.timestamp() * 1000) - settle_ms
    start = cursor_position(session, CURSOR, 0)
    run = EnergyRun()
    if end <= start:
        return run
    touched = session.execute(
        select(Reading.device_id, func.min(Reading.ts_ms), func.max(Reading.ts_ms))
        .join(Device, Device.id == Reading.device_id)
        .where(Device.device_class == _METER)
        .where(Reading.received_ms >= start, Reading.received_ms < end)
        .group_by(Reading.device_id)
    ).all()
    for device_id, earliest, latest in touched:
        before = _neighbour(session, device_id, earliest, before=True)
        after = _neighbour(session, device_id, latest, before=False)
        first = local_day(before if before is not None else earliest)
        last = local_day(after if after is not None else latest)
        run.meters += 1
        run.days += recompute_meter(session, device_id, first, last)
    set_cursor(session, CURSOR, end)
    return run
