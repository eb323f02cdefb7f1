"""The periodic jobs on the database: loss detection, rollups, the offline sweep, retention,
partitions, and the energy report built on the rollups."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.iot import partitions
from jingwu.iot.classes import DeviceClass
from jingwu.iot.energy import daily_energy, local_today
from jingwu.iot.ingest import Batch
from jingwu.iot.models import (
    Alert,
    BootSequence,
    DeadLetter,
    Gap,
    Reading,
    RollupHour,
    RollupMinute,
)
from jingwu.iot.pipeline import Pipeline
from jingwu.iot.service_alerts import heartbeat_sweep
from jingwu.iot.service_loss import loss_totals, track_sequences
from jingwu.iot.service_rollups import apply_retention, roll_up
from tests.conftest import FrozenClock, TransactionalDatabase
from tests.integration.iot.iot_factory import NOW_MS, add_devices, network, tele, topic


def _run(db: TransactionalDatabase, clock: FrozenClock, msgs: list[tuple[str, bytes]]) -> Any:
    p = Pipeline(db, clock)
    p.start()
    batch = Batch()
    for t, body in msgs:
        p.feed(batch, t, body, clock())
    return p.commit(batch)


def test_a_hole_opens_a_gap_and_a_late_redelivery_closes_it(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    dev = net["env"][0][0]
    t = topic(dev, "SA01")
    _run(db, clock, [(t, tele(s)) for s in (0, 1, 2, 6, 7)])
    clock.advance(seconds=30)
    first = track_sequences(session, now=clock.now)
    gap = session.scalars(select(Gap)).one()
    assert first.opened == 1 and (gap.seq_from, gap.seq_to, gap.closed_at) == (3, 5, None)
    _run(db, clock, [(t, tele(s)) for s in (3, 4, 5)])
    clock.advance(seconds=30)
    second = track_sequences(session, now=clock.now)
    assert second.closed == 1 and gap.closed_at == clock.now
    boot = session.scalars(select(BootSequence)).one()
    assert (boot.stored, boot.missing, orjson.loads(boot.ranges)) == (8, 0, [[0, 7]])


def test_a_refused_message_is_not_counted_as_lost(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    dev = net["env"][0][0]
    t = topic(dev, "SA01")
    _run(db, clock, [(t, tele(0)), (t, tele(1, pm25=99999)), (t, tele(2))])
    clock.advance(seconds=30)
    track_sequences(session, now=clock.now)
    assert session.scalar(select(func.count()).select_from(Gap)) == 0
    totals = loss_totals(session, SYSTEM)
    assert (totals.stored, totals.missing, totals.rejected) == (3, 0, 1)


def test_data_written_less_than_the_settling_time_ago_waits_for_the_next_pass(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    dev = net["env"][0][0]
    _run(db, clock, [(topic(dev, "SA01"), tele(s)) for s in (0, 2)])
    assert track_sequences(session, now=clock.now).boots == 0
    clock.advance(seconds=11)
    assert track_sequences(session, now=clock.now).opened == 1


def test_rollups_per_minute_and_hour_and_a_late_reading_corrects_its_minute(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    dev = net["env"][0][0]
    t = topic(dev, "SA01")
    minute = (NOW_MS - 120_000) // 60_000 * 60_000
    _run(db, clock, [(t, tele(s, ts_ms=minute + 1000 * s, pm25=10.0 * (s + 1))) for s in range(3)])
    clock.advance(seconds=20)
    roll_up(session, now=clock.now)
    row = session.get(RollupMinute, (dev.id, "pm25", minute))
    assert row is not None and (row.n, row.total, row.low, row.high) == (3, 60.0, 10.0, 30.0)
    _run(db, clock, [(t, tele(9, ts_ms=minute + 50_000, pm25=90.0))])  # late, same minute
    clock.advance(seconds=20)
    roll_up(session, now=clock.now)
    session.refresh(row)
    assert (row.n, row.high) == (4, 90.0)
    hour = session.get(RollupHour, (dev.id, "pm25", minute // 3_600_000 * 3_600_000))
    assert hour is not None and hour.n == 4 and hour.total == 150.0


def test_the_offline_sweep_alerts_once_per_silence_and_spares_maintenance(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    quiet, held = net["env"][0][0], net["env"][1][0]
    held.status = "maintenance"
    session.flush()
    _run(db, clock, [(topic(d, "SA01"), tele(0)) for d, _ in net["env"] + net["smoke"]])
    clock.advance(seconds=600)
    _run(db, clock, [(topic(d, "SA01"), tele(1)) for d, _ in net["env"][2:] + net["smoke"]])
    clock.advance(seconds=400)  # quiet: 1000 s of silence; the others 400 s
    session.expire_all()  # the pipeline wrote statuses in its own session
    run = heartbeat_sweep(session, now=clock.now)
    alerts = session.scalars(select(Alert).where(Alert.rule_code == "device.offline")).all()
    assert {a.device_id for a in alerts} >= {quiet.id}
    assert held.id not in {a.device_id for a in alerts}
    assert quiet.status == "offline" and run.marked_offline >= 1
    n = len(alerts)
    clock.advance(seconds=3000)
    heartbeat_sweep(session, now=clock.now)
    again = session.scalars(select(Alert).where(Alert.rule_code == "device.offline")).all()
    assert len([a for a in again if a.device_id == quiet.id]) == 1 and len(again) >= n


def test_retention_removes_raw_data_older_than_the_setting(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    dev = net["env"][0][0]
    t = topic(dev, "SA01")
    _run(db, clock, [(t, tele(0, ts_ms=NOW_MS - 6 * 86_400_000)), (t, tele(1)), (t, b"{")])
    run = apply_retention(session, now=clock.now + dt.timedelta(days=2), raw_days=5, minute_days=5)
    assert run.rows_deleted >= 1
    assert [r.seq for r in session.scalars(select(Reading))] == [1]
    assert session.scalar(select(func.count()).select_from(DeadLetter)) == 1
    apply_retention(session, now=clock.now + dt.timedelta(days=9), raw_days=5, minute_days=5)
    assert session.scalar(select(func.count()).select_from(Reading)) == 0


def test_daily_partitions_exist_on_postgresql_and_rows_in_the_default_move_in(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    dev = net["env"][0][0]
    conn = session.connection()
    day_ms = NOW_MS - 3 * 86_400_000
    _run(db, clock, [(topic(dev, "SA01"), tele(0, ts_ms=day_ms))])
    made = partitions.ensure(conn, today=clock.now.date(), back=8, ahead=2)
    if conn.dialect.name != "postgresql":
        assert made == [] and partitions.existing(conn) == []
        return
    assert len(made) == 11
    day = dt.datetime.fromtimestamp(day_ms / 1000, dt.UTC).date()
    part = f"iot_part.iot_readings_p{day:%Y%m%d}"
    moved = session.execute(select(func.count()).select_from(Reading)).scalar_one()
    in_part = conn.exec_driver_sql(f"SELECT count(*) FROM {part}").scalar_one()
    assert moved == 1 and in_part == 1
    dropped = partitions.drop_before(conn, clock.now.date() - dt.timedelta(days=2))
    assert day in dropped and session.scalar(select(func.count()).select_from(Reading)) == 0


def test_energy_per_station_is_the_rise_of_the_meter_registers(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    meter = add_devices(session, net["units"]["SA01"], 1, DeviceClass.ENERGY_METER)[0][0]
    session.flush()
    start = int(
        dt.datetime.combine(
            local_today(clock.now), dt.time(0, 10), tzinfo=dt.timezone(dt.timedelta(hours=8))
        ).timestamp()
        * 1000
    )
    msgs = []
    for k in range(4):  # 00:10, 01:10, 02:10, 03:10 local: pv 100 -> 250, grid 500 -> 530
        body = {
            "ts": start + k * 3_600_000,
            "boot": "m",
            "seq": k,
            "metrics": {
                "pv_energy": 100 + 50 * k,
                "energy_import": 500 + 10 * k,
                "energy_export": 20,
                "heat_recovery": 7,
            },
        }
        msgs.append((topic(meter, "SA01"), orjson.dumps(body)))
    clock.now = dt.datetime.fromtimestamp(start / 1000 + 4 * 3600, dt.UTC)
    _run(db, clock, msgs)
    clock.advance(seconds=20)
    roll_up(session, now=clock.now)
    days = daily_energy(session, SYSTEM, day=local_today(clock.now))
    sa01 = next(s for s in days if s.code == "SA01")
    assert (sa01.meters, sa01.pv_kwh, sa01.import_kwh, sa01.export_kwh) == (1, 150.0, 30.0, 0.0)
    assert sa01.consumption_kwh == 180.0 and not sa01.meets_solar_target
