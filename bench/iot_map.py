"""Benchmark: the live device map's data endpoint for 100,000 devices (target ≤ 300 ms).

A fresh database (SQLite and PostgreSQL) gets a district of 12 stations holding 100,000
devices; ``GET /api/v1/iot/map`` is called through the real app (uvicorn on a local port,
httpx, a director's API token, gzip accepted) cold (cache emptied before each call: query,
encode, gzip) and warm (cached). Baseline in the same run: the obvious endpoint, the same
devices through ``GET /api/v1/iot/devices``-style Pydantic objects (one JSON object per
device), built from the same query.

    .venv/bin/python bench/iot_map.py [--devices 100000] [--db sqlite,postgresql]
        [--out bench/results/iot_map.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg
import uvicorn
from alembic import command
from sqlalchemy import insert, select

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.config import Settings
from jingwu.iot import mapdata
from jingwu.iot.classes import DeviceClass
from jingwu.iot.models import Device
from jingwu.iot.schemas import DeviceOut
from jingwu.migrations import alembic_config
from jingwu.org import codes, service
from jingwu.org.models import Unit
from jingwu.org.schemas import UnitIn
from jingwu.runtime import Runtime, start
from jingwu.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("JINGWU_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
DIVISION = {"district": "330106", "street": "330106001", "community": "330106001001"}


def _unit(s: Any, now: Any, n: int, kind: str, code: str, parent: str | None, **extra: Any) -> Unit:
    return service.create_unit(
        s,
        SYSTEM,
        now=now,
        data=UnitIn(
            kind=kind,
            parent_code=parent,
            name=f"基准{code}",
            short_code=code,
            division_code=DIVISION[kind],
            org_code=codes.make_org_code(f"11330106000001{n:03d}"),
            **extra,
        ),
    )


def seed(runtime: Runtime, devices: int) -> str:
    """12 stations, ``devices`` devices; returns a director's API token."""
    now = runtime.clock()
    rng = random.Random(7)
    with runtime.db.unit_of_work() as s:
        _unit(s, now, 0, "district", "MD00", None)
        _unit(s, now, 1, "street", "MS00", "MD00")
        stations = [_unit(s, now, 2 + k, "community", f"MC{k + 1:02d}", "MS00") for k in range(12)]
        user = accounts.create_user(
            s,
            SYSTEM,
            username="bench-director",
            display_name="基准",
            role="director",
            unit_id=stations[0].parent_id or stations[0].id,
            password="bench-password-1234",
            now=now,
        )
        s.flush()
        district = s.scalar(select(Unit).where(Unit.short_code == "MD00"))
        assert district is not None
        user.unit_id = district.id
        token = accounts.create_token(s, SYSTEM, username=user.username, name="bench", now=now)
        ids = [u.id for u in stations]
    classes = [c.value for c in DeviceClass]
    rows = [
        {
            "unit_id": ids[k % 12],
            "code": f"M-{k:06d}",
            "device_class": classes[k % 8],
            "name": "",
            "model": "",
            "lon": 120.05 + rng.random() * 0.2,
            "lat": 30.2 + rng.random() * 0.15,
            "indoor_zone": "",
            "credential_hash": None,
            "retired": False,
            "registered_at": now,
            "status": rng.choice(("online",) * 17 + ("offline", "offline", "fault")),
        }
        for k in range(devices)
    ]
    with runtime.db.unit_of_work() as s:
        for k in range(0, len(rows), 5000):
            s.execute(insert(Device), rows[k : k + 5000])
    return token


def serve(runtime: Runtime) -> tuple[uvicorn.Server, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(runtime), host="127.0.0.1", port=port, log_level="warning", access_log=False
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def timed(client: httpx.Client, url: str, *, cold: bool, n: int) -> tuple[list[float], int, int]:
    times, size, devices = [], 0, 0
    for _ in range(n):
        if cold:
            mapdata._cache.clear()
        t0 = time.perf_counter()
        r = client.get(url, headers={"Accept-Encoding": "gzip"})
        r.raise_for_status()
        body = r.content  # inflated by httpx
        times.append((time.perf_counter() - t0) * 1000)
        size = int(r.headers.get("content-length", len(body)))
        devices = len(orjson.loads(body)["devices"]) if "map" in url else devices
    return times, size, devices


def baseline_ms(runtime: Runtime, n: int = 3) -> float:
    """The same devices as one Pydantic object each, encoded to JSON (the obvious way)."""
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        with runtime.db.unit_of_work(write=False) as s:
            body = orjson.dumps(
                [
                    DeviceOut.model_validate(d).model_dump(mode="json")
                    for d in s.scalars(select(Device))
                ]
            )
        out.append((time.perf_counter() - t0) * 1000)
        assert body
    return statistics.median(out)


def run(kind: str, devices: int) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix=f"iotmap-{kind}-"))
    pg_db = None
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'map.db'}"
    else:
        pg_db = f"jingwu_bench_map_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_db}"')
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{pg_db}"
    try:
        command.upgrade(alembic_config(url), "heads")
        runtime = start(Settings(database_url=url, var_dir=tmp / "var", blob_dir=tmp / "blobs"))
        token = seed(runtime, devices)
        server, base = serve(runtime)
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30
        ) as client:
            timed(client, "/api/v1/iot/map", cold=True, n=2)  # warm up imports and caches
            cold, gz_size, count = timed(client, "/api/v1/iot/map", cold=True, n=15)
            warm, _, _ = timed(client, "/api/v1/iot/map", cold=False, n=30)
        server.should_exit = True
        base_ms = baseline_ms(runtime)
        runtime.db.engine.dispose()
    finally:
        if pg_db:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')

    def q(xs: list[float], n: int) -> list[float]:
        return statistics.quantiles(xs, n=n, method="inclusive")

    return {
        "db": kind,
        "devices": count,
        "gzip_bytes": gz_size,
        "cold_p50": statistics.median(cold),
        "cold_p95": q(cold, n=20)[18],
        "cold_max": max(cold),
        "warm_p50": statistics.median(warm),
        "warm_p95": q(warm, n=20)[18],
        "baseline_ms": base_ms,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--devices", type=int, default=100_000)
    p.add_argument("--db", default="sqlite,postgresql")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "iot_map.md")
    args = p.parse_args()
    results = [run(k.strip(), args.devices) for k in args.db.split(",")]
    lines = [
        "## IoT: live map data for 100,000 devices (bench/iot_map.py)",
        "",
        f"Command: `{' '.join(['python bench/iot_map.py', *sys.argv[1:]])}`  ",
        f"Machine: {os.cpu_count()} shared cores, Python {platform.python_version()}. "
        "`GET /api/v1/iot/map` through uvicorn and httpx with a director's token, gzip "
        "accepted; cold = cache emptied before each call (15 calls), warm = cached (30 calls). "
        "Target: ≤ 300 ms.",
        "",
        "| database | devices | gzip size | cold p50 / p95 / max | warm p50 / p95 "
        "| baseline: one JSON object per device (no HTTP) |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['db']} | {r['devices']:,} | {r['gzip_bytes'] / 1e6:.2f} MB | "
            f"{r['cold_p50']:.0f} / {r['cold_p95']:.0f} / {r['cold_max']:.0f} ms | "
            f"{r['warm_p50']:.0f} / {r['warm_p95']:.0f} ms | {r['baseline_ms']:.0f} ms |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print(args.out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
