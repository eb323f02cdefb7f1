"""Energy days from known meter readings: several meters and days, late readings, resets,
interval readings beside cumulative registers, and a district's total as the sum of its
stations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.iot.classes import DeviceClass
from jingwu.iot.energy import daily_energy, energy_card
from jingwu.iot.ingest import Batch
from jingwu.iot.models import Device, EnergyDay
from jingwu.iot.pipeline import Pipeline
from jingwu.iot.service_rollups import roll_up
from tests.conftest import FrozenClock, TransactionalDatabase
from tests.factories.accounts import make_user, principal
from tests.factories.org import make_tree
from tests.integration.iot.iot_factory import add_devices, topic

CST = dt.timezone(dt.timedelta(hours=8))
DAY1 = dt.date(2026, 12, 1)
H = 3_600_000


def at(day: dt.date, hour: float) -> int:
    """Epoch ms of a local (Asia/Shanghai) time."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=CST)
    return int((start + dt.timedelta(hours=hour)).timestamp() * 1000)


class Meters:
    """Meters at stations and a way to feed them readings and run the rollup pass."""

    def __init__(self, session: Session, db: TransactionalDatabase, clock: FrozenClock) -> None:
        self.session, self.db, self.clock = session, db, clock
        self.units = make_tree(session)
        self.seq: dict[str, int] = {}

    def meter(self, station: str, n: int = 1) -> list[Device]:
        cls = DeviceClass.ENERGY_METER
        devs = add_devices(self.session, self.units[station], n, cls, f"{station}-MTR")
        self.session.flush()
        return [d for d, _ in devs]

    def send(self, device: Device, readings: list[tuple[int, dict[str, float]]]) -> None:
        p = Pipeline(self.db, self.clock)
        p.start()
        batch = Batch()
        station = device.code.split("-")[0]
        for ts, metrics in readings:
            seq = self.seq[device.code] = self.seq.get(device.code, -1) + 1
            body = {"ts": ts, "boot": "b", "seq": seq, "metrics": metrics}
            p.feed(batch, topic(device, station), orjson.dumps(body), self.clock())
        p.commit(batch)

    def roll(self) -> None:
        self.clock.advance(seconds=20)
        roll_up(self.session, now=self.clock.now)


@pytest.fixture
def m(session: Session, db: TransactionalDatabase, clock: FrozenClock) -> Meters:
    clock.now = dt.datetime.combine(DAY1 + dt.timedelta(days=3), dt.time(12), tzinfo=CST)
    return Meters(session, db, clock)


def hourly(
    day: dt.date, hours: range, pv: float, grid: float, kw_pv: float, kw_grid: float
) -> list[tuple[int, dict[str, float]]]:
    """Readings on the hour: registers rising at constant power, with the power readings."""
    return [
        (
            at(day, h),
            {
                "pv_energy": pv + kw_pv * (h - hours.start),
                "energy_import": grid + kw_grid * (h - hours.start),
                "energy_export": 0.0,
                "pv_power": kw_pv,  # an interval reading: never summed into energy
                "power": kw_grid,
            },
        )
        for h in hours
    ]


def by_code(rows: list[Any]) -> dict[str, Any]:
    return {r.code: r for r in rows}


def test_a_day_is_the_registers_rise_at_several_meters_over_several_days(m: Meters) -> None:
    a1, a2 = m.meter("SA01", 2)
    (b1,) = m.meter("SB01")
    # two whole days on the hour (00:00 day 1 .. 00:00 day 3): 10 kW solar, 20 kW from the grid
    m.send(a1, hourly(DAY1, range(49), 1_000.0, 5_000.0, 10.0, 20.0))
    # a second meter at SA01 rising at 5 and 1 kW, readings every 15 minutes
    quarter = [
        (at(DAY1, k / 4), {"pv_energy": 50.0 + 5 * k / 4, "energy_import": 9.0 + k / 4})
        for k in range(4 * 48 + 1)
    ]
    m.send(a2, quarter)
    m.send(b1, hourly(DAY1, range(25), 0.0, 0.0, 2.0, 3.0))
    m.roll()
    for day in (DAY1, DAY1 + dt.timedelta(days=1)):
        rows = by_code(daily_energy(m.session, SYSTEM, day=day))
        sa01 = rows["SA01"]
        assert sa01.meters == 2
        assert sa01.pv_kwh == pytest.approx(24 * 10 + 24 * 5)
        assert sa01.import_kwh == pytest.approx(24 * 20 + 24 * 1)
        assert sa01.consumption_kwh == pytest.approx(240 + 120 + 480 + 24)
    day1 = by_code(daily_energy(m.session, SYSTEM, day=DAY1))
    assert (day1["SB01"].pv_kwh, day1["SB01"].import_kwh) == (pytest.approx(48), pytest.approx(72))
    # its last reading, at midnight, starts the next day with nothing yet
    day2 = by_code(daily_energy(m.session, SYSTEM, day=DAY1 + dt.timedelta(days=1)))
    assert day2["SB01"].pv_kwh == 0.0


def test_a_late_reading_and_a_redelivered_batch_are_not_counted_twice(m: Meters) -> None:
    (meter,) = m.meter("SA01")
    readings = hourly(DAY1, range(0, 25, 2), 100.0, 0.0, 20.0, 0.0)  # every 2 h at 20 kW
    m.send(meter, readings)
    m.roll()
    first = by_code(daily_energy(m.session, SYSTEM, day=DAY1))["SA01"].pv_kwh
    assert first == pytest.approx(480.0)
    # the odd hours arrive late (buffered while offline), and the first batch once more
    late = [(at(DAY1, h), {"pv_energy": 100.0 + 20.0 * h}) for h in range(1, 24, 2)]
    m.send(meter, late)
    m.seq.clear()
    m.send(meter, readings)
    m.roll()
    again = by_code(daily_energy(m.session, SYSTEM, day=DAY1))["SA01"]
    assert again.pv_kwh == pytest.approx(480.0)
    stored = select(EnergyDay.readings).where(
        EnergyDay.metric == "pv_energy", EnergyDay.day == DAY1
    )
    assert m.session.scalars(stored).all() == [24]


def test_a_replaced_meter_or_a_register_that_jumped_adds_nothing(m: Meters) -> None:
    (meter,) = m.meter("SA01")
    before = [(at(DAY1, h), {"pv_energy": 20_000.0 + 10 * h}) for h in range(0, 6)]
    # a new meter (or a restarted simulator) starting at 60,000 kWh, then rising 10 kW again
    after = [(at(DAY1, h), {"pv_energy": 60_000.0 + 10 * (h - 6)}) for h in range(6, 13)]
    m.send(meter, before + after)
    m.roll()
    sa01 = by_code(daily_energy(m.session, SYSTEM, day=DAY1))["SA01"]
    assert sa01.pv_kwh == pytest.approx(50.0 + 60.0)
    assert sa01.discontinuities == 1


def test_the_district_total_is_the_sum_of_its_stations_and_each_role_sees_its_scope(
    m: Meters,
) -> None:
    for station, kw in (("SA01", 10.0), ("SA02", 7.0), ("SB01", 3.0)):
        (meter,) = m.meter(station)
        m.send(meter, hourly(DAY1, range(25), 0.0, 0.0, kw, 2 * kw))
    m.roll()
    u = m.units
    people = {
        role: principal(m.session, make_user(m.session, u[unit], role))
        for role, unit in (("director", "D000"), ("street", "SA00"), ("chief", "SA01"))
    }
    district = daily_energy(m.session, people["director"], day=DAY1)
    assert [s.code for s in district] == ["SA01", "SA02", "SB01"]
    assert sum(s.pv_kwh for s in district) == pytest.approx(24 * (10 + 7 + 3))
    street = daily_energy(m.session, people["street"], day=DAY1)
    assert [s.code for s in street] == ["SA01", "SA02"]
    chief = daily_energy(m.session, people["chief"], day=DAY1)
    assert [(s.code, s.pv_kwh) for s in chief] == [("SA01", pytest.approx(240.0))]
    for s in district:
        mine = by_code(daily_energy(m.session, SYSTEM, day=DAY1))[s.code]
        assert (mine.pv_kwh, mine.import_kwh) == (s.pv_kwh, s.import_kwh)


def test_the_dashboard_cards_show_the_sum_of_the_stations_today(m: Meters) -> None:
    for station, kw in (("SA01", 10.0), ("SB01", 30.0)):
        (meter,) = m.meter(station)
        m.send(meter, hourly(DAY1, range(4), 0.0, 0.0, kw, kw))
    m.roll()
    now = dt.datetime.combine(DAY1, dt.time(5), tzinfo=CST)
    cards = {c.label: c.value for c in energy_card(m.session, SYSTEM, now=now)}
    assert cards["Solar output today (kWh)"] == "120"  # 3 h × (10 + 30) kW
    assert cards["Energy used today (kWh)"] == "240"
