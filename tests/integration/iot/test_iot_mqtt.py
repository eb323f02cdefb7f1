"""MQTT ingestion against real Mosquitto: the broker on 127.0.0.1:1883 and brokers these
tests start themselves from the generated password file, ACL and configuration.

Each test has a database of its own; ingesters run as ``jingwu iot ingest`` subprocesses
(or in a thread), so they can be killed and restarted like a real worker.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
import uuid
from pathlib import Path

import orjson
import pytest
from sqlalchemy import func, select

from jingwu.iot.ingest_mqtt import MqttIngester, run_loop
from jingwu.iot.models import Alert, BootSequence, DeviceEvent, Gap, Reading
from jingwu.iot.mqttpub import MqttRefused, Publisher
from jingwu.iot.pipeline import Pipeline
from jingwu.iot.service_loss import track_sequences
from jingwu.iot.settings import parse_mqtt_url
from tests.integration.iot.mqtt_site import (
    broker_for,
    ingester,
    publish,
    site,
    stream,
    wait_until,
)


class _Subscriptions(logging.Handler):
    """Counts the ingester's "subscribed" log lines (one per SUBACK)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("subscribed "):
            self.count += 1


def _now_ms() -> int:
    return int(time.time() * 1000)


def _system_broker_up() -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", 1883)) == 0


def test_publish_store_rule_alert_through_the_broker_on_1883(tmp_path: Path) -> None:
    assert _system_broker_up(), "these tests need the Mosquitto on 127.0.0.1:1883"
    group = f"t{uuid.uuid4().hex[:10]}"  # other runs may share this broker: our own group
    with site(tmp_path, "mqtt1883", devices=8) as s:
        stop = threading.Event()
        ing = MqttIngester(
            Pipeline(s.runtime.db, s.runtime.clock),
            parse_mqtt_url("mqtt://127.0.0.1:1883"),
            client_id=f"jingwu-test-{group}",
            connections=1,
            batch_ms=50,
            share_group=group,
        )
        subscribed = _Subscriptions()
        mqtt_log = logging.getLogger("jingwu.iot.mqtt")
        level = mqtt_log.level
        mqtt_log.setLevel(logging.INFO)
        mqtt_log.addHandler(subscribed)
        thread = threading.Thread(target=run_loop, args=(lambda: ing.run(stop),), daemon=True)
        thread.start()
        try:
            wait_until(
                lambda: len(ing.links) == 2 and all(link.connected for link in ing.links),
                what="the ingester",
            )
            wait_until(lambda: subscribed.count >= 2, what="both SUBACKs")
            smoke = next(d for d in s.devices if d.device_class.value == "smoke_fire")
            msgs = stream(s.devices, 40, start_ms=_now_ms() - 5000)
            alarm = {"ts": _now_ms(), "boot": smoke.boot, "seq": smoke.seq, "event": "smoke_alarm"}
            smoke.seq += 1
            msgs.append((smoke, smoke.topic("event"), orjson.dumps(alarm)))
            publish(s, 1883, msgs)
            wait_until(lambda: s.count(Alert) == 1 and s.count(Reading) == 40, what="storage")
        finally:
            mqtt_log.removeHandler(subscribed)
            mqtt_log.setLevel(level)
            stop.set()
            thread.join(60)
        with s.runtime.db.unit_of_work(write=False) as session:
            alert = session.scalars(select(Alert)).one()
            assert (alert.rule_code, alert.tier, alert.state) == ("smoke.alarm", "red", "open")
            assert session.scalar(select(func.count()).select_from(DeviceEvent)) == 1
        _forget_session(f"jingwu-test-{group}-0")
        _forget_session(f"jingwu-test-{group}-1")


def _forget_session(client_id: str) -> None:
    """Connect once with a clean session so the system broker drops the test's session."""

    async def main() -> None:
        p = Publisher()
        await p.connect("127.0.0.1", 1883, client_id)
        await p.close()

    import asyncio

    asyncio.run(main())


def test_a_killed_ingester_restarted_stores_every_reading_exactly_once(tmp_path: Path) -> None:
    with site(tmp_path, "mqttkill", devices=10) as s, broker_for(s) as broker:
        ing = ingester(s, broker.url, "kill-test")
        ing.start()
        ing.wait_subscribed()
        probe = stream(s.devices[:1], 1, start_ms=_now_ms() - 60_000)
        publish(s, broker.port, probe)
        wait_until(lambda: s.count() == 1, what="the first ingester")
        killed: list[int] = []

        def kill_midway(sent: int) -> None:
            if sent == 6000 and not killed:
                ing.kill()
                killed.append(s.count())

        n = 15_000
        msgs = stream(s.devices, n, start_ms=_now_ms() - 30_000)
        acked = publish(s, broker.port, msgs, rate=6000, during=kill_midway)
        assert acked == n  # the broker took every message while the ingester was down
        assert killed and 1 <= killed[0] < n + 1, "the ingester was killed mid-stream"
        ing.start()  # the same client id: the persistent session and its queue
        try:
            wait_until(lambda: s.count() == n + 1, what="every reading")
            time.sleep(0.5)
            assert s.count() == n + 1
        finally:
            ing.stop()
        with s.runtime.db.unit_of_work() as session:
            distinct = session.scalar(
                select(func.count()).select_from(
                    select(Reading.device_id, Reading.boot, Reading.seq).distinct().subquery()
                )
            )
            assert distinct == n + 1
            track_sequences(session, now=s.runtime.clock(), settle_ms=0)
            assert session.scalar(select(func.count()).select_from(Gap)) == 0
            assert session.scalar(select(func.sum(BootSequence.missing))) == 0


def test_two_ingesters_share_the_traffic_without_duplicates_and_loss_is_reported(
    tmp_path: Path,
) -> None:
    with site(tmp_path, "mqttshare", devices=12) as s, broker_for(s) as broker:
        stats = [tmp_path / "a.json", tmp_path / "b.json"]
        workers = [
            ingester(s, broker.url, f"share-{k}", JINGWU_IOT_STATS_FILE=str(stats[k]))
            for k in range(2)
        ]
        for w in workers:
            w.start()
        try:
            for w in workers:
                w.wait_subscribed()
            n = 12_000
            msgs = stream(s.devices, n, start_ms=_now_ms() - 20_000)
            # A hole the devices make themselves: device 0 skips five numbers.
            dev0 = s.devices[0]
            dev0.seq += 5
            tail = stream([dev0], 1, start_ms=_now_ms() - 1000)
            publish(s, broker.port, msgs + tail, rate=6000)
            wait_until(lambda: s.count() == n + 1, what="every reading")
        finally:
            for w in workers:
                w.stop()
        shares = [orjson.loads(p.read_bytes())["stored"] for p in stats]
        assert sum(shares) == n + 1 and min(shares) > 0, shares
        with s.runtime.db.unit_of_work() as session:
            run = track_sequences(session, now=s.runtime.clock(), settle_ms=0)
            gaps = session.scalars(select(Gap)).all()
            assert run.opened == 1 and len(gaps) == 1
            assert gaps[0].seq_to - gaps[0].seq_from + 1 == 5
            assert session.scalar(select(func.sum(BootSequence.duplicates))) == 0


def test_malformed_and_oversized_payloads_are_refused_and_kept(tmp_path: Path) -> None:
    with site(tmp_path, "mqttbad", devices=2) as s, broker_for(s) as broker:
        ing = ingester(s, broker.url, "bad-test")
        ing.start()
        try:
            dev = s.devices[0]
            good = stream([dev], 1, start_ms=_now_ms() - 1000)
            bad = [
                (dev, dev.topic("telemetry"), b"{this is not json"),
                (
                    dev,
                    dev.topic("telemetry"),
                    orjson.dumps(
                        {"ts": _now_ms(), "boot": "b", "seq": 1, "metrics": {"pm25": "x"}}
                    ),
                ),
                (dev, dev.topic("event"), b'{"pad": "' + b"x" * 6000 + b'"}'),
            ]
            ing.wait_subscribed()
            publish(s, broker.port, bad + good)
            wait_until(lambda: s.count() == 1 and sum(s.refused().values()) == 3, what="refusals")
            refused = s.refused()
            assert refused == {"malformed_json": 1, "invalid_field": 1, "oversized": 1}
        finally:
            ing.stop()


def test_the_broker_refuses_a_wrong_secret_and_cuts_off_a_giant_packet(tmp_path: Path) -> None:
    import asyncio

    with site(tmp_path, "mqttlimits", devices=1) as s, broker_for(s) as broker:
        dev = s.devices[0]

        async def wrong() -> None:
            await Publisher().connect("127.0.0.1", broker.port, "x1", dev.code, "not-it")

        with pytest.raises(MqttRefused):
            asyncio.run(wrong())

        async def giant() -> BaseException | None:
            p = Publisher()
            await p.connect("127.0.0.1", broker.port, "x2", dev.code, s.secret(dev.code))
            await p.publish(dev.topic("telemetry"), b"x" * 20_000)  # over max_packet_size
            await p.flush(3)
            return p.error

        assert isinstance(asyncio.run(giant()), ConnectionError)
