"""The ingestion pipeline on the database: exactly once, refusals kept, rules to alerts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.iot.ingest import Batch
from jingwu.iot.models import Alert, BootSequence, DeadLetter, Device, DeviceEvent, Reading
from jingwu.iot.pipeline import Pipeline
from tests.conftest import FrozenClock, TransactionalDatabase
from tests.integration.iot.iot_factory import NOW, event, network, tele, topic


def _pipeline(db: TransactionalDatabase, clock: FrozenClock) -> Pipeline:
    p = Pipeline(db, clock)
    p.start()
    return p


def _run(p: Pipeline, messages: list[tuple[str, bytes]]) -> Any:
    batch = Batch()
    for t, body in messages:
        p.feed(batch, t, body, p.clock())
    return p.commit(batch)


def _count(session: Session, model: Any, *where: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_readings_are_stored_once_and_a_redelivery_counts_as_duplicates(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    dev = net["env"][0][0]
    p = _pipeline(db, clock)
    msgs = [(topic(dev, "SA01"), tele(seq)) for seq in range(50)]
    first = _run(p, msgs)
    again = _run(p, msgs[10:20])
    assert (first.stored, first.duplicates) == (50, 0)
    assert (again.stored, again.duplicates) == (0, 10)
    assert _count(session, Reading, Reading.device_id == dev.id) == 50
    dups = session.scalar(select(BootSequence.duplicates).where(BootSequence.device_id == dev.id))
    assert dups == 10


def test_refused_messages_are_kept_with_their_reason(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    dev = net["env"][0][0]
    p = _pipeline(db, clock)
    out = _run(
        p,
        [
            (topic(dev, "SA01"), b"{not json"),
            (topic(dev, "SA01"), b'{"pad": "' + b"x" * 5000 + b'"}'),
            (topic(dev, "SA01"), tele(1, pm25=5000)),
            (topic(dev, "SB01"), tele(2)),
            ("jingwu/v1/SA01/NOPE-1/telemetry", tele(3)),
            ("elsewhere/x", tele(4)),
        ],
    )
    assert out.refused == 6 and out.stored == 0
    reasons = dict(session.execute(select(DeadLetter.reason, DeadLetter.size)).all())
    assert set(reasons) == {
        "malformed_json",
        "oversized",
        "out_of_range",
        "wrong_station",
        "unknown_device",
        "bad_topic",
    }
    assert reasons["oversized"] > 5000
    kept = session.scalar(select(DeadLetter).where(DeadLetter.reason == "out_of_range"))
    assert kept is not None and (kept.boot, kept.seq, kept.device_id) == ("b1", 1, dev.id)
    assert b"5000" in kept.payload


def test_an_alarm_event_raises_one_alert_and_the_same_incident_is_suppressed(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    smoke = net["smoke"][0][0]
    p = _pipeline(db, clock)
    out = _run(p, [(topic(smoke, "SA01", "event"), event(0, "smoke_alarm"))])
    clock.advance(seconds=60)
    later = _run(p, [(topic(smoke, "SA01", "event"), event(1, "smoke_alarm"))])
    assert len(out.alerts) == 1 and later.alerts == []
    alert = session.get(Alert, out.alerts[0])
    assert alert is not None
    assert (alert.rule_code, alert.tier, alert.state, alert.source) == (
        "smoke.alarm",
        "red",
        "open",
        "event",
    )
    assert alert.unit_id == smoke.unit_id
    assert "烟雾报警" in alert.reason_zh and "Smoke alarm" in alert.reason_en
    assert _count(session, DeviceEvent, DeviceEvent.device_id == smoke.id) == 2


def test_a_redelivered_alarm_raises_no_second_alert_even_after_the_window(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    smoke = net["smoke"][0][0]
    p = _pipeline(db, clock)
    msg = (topic(smoke, "SA01", "event"), event(0, "fire_alarm"))
    assert len(_run(p, [msg]).alerts) == 1
    clock.advance(seconds=3600)
    again = _run(p, [msg])
    assert again.alerts == [] and again.duplicates == 1


def test_a_threshold_breach_in_telemetry_raises_an_alert(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    dev = net["env"][1][0]
    p = _pipeline(db, clock)
    out = _run(p, [(topic(dev, "SA01"), tele(0, pm25=40)), (topic(dev, "SA01"), tele(1, pm25=180))])
    assert len(out.alerts) == 1
    alert = session.get(Alert, out.alerts[0])
    assert alert is not None and alert.rule_code == "env.pm25" and alert.value == 180
    assert alert.reason_en == "PM2.5 = 180 µg/m³, above 150 µg/m³"


def test_two_workers_racing_on_the_same_incident_raise_one_alert(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    smoke = net["smoke"][0][0]
    a, b = _pipeline(db, clock), _pipeline(db, clock)
    first = _run(a, [(topic(smoke, "SA01", "event"), event(0, "heat_alarm"))])
    second = _run(b, [(topic(smoke, "SA01", "event"), event(1, "heat_alarm"))])
    assert len(first.alerts) == 1 and second.alerts == []
    assert second.lost_claims and second.lost_claims[0][1] == "fire.heat_alarm"
    assert _count(session, Alert, Alert.device_id == smoke.id) == 1


def test_messages_mark_the_device_online_and_a_status_report_sets_fault(
    session: Session, db: TransactionalDatabase, clock: FrozenClock
) -> None:
    net = network(session)
    dev, held = net["env"][0][0], net["env"][2][0]
    held.status = "maintenance"
    session.flush()
    p = _pipeline(db, clock)
    _run(p, [(topic(dev, "SA01"), tele(0)), (topic(held, "SA01"), tele(0))])
    session.expire_all()
    assert dev.status == "online" and dev.last_seen_at is not None
    assert held.status == "maintenance"
    status = b'{"ts": %d, "boot": "b1", "state": "fault"}' % (int(NOW.timestamp() * 1000))
    _run(p, [(topic(dev, "SA01", "status"), status)])
    session.expire_all()
    assert session.get(Device, dev.id).status == "fault"  # type: ignore[union-attr]
