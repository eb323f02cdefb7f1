"""Simulated devices: plausible readings and occasional events for each class (pure).

Values follow a day in a Hangzhou neighbourhood in late autumn: temperatures of 8-20 °C,
PM2.5 mostly 30-90 µg/m³ with rare heavy-pollution spikes, people and traffic counts that
peak in the morning and evening, solar output only in daylight, and now and then an event
(an alarm far more rarely than a routine one). Everything is driven by a seeded generator,
so a simulation is reproducible. Each device keeps its boot id and sequence counter.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import random
from dataclasses import dataclass, field

import orjson

from jingwu.iot.classes import CLASSES, DeviceClass
from jingwu.iot.topics import build_topic

EVENT_SHARE = 0.002  # of messages that are events
ALARM_SHARE = 0.25  # of events that are alarm-class, where the class has any


def simulator_secret(key: bytes, device_code: str) -> str:
    """The secret of a simulated or demo device, derived from the deployment's secret key.

    Simulated devices need credentials the simulator can present again later without storing
    them anywhere; real devices get random secrets (jingwu.iot.service_devices.new_secret).
    """
    mac = hmac.new(key, b"jingwu-simulator:" + device_code.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def seeded(seed: float) -> random.Random:
    """A reproducible generator for simulated behaviour (not for anything secret)."""
    return random.Random(seed)  # noqa: S311 - simulation, not security


def _daylight(hour: float) -> float:
    """0 at night, 1 at solar noon (sunrise 06:30, sunset 17:00 in late November)."""
    if not 6.5 < hour < 17.0:
        return 0.0
    return math.sin(math.pi * (hour - 6.5) / 10.5)


def _busy(hour: float) -> float:
    """Foot and road traffic: peaks around 08:00 and 18:00, quiet at night."""
    return 0.15 + math.exp(-((hour - 8) ** 2) / 3) + 0.9 * math.exp(-((hour - 18) ** 2) / 4)


@dataclass
class SimDevice:
    """One simulated device and its counters."""

    code: str
    station: str
    device_class: DeviceClass
    rng: random.Random
    boot: str = ""
    seq: int = 0
    registers: dict[str, float] = field(default_factory=dict)
    last_ms: int = 0
    _pool: list[bytes] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        if not self.boot:
            self.boot = f"{self.rng.getrandbits(32):08x}"
        if self.device_class is DeviceClass.ENERGY_METER:
            self.registers = {
                "energy_import": self.rng.uniform(20_000, 90_000),
                "energy_export": self.rng.uniform(0, 5_000),
                "pv_energy": self.rng.uniform(10_000, 60_000),
                "heat_recovery": self.rng.uniform(1_000, 9_000),
            }

    def topic(self, channel: str) -> str:
        """The topic of one of this device's channels."""
        return build_topic(self.station, self.code, channel)

    def next_message(self, now_ms: int, *, event_share: float = EVENT_SHARE) -> tuple[str, bytes]:
        """(topic, payload) of the device's next message."""
        spec = CLASSES[self.device_class]
        seq, self.seq = self.seq, self.seq + 1
        if self.rng.random() < event_share:
            alarms = sorted(spec.alarm_events)
            routine = sorted(set(spec.events) - set(alarms))
            pool = alarms if alarms and self.rng.random() < ALARM_SHARE else routine
            name = self.rng.choice(pool)
            attrs = {"confidence": round(self.rng.uniform(0.7, 0.99), 2), "sent_ms": now_ms}
            body = {"ts": now_ms, "boot": self.boot, "seq": seq, "event": name, "attrs": attrs}
            return self.topic("event"), orjson.dumps(body)
        return self.topic("telemetry"), b'{"ts":%d,"boot":"%s","seq":%d,"metrics":%s}' % (
            now_ms,
            self.boot.encode(),
            seq,
            self._metrics_json(now_ms),
        )

    def _metrics_json(self, now_ms: int) -> bytes:
        # Readings drift slowly, so a small pool of recent snapshots, one refreshed per call
        # in sixteen, stands in for fresh ones: the simulator must cost far less per message
        # than the ingester it loads. Meter registers only ever rise, so meters are fresh.
        if self.device_class is DeviceClass.ENERGY_METER:
            return orjson.dumps(self.metrics(now_ms))
        pool = self._pool
        if len(pool) < 16:
            pool.append(orjson.dumps(self.metrics(now_ms)))
            return pool[-1]
        k = self.rng.getrandbits(4)
        if k == 0:
            pool[self.rng.getrandbits(4)] = orjson.dumps(self.metrics(now_ms))
        return pool[k]

    def metrics(self, now_ms: int) -> dict[str, float]:
        """Plausible readings of the class at that instant (Beijing time of day)."""
        hour = ((now_ms / 3_600_000) + 8) % 24
        r = self.rng
        cls = self.device_class
        common = {"battery": round(r.uniform(40, 100)), "rssi": round(r.uniform(-105, -60))}
        if cls is DeviceClass.ENVIRONMENT:
            temp = 13 + 5 * math.sin(math.pi * (hour - 9) / 12) + r.gauss(0, 0.6)
            pm25 = max(5.0, r.gauss(55, 18) + (120 if r.random() < 0.002 else 0))
            out = {
                "temperature": round(temp, 1),
                "humidity": round(r.uniform(60, 88), 1),
                "pm25": round(pm25),
                "pm10": round(pm25 * r.uniform(1.3, 1.8)),
                "co2": round(r.uniform(420, 900)),
                "noise": round(38 + 25 * _busy(hour) / 1.15 + r.gauss(0, 3), 1),
            }
        elif cls is DeviceClass.PEOPLE_FLOW:
            flow = _busy(hour) * 12
            occupancy = round(max(0.0, r.gauss(flow * 20, 10)))
            out = {
                "count_in": round(r.expovariate(1 / (flow + 0.5))),
                "count_out": round(r.expovariate(1 / (flow + 0.5))),
                "occupancy": occupancy,
                "density": round(min(9.5, occupancy / 150), 2),
            }
        elif cls is DeviceClass.SMOKE_FIRE:
            out = {
                "smoke": round(r.uniform(0, 0.4), 2),
                "temperature": round(r.gauss(21, 1), 1),
                "co": round(r.uniform(0, 8), 1),
            }
        elif cls is DeviceClass.ACCESS_CONTROL:
            out = {"door_open": 1.0 if r.random() < 0.1 * _busy(hour) else 0.0}
        elif cls is DeviceClass.VIDEO_ANALYTICS:
            count = round(max(0.0, r.gauss(_busy(hour) * 25, 6)))
            out = {"crowd_count": count, "crowd_density": round(min(9.5, count / 60), 2)}
        elif cls is DeviceClass.PERIMETER_RADAR:
            targets = r.choice((0, 0, 0, 1, 1, 2, 3))
            out = {"targets": targets, "nearest": round(r.uniform(8, 180), 1) if targets else 1000}
        elif cls is DeviceClass.VEHICLE_CHECKPOINT:
            out = {
                "vehicles": round(r.expovariate(1 / (_busy(hour) * 15 + 0.5))),
                "speed_avg": round(r.gauss(32, 6), 1),
            }
        else:
            out = self._energy(hour, now_ms)
        out.update(common)
        return {k: float(v) for k, v in out.items()}

    def _energy(self, hour: float, now_ms: int) -> dict[str, float]:
        r, reg = self.rng, self.registers
        pv = 42.0 * _daylight(hour) * r.uniform(0.8, 1.0)  # kW of a 45 kWp roof
        load = 18 + 10 * _busy(hour) + r.gauss(0, 1.5)
        # the registers advance by the energy since the previous report
        step_h = max(0, now_ms - self.last_ms) / 3_600_000 if self.last_ms else 0.0
        self.last_ms = now_ms
        reg["pv_energy"] += pv * step_h
        reg["energy_import"] += max(0.0, load - pv) * step_h
        reg["energy_export"] += max(0.0, pv - load) * step_h
        reg["heat_recovery"] += 3.5 * step_h * (1 if 7 < hour < 21 else 0.3)
        voltage = r.gauss(221, 2.5)
        return {
            "power": round(load - pv, 2),
            "pv_power": round(pv, 2),
            "voltage": round(voltage, 1),
            "current": round(abs(load - pv) * 1000 / voltage / 3, 1),
            **{k: round(v, 3) for k, v in reg.items()},
        }
