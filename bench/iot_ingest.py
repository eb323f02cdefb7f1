"""Benchmark: sustained MQTT ingestion into PostgreSQL and SQLite, rules on, counted by sequence.

For each database: a fresh database with one station and N simulated devices, a Mosquitto
started from the files ``jingwu iot broker-config`` generates (persistence on, the queue
limits of deploy/mosquitto), K ingesters (``jingwu iot ingest``, each one process on the
shared subscription) and the load from ``jingwu iot simulate`` (one MQTT connection per
device with its own credentials, QoS 1). Afterwards every stored row is counted against the
sequence numbers the devices used: lost = numbers published and never stored, doubled =
rows beyond one per number (the primary key makes it 0 by construction; it is counted
anyway). Latency publish → stored is each reading's device timestamp (set when published)
to its batch's commit, measured by the ingesters; alarm → alert likewise for alerts of
alarm events. CPU seconds per process are read from /proc. Baseline in the same run: one
autocommitted INSERT per message, the naive writer, for 10 s on the same database.

    .venv/bin/python bench/iot_ingest.py [--db sqlite,postgresql] [--rate 20000]
        [--duration 300] [--devices 2000] [--ingesters 2] [--out bench/results/iot_ingest.md]

The machine has 2 cores shared with other work; the load generator, the broker, the
ingesters and the database all run on them, so the figures are for everything together.
"""

from __future__ import annotations

import argparse
import getpass
import os
import platform
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import psycopg
from alembic import command
from sqlalchemy import create_engine, text

from jingwu.accounts.scope import SYSTEM
from jingwu.config import Settings
from jingwu.db import normalize_url
from jingwu.iot.brokerconf import BrokerSettings, broker_files
from jingwu.iot.ingest_stats import Histogram
from jingwu.iot.service_broker import broker_accounts
from jingwu.iot.service_loss import track_sequences
from jingwu.iot.simulate import ensure_devices
from jingwu.migrations import alembic_config
from jingwu.org import codes, service
from jingwu.org.schemas import UnitIn
from jingwu.runtime import Runtime, start

ROOT = Path(__file__).resolve().parents[1]
JINGWU = Path(sys.executable).with_name("jingwu")
PG_ADMIN = os.environ.get("JINGWU_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
RING = [[120.10, 30.26], [120.13, 30.26], [120.13, 30.28], [120.10, 30.28], [120.10, 30.26]]
INGEST = ("ingest", "bench-ingest-secret")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (and its waited-for children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def machine_cpu_s() -> float:
    """CPU seconds all processes of the machine have used (to show the shared load)."""
    parts = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    busy = sum(int(x) for i, x in enumerate(parts[:8]) if i not in (3, 4))
    return busy / os.sysconf("SC_CLK_TCK")


@dataclass
class Site:
    kind: str
    url: str
    tmp: Path
    runtime: Runtime
    pg_db: str | None = None
    env: dict[str, str] = field(default_factory=dict)


NOTE = """
Reading the figures: the "whole machine" column is the CPU every process on the machine used
while the load ran; where it is well above what the load generator, the broker, the ingesters
and the database used together, the cores were shared with other work, and once they are
saturated the queues grow and so does the latency. The CPU per message (without the load
generator) is what the pipeline itself costs.
"""


def pg_backends(site: Site) -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends serving the bench database."""
    if not site.pg_db:
        return {}
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        pids = [
            r[0]
            for r in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (site.pg_db,)
            )
        ]
    return {pid: cpu_s(pid) for pid in pids}


def make_site(kind: str, tmp: Path, devices: int, gateways: int) -> Site:
    pg_db = None
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'bench.db'}"
    else:
        pg_db = f"jingwu_bench_iot_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_db}"')
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{pg_db}"
    command.upgrade(alembic_config(url), "heads")
    runtime = start(Settings(database_url=url, var_dir=tmp / "var", blob_dir=tmp / "blobs"))
    now = runtime.clock()
    with runtime.db.unit_of_work() as s:
        for n, (kind_, code, parent, extra) in enumerate(
            (
                ("district", "BD00", None, {}),
                ("street", "BT00", "BD00", {}),
                (
                    "community",
                    "BC01",
                    "BT00",
                    {
                        "boundary": {"type": "Polygon", "coordinates": [RING]},
                        "lon": 120.115,
                        "lat": 30.27,
                    },
                ),
            )
        ):
            division = {"district": "330106", "street": "330106001", "community": "330106001001"}
            service.create_unit(
                s,
                SYSTEM,
                now=now,
                data=UnitIn(
                    kind=kind_,
                    parent_code=parent,
                    name=f"基准{code}",
                    short_code=code,
                    division_code=division[kind_],
                    org_code=codes.make_org_code(f"11330106000000{n:03d}"),
                    **extra,
                ),
            )
    with runtime.db.unit_of_work() as s:
        ensure_devices(
            s, SYSTEM, station="BC01", n=devices, key=runtime.keyring.secret_key, now=now
        )
    env = {
        **os.environ,
        "JINGWU_DATABASE_URL": url,
        "JINGWU_VAR_DIR": str(tmp / "var"),
        "JINGWU_BLOB_DIR": str(tmp / "blobs"),
    }
    return Site(kind, url, tmp, runtime, pg_db, env)


def drop_site(site: Site) -> None:
    site.runtime.db.engine.dispose()
    if site.pg_db:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{site.pg_db}" WITH (FORCE)')


def start_broker(site: Site) -> tuple[subprocess.Popen[bytes], int]:
    bdir = site.tmp / "broker"
    (bdir / "data").mkdir(parents=True, exist_ok=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    settings = BrokerSettings(
        port=port,
        users_file=str(bdir / "passwd"),
        acl_file=str(bdir / "acl"),
        persistence_dir=str(bdir / "data"),
        run_as=getpass.getuser(),
        log_dest="none",
        max_queued_messages=3_000_000,
    )
    with site.runtime.db.unit_of_work(write=False) as s:
        accounts = broker_accounts(s, SYSTEM, ingester=INGEST)
    for name, content in broker_files(accounts, settings).items():
        (bdir / name).write_text(content)
        (bdir / name).chmod(0o600)
    proc = subprocess.Popen(
        ["/usr/sbin/mosquitto", "-c", str(bdir / "mosquitto.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(0.5)
    return proc, port


def naive_baseline(site: Site, seconds: float = 10.0) -> float:
    """Rows/s of one autocommitted INSERT per message (the writer the batch path replaces)."""
    engine = create_engine(normalize_url(site.url), isolation_level="AUTOCOMMIT")
    n, t0 = 0, time.monotonic()
    sql = text(
        "INSERT INTO iot_readings (device_id, ts_ms, boot, seq, received_ms, metrics) "
        "VALUES (:d, :t, 'naive', :s, :t, '{\"pm25\": 35}') ON CONFLICT DO NOTHING"
    )
    base = int(time.time() * 1000)
    with engine.connect() as conn:
        while time.monotonic() - t0 < seconds:
            conn.execute(sql, {"d": 999_999, "t": base + n, "s": n})
            n += 1
        conn.execute(text("DELETE FROM iot_readings WHERE boot = 'naive'"))
    engine.dispose()
    return n / (time.monotonic() - t0)


def wait_log(path: Path, needle: str, times: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text(errors="replace").count(needle) >= times:
            return
        time.sleep(0.2)
    raise RuntimeError(f"{path.name}: no {needle!r} after {timeout} s")


def stored_count(site: Site) -> int:
    with site.runtime.db.unit_of_work(write=False) as s:
        r = s.execute(
            text("SELECT (SELECT COUNT(*) FROM iot_readings) + (SELECT COUNT(*) FROM iot_events)")
        )
        return int(r.scalar_one())


def count_by_sequence(site: Site) -> dict[str, int]:
    """Published (max seq + 1 per device boot, sequences start at 0), stored and distinct."""
    union = (
        "SELECT device_id, boot, seq FROM iot_readings UNION ALL "
        "SELECT device_id, boot, seq FROM iot_events"
    )
    with site.runtime.db.unit_of_work(write=False) as s:
        expected = s.execute(
            text(
                f"SELECT COALESCE(SUM(hi + 1), 0) FROM (SELECT MAX(seq) AS hi FROM ({union}) u "
                "GROUP BY device_id, boot) m"
            )
        ).scalar_one()
        rows = s.execute(text(f"SELECT COUNT(*) FROM ({union}) u")).scalar_one()
        distinct = s.execute(
            text(f"SELECT COUNT(*) FROM (SELECT DISTINCT device_id, boot, seq FROM ({union}) u) d")
        ).scalar_one()
    return {"expected": int(expected), "rows": int(rows), "distinct": int(distinct)}


def run_one(kind: str, args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix=f"iotbench-{kind}-"))
    site = make_site(kind, tmp, args.devices, args.gateways)
    broker, port = start_broker(site)
    ingesters: list[tuple[subprocess.Popen[bytes], Path, Path]] = []
    try:
        for k in range(args.ingesters):
            log, stats = tmp / f"ingest-{k}.log", tmp / f"stats-{k}.json"
            env = {
                **site.env,
                "JINGWU_MQTT_URL": f"mqtt://{INGEST[0]}:{INGEST[1]}@127.0.0.1:{port}",
                "JINGWU_IOT_CLIENT_ID": f"bench-{k}",
                "JINGWU_IOT_STATS_FILE": str(stats),
                "JINGWU_IOT_CONNECTIONS": str(args.connections),
            }
            proc = subprocess.Popen(
                [str(JINGWU), "iot", "ingest"],
                env=env,
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
            )
            ingesters.append((proc, log, stats))
        for _, log, _ in ingesters:
            wait_log(log, "subscribed ", args.connections + 1)  # and the events connection
        sim_env = {**site.env, "JINGWU_MQTT_URL": f"mqtt://127.0.0.1:{port}"}
        cpu0 = {p.pid: cpu_s(p.pid) for p, _, _ in ingesters} | {broker.pid: cpu_s(broker.pid)}
        machine0 = machine_cpu_s()
        db0 = pg_backends(site)
        before = _children_cpu()
        sim = subprocess.run(
            [
                str(JINGWU),
                "iot",
                "simulate",
                "--devices",
                str(args.devices),
                "--rate",
                str(args.rate),
                "--duration",
                str(args.duration),
                "--station",
                "BC01",
                "--events",
                str(args.events),
            ],
            env=sim_env,
            capture_output=True,
            text=True,
            check=True,
        )
        sim_cpu = _children_cpu() - before
        found = re.search(r"Published (\d+) message.* in ([\d.]+) s", sim.stdout)
        assert found is not None, sim.stdout
        published, publishing_s = int(found.group(1)), float(found.group(2))
        sim_done = time.monotonic()
        deadline = sim_done + 600
        while stored_count(site) < published and time.monotonic() < deadline:
            time.sleep(0.2)
        drained_s = publishing_s + time.monotonic() - sim_done
        machine_s = machine_cpu_s() - machine0
        db1 = pg_backends(site)
        db_cpu = sum(v - db0.get(pid, 0.0) for pid, v in db1.items())
        cpu = {
            "ingesters": sum(cpu_s(p.pid) - cpu0[p.pid] for p, _, _ in ingesters),
            "broker": cpu_s(broker.pid) - cpu0[broker.pid],
            "simulator": sim_cpu,
            "database": db_cpu,
        }
    finally:
        for proc, _, _ in ingesters:
            proc.terminate()
        for proc, _, _ in ingesters:
            proc.wait(timeout=60)
        broker.terminate()
        broker.wait(timeout=30)
    counts = count_by_sequence(site)
    with site.runtime.db.unit_of_work() as s:
        loss = track_sequences(s, now=site.runtime.clock(), settle_ms=0)
        missing = int(
            s.execute(text("SELECT COALESCE(SUM(missing), 0) FROM iot_sequences")).scalar_one()
        )
        alerts = int(s.execute(text("SELECT COUNT(*) FROM iot_alerts")).scalar_one())
    stored, alarm = Histogram(), Histogram()
    per_worker = []
    for _, _, stats in ingesters:
        data = orjson.loads(stats.read_bytes())
        stored.merge([tuple(b) for b in data["stored_buckets"]])  # type: ignore[misc]
        alarm.merge([tuple(b) for b in data["alert_buckets"]])  # type: ignore[misc]
        per_worker.append(data["stored"] + data["events"])
    baseline = naive_baseline(site)
    drop_site(site)
    return {
        "db": kind,
        "published": published,
        "sim": sim.stdout.strip().splitlines()[-3:],
        "counts": counts,
        "missing_by_detector": missing,
        "gaps_opened": loss.opened,
        "alerts": alerts,
        "drained_s": drained_s,
        "machine_cpu_s": machine_s,
        "cpu": cpu,
        "stored_latency": stored.summary(),
        "alert_latency": alarm.summary(),
        "per_worker": per_worker,
        "baseline_rows_per_s": baseline,
    }


def _children_cpu() -> float:
    usage = os.times()
    return usage.children_user + usage.children_system


def report(results: list[dict[str, Any]], args: argparse.Namespace, command: str) -> str:
    lines = [
        "## IoT: sustained MQTT ingestion (bench/iot_ingest.py)",
        "",
        f"Command: `{command}`  ",
        f"Machine: {os.cpu_count()} cores shared with other work, {platform.python_version()}, "
        f"{args.devices} devices ("
        + (
            f"publishing through {args.gateways} gateways"
            if args.gateways
            else "one MQTT connection each"
        )
        + f"), {args.ingesters} ingester process(es) "
        f"with {args.connections} connection(s) each, target {args.rate:,.0f} messages/s for "
        f"{args.duration:g} s, {args.events:.1%} events, default rules on.",
        "",
        "| database | published | stored | lost | doubled | rate stored (/s) "
        "| publish→stored p50 / p99 | alarm→alert p99 (n) "
        "| CPU s: ingesters / broker / load / whole machine | naive baseline (rows/s) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        c = r["counts"]
        lost = c["expected"] - c["distinct"]
        doubled = c["rows"] - c["distinct"]
        sl, al = r["stored_latency"], r["alert_latency"]
        cpu = r["cpu"]
        lines.append(
            f"| {r['db']} | {r['published']:,} | {c['rows']:,} | {lost} | {doubled} | "
            f"{c['rows'] / r['drained_s']:,.0f} | {sl['p50_ms']} / {sl['p99_ms']} ms | "
            f"{al['p99_ms']} ms ({al['n']}) | {cpu['ingesters']:.0f} / {cpu['broker']:.0f} / "
            f"{cpu['simulator']:.0f} / {r['machine_cpu_s']:.0f} | {r['baseline_rows_per_s']:,.0f} |"
        )
    lines += ["", "Details:", ""]
    for r in results:
        per_msg = {k: v / max(r["published"], 1) * 1e6 for k, v in r["cpu"].items()}
        system = sum(v for k, v in per_msg.items() if k != "simulator")
        lines.append(
            f"- {r['db']}: all stored {r['drained_s']:.0f} s after the first publish; the loss "
            f"detector reports {r['missing_by_detector']} missing and opened "
            f"{r['gaps_opened']} gap(s); "
            f"{r['alerts']} alert(s); shares of the ingesters {r['per_worker']}; CPU per message "
            + ", ".join(f"{k} {v:.0f} µs" for k, v in per_msg.items())
            + f" (without the load generator {system:.0f} µs, which is "
            f"{2e6 / max(system, 1):,.0f} messages/s on two cores if nothing else ran); "
            f"simulator: {' / '.join(x.strip() for x in r['sim'])}"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--db", default="postgresql,sqlite")
    p.add_argument("--rate", type=float, default=20000)
    p.add_argument("--duration", type=float, default=300)
    p.add_argument("--devices", type=int, default=2000)
    p.add_argument("--ingesters", type=int, default=2)
    p.add_argument("--connections", type=int, default=1)
    p.add_argument("--gateways", type=int, default=4)
    p.add_argument("--events", type=float, default=0.001)
    p.add_argument(
        "--steady-rate",
        type=float,
        default=10000,
        help="a second, lighter run: 100,000 devices every 10 s (0: skip)",
    )
    p.add_argument("--steady-duration", type=float, default=120)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "iot_ingest.md")
    args = p.parse_args()
    command = "python bench/iot_ingest.py " + " ".join(sys.argv[1:])
    runs = [args]
    if args.steady_rate:
        runs.append(
            argparse.Namespace(
                **{**vars(args), "rate": args.steady_rate, "duration": args.steady_duration}
            )
        )
    sections = []
    for run_args in runs:
        results = []
        for kind in args.db.split(","):
            print(f"-- {kind} at {run_args.rate:g}/s", flush=True)
            results.append(run_one(kind.strip(), run_args))
            print(orjson.dumps(results[-1], option=orjson.OPT_INDENT_2).decode(), flush=True)
        sections.append(report(results, run_args, command.strip()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    steady = sections[1:] and [
        "\n### The same at the steady rate\n\n",
        *(sec.split("\n", 2)[2] for sec in sections[1:]),
    ]
    args.out.write_text(sections[0] + "".join(steady) + NOTE)
    print(args.out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
