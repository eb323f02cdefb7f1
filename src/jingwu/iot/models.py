"""IoT tables: devices, gateways, readings, events, rollups, alerts, rules, loss and refusals.

The machine-data tables (readings, events, rollups, dead letters, sequences) keep reading and
receipt times as epoch milliseconds (``*_ms``), the form devices send: the ingester writes
them with Core at 20,000+ rows a second, and integer buckets make rollups one GROUP BY on
both databases. They carry no foreign keys, because a referential check per row costs more
than the insert itself on PostgreSQL; devices are retired, never deleted, so nothing dangles.
Readings are range-partitioned by reading time on PostgreSQL (one partition a day, kept in
the ``iot_part`` schema by :mod:`jingwu.iot.partitions`), which makes retention a DROP.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jingwu.db import Base, UTCDateTime


class Gateway(Base):
    """A gateway: one broker/HTTP login publishing on behalf of a list of devices."""

    __tablename__ = "iot_gateways"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    credential_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Device(Base):
    """A registered sensor bound to a community station (its unit)."""

    __tablename__ = "iot_devices"
    __table_args__ = (Index("ix_iot_devices_lon_lat", "lon", "lat"),)  # the map's viewports

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    device_class: Mapped[str] = mapped_column(String(32), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    model: Mapped[str] = mapped_column(String(120), default="")
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    indoor_zone: Mapped[str] = mapped_column(String(64), default="")
    installed_on: Mapped[dt.date | None] = mapped_column(Date)
    # Mosquitto $7$ hash of the device secret; None for a device that only a gateway speaks for.
    credential_hash: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="offline", index=True)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    retired: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class GatewayDevice(Base):
    """A device a gateway may publish for."""

    __tablename__ = "iot_gateway_devices"

    gateway_id: Mapped[int] = mapped_column(
        ForeignKey("iot_gateways.id", ondelete="CASCADE"), primary_key=True
    )
    device_id: Mapped[int] = mapped_column(
        ForeignKey("iot_devices.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Reading(Base):
    """One telemetry message: the metrics of one device at one instant (stored once)."""

    __tablename__ = "iot_readings"
    __audit__ = False
    __table_args__ = (
        Index("ix_iot_readings_received_ms", "received_ms", postgresql_using="brin"),
        # On SQLite a rowid table (rows appended in arrival order) with the key as its unique
        # index takes inserts at less than half the cost of a WITHOUT ROWID table, whose
        # wide rows land at random places in the key order.
        {"postgresql_partition_by": "RANGE (ts_ms)"},
    )

    # The primary key is the exactly-once key (device, boot, seq, reading time), ordered so
    # that one device's readings over a time range are one index scan.
    device_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ts_ms: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    boot: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    received_ms: Mapped[int] = mapped_column(BigInteger)
    metrics: Mapped[str] = mapped_column(Text)  # JSON object: metric -> value


class DeviceEvent(Base):
    """One event message (alarm or routine), stored once under the same key as readings."""

    __tablename__ = "iot_events"
    __audit__ = False
    __table_args__ = (Index("ix_iot_events_received_ms", "received_ms"),)

    device_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ts_ms: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    boot: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    received_ms: Mapped[int] = mapped_column(BigInteger)
    event: Mapped[str] = mapped_column(String(32))
    alarm: Mapped[bool] = mapped_column(Boolean)
    attrs: Mapped[str] = mapped_column(Text, default="{}")


class RollupMinute(Base):
    """Count, sum, minimum and maximum of one metric of one device in one minute."""

    __tablename__ = "iot_rollup_minute"
    __audit__ = False

    device_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    metric: Mapped[str] = mapped_column(String(24), primary_key=True)
    bucket_ms: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    total: Mapped[float] = mapped_column(Float)
    low: Mapped[float] = mapped_column(Float)
    high: Mapped[float] = mapped_column(Float)


class RollupHour(Base):
    """The same figures per hour (charts over days)."""

    __tablename__ = "iot_rollup_hour"
    __audit__ = False

    device_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    metric: Mapped[str] = mapped_column(String(24), primary_key=True)
    bucket_ms: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
    total: Mapped[float] = mapped_column(Float)
    low: Mapped[float] = mapped_column(Float)
    high: Mapped[float] = mapped_column(Float)


class EnergyDay(Base):
    """A meter register's rise over one local day (kWh), recomputed by the rollup job.

    Computed from the raw readings in order (:mod:`jingwu.iot.meters`), never from the
    rollups' lowest and highest values, which a reset or replaced meter turns into nonsense.
    """

    __tablename__ = "iot_energy_days"
    __audit__ = False
    __table_args__ = (Index("ix_iot_energy_days_day", "day"),)

    device_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    metric: Mapped[str] = mapped_column(String(24), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kwh: Mapped[float] = mapped_column(Float)
    readings: Mapped[int] = mapped_column(Integer)
    discontinuities: Mapped[int] = mapped_column(Integer)


class DeadLetter(Base):
    """A refused message, kept with the reason (malformed, out of range, unknown device...)."""

    __tablename__ = "iot_dead_letters"
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    received_ms: Mapped[int] = mapped_column(BigInteger, index=True)
    device_id: Mapped[int | None] = mapped_column(Integer, index=True)
    topic: Mapped[str] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(String(32), index=True)
    detail: Mapped[str] = mapped_column(String(500))
    field: Mapped[str | None] = mapped_column(String(64))
    boot: Mapped[str | None] = mapped_column(String(64))
    seq: Mapped[int | None] = mapped_column(BigInteger)
    size: Mapped[int] = mapped_column(Integer)
    payload: Mapped[bytes] = mapped_column(LargeBinary)  # the first 4 KiB


class BootSequence(Base):
    """The sequence numbers stored for one boot of one device, as ranges (loss detection)."""

    __tablename__ = "iot_sequences"
    __audit__ = False

    device_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    boot: Mapped[str] = mapped_column(String(64), primary_key=True)
    ranges: Mapped[str] = mapped_column(Text, default="[]")  # JSON [[lo, hi], ...]
    stored: Mapped[int] = mapped_column(BigInteger, default=0)
    missing: Mapped[int] = mapped_column(BigInteger, default=0)
    duplicates: Mapped[int] = mapped_column(BigInteger, default=0)
    rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    first_ms: Mapped[int] = mapped_column(BigInteger)
    last_ms: Mapped[int] = mapped_column(BigInteger, index=True)


class Gap(Base):
    """A run of sequence numbers that never arrived (open) or arrived late (closed)."""

    __tablename__ = "iot_gaps"
    __audit__ = False

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(Integer, index=True)
    boot: Mapped[str] = mapped_column(String(64))
    seq_from: Mapped[int] = mapped_column(BigInteger)
    seq_to: Mapped[int] = mapped_column(BigInteger)
    detected_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Cursor(Base):
    """How far a periodic IoT job has read the stored data (received time, ms)."""

    __tablename__ = "iot_cursors"
    __audit__ = False

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    position_ms: Mapped[int] = mapped_column(BigInteger)


class RuleRow(Base):
    """A stored rule: a default replaced, or a new class or device rule (JSON definition)."""

    __tablename__ = "iot_rules"
    __table_args__ = (UniqueConstraint("code", "scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    scope: Mapped[str] = mapped_column(String(64), default="")  # device code, or "" for a class
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    definition: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Alert(Base):
    """An alert raised by a rule: open, acknowledged or resolved; may lead to a work order."""

    __tablename__ = "iot_alerts"
    __table_args__ = (
        Index("ix_iot_alerts_state_raised", "state", "raised_at"),
        Index("ix_iot_alerts_state_escalation", "state", "next_escalation_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("iot_devices.id"), index=True)
    rule_code: Mapped[str] = mapped_column(String(64))
    tier: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16), default="open")
    source: Mapped[str] = mapped_column(String(16))  # telemetry | event | heartbeat
    raised_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    observed_ms: Mapped[int | None] = mapped_column(BigInteger)
    value: Mapped[float | None] = mapped_column(Float)
    reason_zh: Mapped[str] = mapped_column(String(300))
    reason_en: Mapped[str] = mapped_column(String(300))
    label_zh: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(500), default="")
    # Filled when an officer confirms the alert into a work order (the work-order domain).
    work_order_id: Mapped[int | None] = mapped_column(Integer)
    work_order_ref: Mapped[str | None] = mapped_column(String(40))
    # The escalation ladder (jingwu.iot.alert_ladder): the level reached (0 nobody yet,
    # 1 chief, 2 street, 3 district) and when an unacknowledged alert climbs next.
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    next_escalation_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class RuleState(Base):
    """When a rule last raised an alert for a device: the cross-worker dedup claim."""

    __tablename__ = "iot_rule_state"
    __audit__ = False

    device_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule_code: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_alert_ms: Mapped[int] = mapped_column(BigInteger)
    last_alert_id: Mapped[int | None] = mapped_column(Integer)
