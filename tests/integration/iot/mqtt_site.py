"""A site for MQTT tests: a database of its own with devices, a Mosquitto started from the
generated files, ingesters as subprocesses (``jingwu iot ingest``) and a publisher."""

from __future__ import annotations

import asyncio
import getpass
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from jingwu.accounts.scope import SYSTEM
from jingwu.config import Settings
from jingwu.iot.brokerconf import BrokerSettings, broker_files
from jingwu.iot.models import DeadLetter, Reading
from jingwu.iot.mqttpub import Publisher
from jingwu.iot.service_broker import broker_accounts
from jingwu.iot.simdevices import SimDevice, simulator_secret
from jingwu.iot.simulate import ensure_devices
from jingwu.runtime import Runtime, start
from tests.conftest import fresh_database_url, upgrade
from tests.factories.org import make_tree

MOSQUITTO = Path("/usr/sbin/mosquitto")
JINGWU = Path(sys.executable).with_name("jingwu")
INGEST_USER, INGEST_PASSWORD = "ingest", "ingest-secret-for-tests"
TIMEOUT = 120.0  # waits end as soon as their condition holds: generous for loaded machines


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(check: Callable[[], bool], timeout: float = TIMEOUT, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or check}")


@dataclass
class Site:
    """A database with stations and simulated devices, and its settings for subprocesses."""

    tmp: Path
    url: str
    runtime: Runtime
    devices: list[SimDevice]
    env: dict[str, str] = field(default_factory=dict)
    ingesters: list[Ingester] = field(default_factory=list)  # stopped when the site closes

    def secret(self, code: str) -> str:
        return simulator_secret(self.runtime.keyring.secret_key, code)

    def count(self, model: type = Reading) -> int:
        with self.runtime.db.unit_of_work(write=False) as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)

    def refused(self) -> dict[str, int]:
        with self.runtime.db.unit_of_work(write=False) as s:
            stmt = select(DeadLetter.reason, func.count()).group_by(DeadLetter.reason)
            return {r: int(n) for r, n in s.execute(stmt)}


@contextmanager
def site(tmp: Path, name: str, *, devices: int = 8, station: str = "SA01") -> Iterator[Site]:
    """A fresh database of the configured kind with ``devices`` simulated devices."""
    with fresh_database_url(tmp, name) as url:
        upgrade(url)
        settings = Settings(database_url=url, var_dir=tmp / "var", blob_dir=tmp / "blobs")
        runtime = start(settings)
        with runtime.db.unit_of_work() as session:
            make_tree(session)
            sims = ensure_devices(
                session,
                SYSTEM,
                station=station,
                n=devices,
                key=runtime.keyring.secret_key,
                now=runtime.clock(),
            )
        env = {
            **os.environ,
            "JINGWU_DATABASE_URL": url,
            "JINGWU_VAR_DIR": str(tmp / "var"),
            "JINGWU_BLOB_DIR": str(tmp / "blobs"),
            "JINGWU_IOT_BATCH_MS": "50",
            "JINGWU_IOT_CONNECTIONS": "1",
        }
        made = Site(tmp, url, runtime, sims, env)
        try:
            yield made
        finally:
            for ing in made.ingesters:
                ing.stop()  # also after a failed assertion: no orphan subprocess
            runtime.db.engine.dispose()


@dataclass
class Broker:
    """A Mosquitto of the test's own, configured with the files ``broker-config`` writes."""

    port: int
    config: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://{INGEST_USER}:{INGEST_PASSWORD}@127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [str(MOSQUITTO), "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

        def listening() -> bool:
            assert self.proc is not None and self.proc.poll() is None, "mosquitto exited"
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", self.port)) == 0

        wait_until(listening, what="mosquitto to listen")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=TIMEOUT)
        self.proc = None


@contextmanager
def broker_for(s: Site) -> Iterator[Broker]:
    """Start Mosquitto with the password file, ACL and configuration of the site."""
    assert MOSQUITTO.exists(), "these tests need Mosquitto 2.x at /usr/sbin/mosquitto"
    bdir = s.tmp / "broker"
    (bdir / "data").mkdir(parents=True, exist_ok=True)
    port = free_port()
    settings = BrokerSettings(
        port=port,
        users_file=str(bdir / "passwd"),
        acl_file=str(bdir / "acl"),
        persistence_dir=str(bdir / "data"),
        run_as=getpass.getuser(),
        log_dest="none",
    )
    with s.runtime.db.unit_of_work(write=False) as session:
        accounts = broker_accounts(session, SYSTEM, ingester=(INGEST_USER, INGEST_PASSWORD))
    for name, content in broker_files(accounts, settings).items():
        (bdir / name).write_text(content)
        (bdir / name).chmod(0o600)
    b = Broker(port, bdir / "mosquitto.conf")
    b.start()
    try:
        yield b
    finally:
        b.stop()


@dataclass
class Ingester:
    """``jingwu iot ingest`` in a subprocess."""

    env: dict[str, str]
    log: Path
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            [str(JINGWU), "iot", "ingest"], env=self.env, stdout=out, stderr=subprocess.STDOUT
        )

    def wait_subscribed(self, times: int = 1) -> None:
        """Wait until the log says every connection subscribed (``times`` starts so far).

        One connection for events and ``JINGWU_IOT_CONNECTIONS`` (1 here) for telemetry.
        """
        links = 1 + int(self.env.get("JINGWU_IOT_CONNECTIONS", "2"))

        def ready() -> bool:
            assert self.proc is not None and self.proc.poll() is None, self.log.read_text()
            return self.log.read_text().count("subscribed ") >= times * links

        wait_until(ready, what=f"{self.log.name} to subscribe")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=TIMEOUT)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def ingester(s: Site, broker_url: str, client_id: str, **extra: str) -> Ingester:
    env = {**s.env, "JINGWU_MQTT_URL": broker_url, "JINGWU_IOT_CLIENT_ID": client_id, **extra}
    made = Ingester(env, s.tmp / f"{client_id}.log")
    s.ingesters.append(made)
    return made


def publish(
    s: Site,
    port: int,
    messages: list[tuple[SimDevice, str, bytes]],
    *,
    rate: float = 5000.0,
    during: Callable[[int], None] | None = None,
) -> int:
    """Publish with each device's own login at about ``rate`` a second; returns PUBACKs seen.

    ``during(sent)`` is called every 500 messages (to kill an ingester mid-stream).
    """

    async def main() -> int:
        pubs: dict[str, Publisher] = {}
        for dev in {d.code: d for d, _, _ in messages}.values():
            p = Publisher(window=500)
            await p.connect(
                "127.0.0.1",
                port,
                f"{dev.code}-{uuid.uuid4().hex[:6]}",
                dev.code,
                s.secret(dev.code),
            )
            pubs[dev.code] = p
        t0 = time.monotonic()
        for k, (dev, topic, payload) in enumerate(messages):
            await pubs[dev.code].publish(topic, payload)
            if k % 500 == 499:
                if during is not None:
                    during(k + 1)
                ahead = (k + 1) / rate - (time.monotonic() - t0)
                await asyncio.sleep(max(ahead, 0))
        acked = 0
        for p in pubs.values():
            await p.flush(15)
            acked += p.acked
            await p.close()
        return acked

    return asyncio.run(main())


def stream(
    devices: list[SimDevice], n: int, *, start_ms: int
) -> list[tuple[SimDevice, str, bytes]]:
    """n telemetry messages spread round-robin over the devices (no events)."""
    out = []
    for k in range(n):
        dev = devices[k % len(devices)]
        topic, payload = dev.next_message(start_ms + k, event_share=0.0)
        out.append((dev, topic, payload))
    return out
