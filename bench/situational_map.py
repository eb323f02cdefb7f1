"""Benchmark: the situational map's first screen at 100,000 devices and 1,000,000 incidents
(target ≤ 300 ms).

A fresh database gets a district of 12 stations (boundaries on a 4 × 3 grid), 100,000
devices, 1,000,000 incidents over 90 days (the heat map refreshed and tomorrow's forecast
made), 2,000 open work orders and 24 patrol routes. Through the real app (uvicorn on a local
port, httpx, a director's API token, gzip accepted) the first screen is timed: the page
HTML, then every layer that is on, for the viewport a 1280 × 580 map fitted to the district
shows (zoom 12), one request after another (a browser sends them in parallel, so this is
an upper bound). Two presets: ``/analytics`` (stations, incidents, hotspots, orders) and
``/iot/map`` → ``/analytics?layers=stations,devices,alerts``. Baseline in the same run: the
device layer the old device map loaded (every device of the scope, ``/api/v1/iot/map``, its
cache emptied before each call).

``--compare REV`` times the first screen as a browser loads it, on the same database, for
this revision's ``src`` and for REV's (from ``git archive``), each in its own server process
(uvicorn, one worker), alternating the two runs: the page HTML, then what the page asks for
at once, in parallel as a browser does (the layers that are on and, from this revision on,
the area's figures ``/analytics/summary``). "Usable" is the page plus its layers (the map
drawn); "all" adds the figures' fragment.

    .venv/bin/python bench/situational_map.py [--devices 100000] [--incidents 1000000]
        [--db sqlite|postgresql] [--compare REV] [--reuse DIR]
        [--out bench/results/situational_map.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import numpy as np
import psycopg
from alembic import command
from sqlalchemy import insert

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.analytics.models import Incident
from jingwu.analytics.service_forecast import make_forecast
from jingwu.analytics.service_heat import refresh
from jingwu.analytics.service_incidents import category_ids
from jingwu.config import Settings
from jingwu.iot import mapdata
from jingwu.iot import viewport as iot_viewport
from jingwu.iot.classes import DeviceClass
from jingwu.iot.models import Device
from jingwu.migrations import alembic_config
from jingwu.patrols.models import PatrolRoute
from jingwu.runtime import Runtime, start
from jingwu.workorders.models import WorkOrder

sys.path.insert(0, str(Path(__file__).parent))
from body_limits import _revision_src as revision_src
from iot_map import PG_ADMIN, _unit, serve

ROOT = Path(__file__).resolve().parents[1]
TZ = ZoneInfo("Asia/Shanghai")
WEST, SOUTH, DX, DY = 120.05, 30.2, 0.05, 0.05  # 4 × 3 stations of 0.05° (about 5 km)
MAP_PX = (1280, 580)
PRESETS = {
    "/analytics": ("stations", "incidents", "hotspots", "orders"),
    "/iot/map": ("stations", "devices", "alerts"),
}


def _square(w: float, s: float) -> dict[str, Any]:
    ring = [[w, s], [w + DX, s], [w + DX, s + DY], [w, s + DY], [w, s]]
    return {"type": "Polygon", "coordinates": [ring]}


def seed(runtime: Runtime, devices: int, incidents: int) -> str:
    """The district, its devices, incidents, orders and routes; a director's API token."""
    now = runtime.clock()
    rng = np.random.default_rng(7)
    with runtime.db.unit_of_work() as s:
        district = _unit(s, now, 0, "district", "MD00", None)
        _unit(s, now, 1, "street", "MS00", "MD00")
        stations = [
            _unit(s, now, 2 + k, "community", f"MC{k + 1:02d}", "MS00",
                  boundary=_square(WEST + DX * (k % 4), SOUTH + DY * (k // 4)),
                  lon=WEST + DX * (k % 4 + 0.5), lat=SOUTH + DY * (k // 4 + 0.5))
            for k in range(12)
        ]  # fmt: skip
        user = accounts.create_user(
            s, SYSTEM, username="bench-director", display_name="基准", role="director",
            unit_id=district.id, password="bench-password-1234", now=now,
        )  # fmt: skip
        s.flush()
        token = accounts.create_token(s, SYSTEM, username=user.username, name="bench", now=now)
        ids = np.array([u.id for u in stations])
        cats = category_ids(s, ["theft", "burglary", "fraud", "dispute"])
    _devices(runtime, ids, devices, rng, now)
    _incidents(runtime, ids, incidents, rng, now, list(cats.values()))
    _orders_and_routes(runtime, ids, rng, now)
    with runtime.db.unit_of_work() as s:
        t0 = time.perf_counter()
        refresh(s, now=now, tz=TZ)
        make_forecast(s, now=now, tz=TZ)
        print(f"heat map and forecast: {time.perf_counter() - t0:.1f} s", flush=True)
    return token


def _where(k: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    lon = WEST + DX * (k % 4) + rng.random(len(k)) * DX
    lat = SOUTH + DY * (k // 4) + rng.random(len(k)) * DY
    return lon, lat


def _devices(runtime: Runtime, ids: np.ndarray, n: int, rng: np.random.Generator, now: Any) -> None:
    k = rng.integers(0, 12, n)
    lon, lat = _where(k, rng)
    classes = [c.value for c in DeviceClass]
    statuses = ("online",) * 17 + ("offline", "offline", "fault")
    with runtime.db.unit_of_work() as s:
        for lo in range(0, n, 5000):
            s.execute(insert(Device), [
                {"unit_id": int(ids[k[i]]), "code": f"M-{i:06d}", "device_class": classes[i % 8],
                 "name": "", "model": "", "lon": float(lon[i]), "lat": float(lat[i]),
                 "indoor_zone": "", "credential_hash": None, "retired": False,
                 "registered_at": now, "status": statuses[i % 20]}
                for i in range(lo, min(lo + 5000, n))
            ])  # fmt: skip


def _incidents(
    runtime: Runtime, ids: np.ndarray, n: int, rng: np.random.Generator, now: Any, cats: list[int]
) -> None:
    # clustered around a few centres per station, so the forecast has hotspots
    k = rng.integers(0, 12, n)
    lon, lat = _where(k, rng)
    hot = rng.random(n) < 0.4
    lon[hot] = WEST + DX * (k[hot] % 4 + 0.3) + rng.normal(0, 0.004, hot.sum())
    lat[hot] = SOUTH + DY * (k[hot] // 4 + 0.6) + rng.normal(0, 0.004, hot.sum())
    ago = rng.random(n) * 90 * 86400
    t0 = time.perf_counter()
    with runtime.db.unit_of_work() as s:
        for lo in range(0, n, 20000):
            s.execute(insert(Incident), [
                {"source": "bench", "ref": str(i), "category_id": cats[i % len(cats)],
                 "occurred_at": now - dt.timedelta(seconds=float(ago[i])), "reported_at": None,
                 "lon": float(lon[i]), "lat": float(lat[i]), "unit_id": int(ids[k[i]]),
                 "added_at": now}
                for i in range(lo, min(lo + 20000, n))
            ])  # fmt: skip
    print(f"{n:,} incidents stored in {time.perf_counter() - t0:.0f} s", flush=True)


def _orders_and_routes(
    runtime: Runtime, ids: np.ndarray, rng: np.random.Generator, now: Any
) -> None:
    k = rng.integers(0, 12, 2000)
    lon, lat = _where(k, rng)
    tiers = ("red", "orange", "yellow", None)
    base = {
        "channel": "walk_in", "category": "noise", "module": "service", "state": "received",
        "suggested_tier": "yellow", "suggestion": {}, "sla": {}, "received_at": now,
        "updated_at": now,
    }  # fmt: skip
    rows = [{**base, "unit_id": int(ids[k[i]]), "code": f"MC-20261207-{i:04d}",
             "lon": float(lon[i]), "lat": float(lat[i]), "tier": tiers[i % 4]}
            for i in range(2000)]  # fmt: skip
    with runtime.db.unit_of_work() as s:
        s.execute(insert(WorkOrder), rows)
        for i in range(24):
            w, so = WEST + DX * (i % 4), SOUTH + DY * ((i // 4) % 3)
            coords = [
                [w + 0.002 + j * 0.0004, so + 0.025 + 0.01 * math.sin(j / 8)] for j in range(110)
            ]
            route = PatrolRoute(
                unit_id=int(ids[i % 12]), kind="track", name=f"R{i}", filename="b.gpx",
                coords=coords, points=len(coords), length_m=4500.0, min_lon=coords[0][0],
                max_lon=coords[-1][0], min_lat=so + 0.015, max_lat=so + 0.035,
                imported_at=now, imported_by_id=None,
            )  # fmt: skip
            s.add(route)


def viewport() -> tuple[str, int]:
    """The box and integer zoom a 1280 × 580 map fitted to the district shows."""
    east, north = WEST + 4 * DX, SOUTH + 3 * DY
    cos = math.cos(math.radians((SOUTH + north) / 2))
    zoom = math.floor(min(math.log2(360 * MAP_PX[0] / 256 / (east - WEST)),
                          math.log2(360 * cos * MAP_PX[1] / 256 / (north - SOUTH))))  # fmt: skip
    cx, cy = (WEST + east) / 2, (SOUTH + north) / 2
    half_x = MAP_PX[0] / 2 * 360 / 256 / 2**zoom
    half_y = MAP_PX[1] / 2 * 360 / 256 / 2**zoom * math.cos(math.radians(cy))
    return f"{cx - half_x:.6f},{cy - half_y:.6f},{cx + half_x:.6f},{cy + half_y:.6f}", zoom


def first_screen(client: httpx.Client, page: str, layers: tuple[str, ...]) -> dict[str, float]:
    bbox, zoom = viewport()
    out: dict[str, float] = {}
    t0 = time.perf_counter()
    r = client.get(page, follow_redirects=True)
    r.raise_for_status()
    out["page"] = (time.perf_counter() - t0) * 1000
    for name in layers:
        t = time.perf_counter()
        r = client.get(f"/api/v1/analytics/map/{name}?bbox={bbox}&zoom={zoom}")
        r.raise_for_status()
        out[name] = (time.perf_counter() - t) * 1000
        out[f"{name}_bytes"] = len(r.content)
    out["total"] = (time.perf_counter() - t0) * 1000
    return out


SERVER = """
import sys
from pathlib import Path
import uvicorn
from jingwu.config import Settings
from jingwu.runtime import start
from jingwu.web.app import create_app
url, tmp, port = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
runtime = start(Settings(database_url=url, var_dir=tmp / "var", blob_dir=tmp / "blobs"))
uvicorn.run(create_app(runtime), host="127.0.0.1", port=port, log_level="warning",
            access_log=False)
"""


def start_server(src: Path, url: str, tmp: Path) -> tuple[subprocess.Popen[bytes], str]:
    """A server process running the code of ``src`` on the bench's database."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.Popen([sys.executable, "-c", SERVER, url, str(tmp), str(port)], env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the server of {src} did not start")


def browser_screen(
    client: httpx.Client, pool: ThreadPoolExecutor, page: str, layers: tuple[str, ...]
) -> dict[str, float]:
    """The page, then what it asks for at once, in parallel: its layers and (when the page
    leaves its figures out) the figures' fragment. Milliseconds from the start."""
    bbox, zoom = viewport()
    t0 = time.perf_counter()
    r = client.get(page, follow_redirects=True)
    r.raise_for_status()
    html = r.text
    out = {"page": (time.perf_counter() - t0) * 1000}

    def fetch(url: str) -> float:
        client.get(url).raise_for_status()
        return (time.perf_counter() - t0) * 1000

    urls = {n: f"/api/v1/analytics/map/{n}?bbox={bbox}&zoom={zoom}" for n in layers}
    if 'id="an-incidents"' not in html and 'data-src="/analytics/summary"' in html:
        urls["summary"] = "/analytics/summary?window=30"
    done = dict(zip(urls, pool.map(fetch, urls.values()), strict=True))
    out["usable"] = max(done[n] for n in layers)
    out["all"] = max(done.values())
    out["summary"] = done.get("summary", 0.0)
    out["requests"] = 1 + len(urls)
    return out


def compare(url: str, tmp: Path, token: str, rev: str, repeat: int) -> dict[str, Any]:
    """The first screen as a browser loads it, for this revision and for REV, alternating."""
    old_dir = Path(tempfile.mkdtemp(prefix="sitmap-rev-"))
    sources = {"this revision": ROOT / "src", rev: revision_src(rev, old_dir)}
    servers = {name: start_server(src, url, tmp) for name, src in sources.items()}
    runs: dict[str, dict[str, list[dict[str, float]]]] = {
        n: {p: [] for p in PRESETS} for n in servers
    }
    try:
        clients = {
            name: httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                               timeout=60)
            for name, (_, base) in servers.items()
        }  # fmt: skip
        with ThreadPoolExecutor(6) as pool:  # a browser's six connections to one host
            for i in range(repeat + 2):  # two rounds to warm up
                for name, client in clients.items():
                    for page, layers in PRESETS.items():
                        x = browser_screen(client, pool, page, layers)
                        if i >= 2:
                            runs[name][page].append(x)
        for client in clients.values():
            client.close()
    finally:
        for proc, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=30)
    return {
        name: {
            page: {k: statistics.median(r[k] for r in rs) for k in rs[0]}
            | {"p95": sorted(r["usable"] for r in rs)[int(0.95 * (len(rs) - 1))]}
            for page, rs in pages.items()
        }
        for name, pages in runs.items()
    }


def run(
    kind: str,
    devices: int,
    incidents: int,
    repeat: int,
    reuse: Path | None = None,
    rev: str | None = None,
) -> dict[str, Any]:
    tmp = reuse or Path(tempfile.mkdtemp(prefix=f"sitmap-{kind}-"))
    pg_db = None
    if reuse is not None or kind == "sqlite":  # a database this script seeded before: time it again
        url = f"sqlite:///{tmp / 'map.db'}"
    else:
        pg_db = f"jingwu_bench_sitmap_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{pg_db}"')
        url = PG_ADMIN.rsplit("/", 1)[0] + f"/{pg_db}"
    try:
        command.upgrade(alembic_config(url), "heads")
        runtime = start(Settings(database_url=url, var_dir=tmp / "var", blob_dir=tmp / "blobs"))
        if reuse is None:
            token = seed(runtime, devices, incidents)
        else:
            with runtime.db.unit_of_work() as s:
                token = accounts.create_token(
                    s, SYSTEM, username="bench-director", name="again", now=runtime.clock()
                )
        server, base = serve(runtime)
        result: dict[str, Any] = {"db": kind}
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                          timeout=60) as client:  # fmt: skip
            for page, layers in PRESETS.items():
                first_screen(client, page, layers)  # warm up imports
                runs = [first_screen(client, page, layers) for _ in range(repeat)]
                result[page] = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
                result[page]["p95"] = sorted(r["total"] for r in runs)[int(0.95 * (repeat - 1))]
            cold = []
            for _ in range(repeat):  # the device layer with its position cache emptied
                iot_viewport._cache.clear()
                mapdata._cache.clear()
                cold.append(first_screen(client, "/iot/map", PRESETS["/iot/map"])["total"])
            result["cold"] = statistics.median(cold)
            old = []
            for _ in range(repeat):
                mapdata._cache.clear()
                t = time.perf_counter()
                client.get(
                    "/api/v1/iot/map", headers={"Accept-Encoding": "gzip"}
                ).raise_for_status()
                old.append((time.perf_counter() - t) * 1000)
            result["baseline"] = statistics.median(old)
        server.should_exit = True
        runtime.db.engine.dispose()
        if rev:
            result["compare"] = compare(url, tmp, token, rev, repeat)
        return result
    finally:
        if pg_db:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{pg_db}" WITH (FORCE)')


def cold_cell(r: dict[str, Any], page: str) -> str:
    return f"{r['cold']:.0f} ms" if page == "/iot/map" else "—"


def compare_lines(results: list[dict[str, Any]], rev: str, repeat: int) -> list[str]:
    lines = [
        "",
        f"### As a browser loads it: this revision against `{rev}`, same database, same run",
        "",
        "Each revision in its own server process (uvicorn, one worker), runs alternating; the "
        "page, then its requests in parallel over six connections. Usable = the page and its "
        "layers (the map drawn); all = with the area's figures (this revision fetches them "
        f"after the page). Medians of {repeat}; p95 of usable.",
        "",
        "| database | first screen | revision | usable p50 / p95 | page | all | requests |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for page in PRESETS:
            for name, pages in r["compare"].items():
                x = pages[page]
                lines.append(
                    f"| {r['db']} | `{page}` | {name} | **{x['usable']:.0f}** / {x['p95']:.0f} ms"
                    f" | {x['page']:.0f} ms | {x['all']:.0f} ms | {x['requests']:.0f} |"
                )
    return lines


def main() -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    p.add_argument("--devices", type=int, default=100_000)
    p.add_argument("--incidents", type=int, default=1_000_000)
    p.add_argument("--db", default="sqlite")
    p.add_argument("--repeat", type=int, default=15)
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "situational_map.md")
    p.add_argument("--reuse", type=Path, help="a directory this script seeded (sitmap-sqlite-…)")
    p.add_argument("--compare", default=None, help="an earlier git revision to time too")
    args = p.parse_args()
    random.seed(7)
    results = [
        run(k.strip(), args.devices, args.incidents, args.repeat, args.reuse, args.compare)
        for k in args.db.split(",")
    ]
    bbox, zoom = viewport()
    lines = [
        "## Situational map: first screen at 100,000 devices, 1,000,000 incidents "
        "(bench/situational_map.py)",
        "",
        f"Command: `{' '.join(['python bench/situational_map.py', *sys.argv[1:]])}`  ",
        f"Machine: {os.cpu_count()} shared cores (load {os.getloadavg()[0]:.1f} at the end), "
        f"Python {platform.python_version()}. {args.devices:,} devices and {args.incidents:,} "
        "incidents over 90 days in 12 stations, 2,000 open orders, 24 patrol routes; through "
        "uvicorn and httpx with a director's token. First screen = the page HTML and then "
        f"each layer that is on for the default viewport (bbox {bbox}, zoom {zoom}), one "
        f"request after another (medians of {args.repeat}). Target: ≤ 300 ms.",
        "",
        "| database | first screen | total p50 / p95 | page | layers (ms) | device positions "
        "not cached | baseline: every device, old device map (cold) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for page, layers in PRESETS.items():
            x = r[page]
            parts = ", ".join(f"{n} {x[n]:.0f} ({x[n + '_bytes'] / 1000:.0f} kB)" for n in layers)
            lines.append(
                f"| {r['db']} | `{page}` | **{x['total']:.0f}** / {x['p95']:.0f} ms | "
                f"{x['page']:.0f} ms | {parts} | "
                f"{cold_cell(r, page)} | {r['baseline']:.0f} ms |"
            )
    if args.compare:
        lines += compare_lines(results, args.compare, args.repeat)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print(args.out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
