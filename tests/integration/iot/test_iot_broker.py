"""The generated Mosquitto files, checked against a real broker this module starts itself.

Each broker runs as a subprocess on a free port from 18830 up, with its password file, ACL,
configuration and persistence directory in a temporary directory, and is stopped at the end.
"""

from __future__ import annotations

import getpass
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.reasoncodes import ReasonCode

from jingwu.iot.brokerconf import (
    Account,
    BrokerSettings,
    broker_files,
    device_account,
    gateway_account,
    hash_password,
    ingester_account,
)
from jingwu.iot.topics import SHARED_SUBSCRIPTION, build_topic

MOSQUITTO = Path("/usr/sbin/mosquitto")
REPO = Path(__file__).resolve().parents[3]
PASSWORDS = {"dev-a": "pa-secret", "dev-b": "pb-secret", "gw-1": "pg-secret", "ingest": "pi-secret"}
TIMEOUT = 60.0  # waits end as soon as their condition holds: generous for loaded machines


def _accounts() -> list[Account]:
    return [
        device_account("dev-a", hash_password(PASSWORDS["dev-a"]), station="GS03", device="dev-a"),
        device_account("dev-b", hash_password(PASSWORDS["dev-b"]), station="GS03", device="dev-b"),
        gateway_account(
            "gw-1", hash_password(PASSWORDS["gw-1"]), devices=[("GS03", "dev-c"), ("GS04", "dev-d")]
        ),
        ingester_account("ingest", hash_password(PASSWORDS["ingest"])),
    ]


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait_listening(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"mosquitto exited with {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise RuntimeError(f"mosquitto did not listen on {port}")


@dataclass
class Broker:
    """A running test broker."""

    port: int
    config: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(MOSQUITTO), "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        _wait_listening(self.port, self.proc)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: Mosquitto saves its persistence file on the way out
            self.proc.wait(timeout=TIMEOUT)
        self.proc = None


def _prepare(tmp: Path, port: int) -> Broker:
    settings = BrokerSettings(
        port=port,
        users_file=str(tmp / "passwd"),
        acl_file=str(tmp / "acl"),
        persistence_dir=str(tmp / "data"),
        run_as=getpass.getuser(),
        log_dest="none",
    )
    (tmp / "data").mkdir(exist_ok=True)
    for name, content in broker_files(_accounts(), settings).items():
        (tmp / name).write_text(content)
        (tmp / name).chmod(0o600)
    return Broker(port, tmp / "mosquitto.conf")


def _start_broker(tmp: Path) -> Broker:
    assert MOSQUITTO.exists(), "these tests need Mosquitto 2.x at /usr/sbin/mosquitto"
    for port in range(18830, 18990):
        if not _port_is_free(port):
            continue
        broker = _prepare(tmp, port)
        try:
            broker.start()
        except RuntimeError:
            broker.stop()
            continue  # another process took the port in between: try the next one
        return broker
    raise RuntimeError("no free port for the test broker")


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    b = _start_broker(tmp_path_factory.mktemp("broker"))
    yield b
    b.stop()


@dataclass
class Client:
    """A paho client that records what it receives and how its CONNECT ended."""

    port: int
    username: str | None
    password: str | None
    client_id: str
    clean: bool = True
    received: list[tuple[str, bytes]] = field(default_factory=list)
    connack: list[ReasonCode] = field(default_factory=list)
    got: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        self.c = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self.client_id,
            clean_session=self.clean,
            protocol=mqtt.MQTTv311,
        )
        if self.username is not None:
            self.c.username_pw_set(self.username, self.password)
        self.c.on_message = self._on_message
        self.c.on_connect = self._on_connect

    def _on_connect(self, _c: object, _u: object, _f: object, rc: ReasonCode, _p: object) -> None:
        with self.got:
            self.connack.append(rc)
            self.got.notify_all()

    def _on_message(self, _c: object, _u: object, msg: mqtt.MQTTMessage) -> None:
        with self.got:
            self.received.append((msg.topic, bytes(msg.payload)))
            self.got.notify_all()

    def connect(self) -> ReasonCode:
        self.c.connect("127.0.0.1", self.port, keepalive=30)
        self.c.loop_start()
        with self.got:
            assert self.got.wait_for(lambda: self.connack, TIMEOUT), "no CONNACK"
        return self.connack[0]

    def subscribe(self, topic: str) -> None:
        done = threading.Event()
        self.c.on_subscribe = lambda *_a: done.set()
        self.c.subscribe(topic, qos=1)
        assert done.wait(TIMEOUT), "no SUBACK"

    def publish(self, topic: str, payload: bytes) -> None:
        info = self.c.publish(topic, payload, qos=1)
        info.wait_for_publish(TIMEOUT)
        assert info.is_published()

    def wait_for(self, payload: bytes) -> list[bytes]:
        with self.got:
            assert self.got.wait_for(
                lambda: any(p == payload for _, p in self.received), TIMEOUT
            ), f"{payload!r} never arrived"
            return [p for _, p in self.received]

    def close(self) -> None:
        self.c.disconnect()
        self.c.loop_stop()


def _client(
    port: int, user: str | None, *, password: str | None = None, cid: str, clean: bool = True
) -> Client:
    pw = password if password is not None else (PASSWORDS.get(user) if user else None)
    return Client(port, user, pw, cid, clean)


@pytest.fixture
def ingester(broker: Broker, request: pytest.FixtureRequest) -> Iterator[Client]:
    c = _client(broker.port, "ingest", cid=f"ingest-{request.node.name}"[:60])
    assert not c.connect().is_failure
    c.subscribe(SHARED_SUBSCRIPTION)
    yield c
    c.close()


def test_a_device_publishes_to_its_own_topic(broker: Broker, ingester: Client) -> None:
    dev = _client(broker.port, "dev-a", cid="dev-a")
    assert not dev.connect().is_failure
    dev.publish(build_topic("GS03", "dev-a", "telemetry"), b"own-1")
    assert b"own-1" in ingester.wait_for(b"own-1")
    dev.close()


def test_a_publish_to_another_devices_topic_is_not_delivered(
    broker: Broker, ingester: Client
) -> None:
    dev = _client(broker.port, "dev-a", cid="dev-a-2")
    assert not dev.connect().is_failure
    dev.publish(build_topic("GS03", "dev-b", "telemetry"), b"forged")
    dev.publish(build_topic("GS03", "dev-b", "event"), b"forged-event")
    # Same connection, same subscriber: had the broker accepted the forged messages, they
    # would have arrived before this marker.
    dev.publish(build_topic("GS03", "dev-a", "status"), b"marker-a")
    got = ingester.wait_for(b"marker-a")
    assert b"forged" not in got
    assert b"forged-event" not in got
    dev.close()


def test_a_gateway_publishes_only_for_its_listed_devices(broker: Broker, ingester: Client) -> None:
    gw = _client(broker.port, "gw-1", cid="gw-1")
    assert not gw.connect().is_failure
    gw.publish(build_topic("GS04", "dev-d", "event"), b"gw-listed")
    gw.publish(build_topic("GS03", "dev-a", "telemetry"), b"gw-unlisted")
    gw.publish(build_topic("GS03", "dev-c", "telemetry"), b"gw-marker")
    got = ingester.wait_for(b"gw-marker")
    assert b"gw-listed" in got
    assert b"gw-unlisted" not in got
    gw.close()


def test_a_wrong_password_is_refused(broker: Broker) -> None:
    dev = _client(broker.port, "dev-a", password="not-the-secret", cid="dev-a-bad")
    rc = dev.connect()
    assert rc.is_failure
    assert rc == "Not authorized"
    dev.close()


def test_an_anonymous_client_is_refused(broker: Broker) -> None:
    anon = _client(broker.port, None, cid="anon")
    assert anon.connect().is_failure
    anon.close()


def test_a_device_cannot_read_other_devices_traffic(broker: Broker) -> None:
    spy = _client(broker.port, "dev-b", cid="dev-b-spy")
    assert not spy.connect().is_failure
    spy.subscribe("jingwu/v1/#")
    dev = _client(broker.port, "dev-a", cid="dev-a-3")
    assert not dev.connect().is_failure
    dev.publish(build_topic("GS03", "dev-a", "telemetry"), b"private")
    time.sleep(0.3)  # a negative: give a wrongly delivered message time to show up
    assert spy.received == []
    dev.close()
    spy.close()


def test_queued_messages_survive_an_ingester_absence_and_a_broker_restart(tmp_path: Path) -> None:
    b = _start_broker(tmp_path)
    try:
        ing = _client(b.port, "ingest", cid="ingest-durable", clean=False)
        assert not ing.connect().is_failure
        ing.subscribe(SHARED_SUBSCRIPTION)
        ing.close()  # persistent session: the broker keeps queueing for it
        dev = _client(b.port, "dev-a", cid="dev-a-durable")
        assert not dev.connect().is_failure
        sent = [f"q-{i}".encode() for i in range(200)]
        for p in sent:
            dev.publish(build_topic("GS03", "dev-a", "telemetry"), p)
        dev.close()
        b.stop()  # the queue is written to the persistence file on shutdown
        b.start()
        ing = _client(b.port, "ingest", cid="ingest-durable", clean=False)
        assert not ing.connect().is_failure
        assert ing.wait_for(sent[-1]) == sent
        ing.close()
    finally:
        b.stop()


def test_the_production_template_is_accepted_by_mosquitto(tmp_path: Path) -> None:
    template = (REPO / "deploy" / "mosquitto" / "mosquitto.conf").read_text()
    # an ephemeral port: the module's brokers (other xdist workers) probe 18830 and up
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    b = _prepare(tmp_path, port)
    replace = {
        "password_file": f"password_file {tmp_path / 'passwd'}",
        "acl_file": f"acl_file {tmp_path / 'acl'}",
        "persistence_location": f"persistence_location {tmp_path / 'data'}/",
        "listener": f"listener {port} 127.0.0.1",
        "log_dest": "log_dest none",
        "user": f"user {getpass.getuser()}",
    }
    lines = []
    for line in template.splitlines():
        key = line.split(" ", 1)[0]
        lines.append(replace.get(key, line))
    assert all(f"\n{v}" in "\n" + "\n".join(lines) for v in replace.values()), "template keys"
    (tmp_path / "mosquitto.conf").write_text("\n".join(lines) + "\n")
    b.start()
    try:
        ing = _client(b.port, "ingest", cid="ingest-template")
        assert not ing.connect().is_failure
        ing.subscribe(SHARED_SUBSCRIPTION)
        dev = _client(b.port, "dev-a", cid="dev-a-template")
        assert not dev.connect().is_failure
        dev.publish(build_topic("GS03", "dev-a", "telemetry"), b"via-template")
        assert b"via-template" in ing.wait_for(b"via-template")
        dev.close()
        ing.close()
    finally:
        b.stop()


def test_mosquitto_passwd_output_verifies_with_our_code(tmp_path: Path) -> None:
    from jingwu.iot.brokerconf import verify_password

    tool = shutil.which("mosquitto_passwd")
    assert tool is not None, "mosquitto_passwd is part of the mosquitto package"
    pwfile = tmp_path / "pw"
    subprocess.run([tool, "-c", "-b", str(pwfile), "alice", "s3cret-ü"], check=True)
    user, encoded = pwfile.read_text().strip().split(":", 1)
    assert user == "alice"
    assert encoded.startswith("$7$101$")
    assert verify_password("s3cret-ü", encoded)
    assert not verify_password("s3cret-u", encoded)
