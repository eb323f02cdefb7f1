"""Benchmark: the work-order API under open-loop load from a second process.

``jingwu serve`` (one uvicorn worker, audit on) runs on a freshly seeded demo database
(SQLite file, or PostgreSQL). A load generator in another process (asyncio + httpx, bearer
tokens, keep-alive connections) sends requests at a fixed rate, whatever the server's
speed — latency is measured from each request's *scheduled* time, so a slow server cannot
hide its queueing (no coordinated omission). Mixed traffic as a station works:

- 20 % create (``POST /api/v1/work-orders``, an officer of BS01),
- 35 % read one order (``GET /api/v1/work-orders/{code}``, with timeline and tasks),
- 25 % list (``GET /api/v1/work-orders?state=…&per_page=20``),
- 20 % action (``POST …/actions/record_contact`` by the chief, on an open order).

Same-run baseline: ``GET /healthz`` (one ``SELECT 1`` through the same stack) at the same
rates. Reported per rate: achieved throughput, p50/p99/max latency, errors; and the first
rate at which p99 passes 100 ms.

    .venv/bin/python bench/wo_api_load.py [--db sqlite|postgresql|both]
        [--rates 50,100,200,300,400,600] [--seconds 12] [--out bench/results/wo_api_load.md]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import multiprocessing as mp
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("JINGWU_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ROOT = Path(__file__).resolve().parents[1]
JINGWU = str(ROOT / ".venv" / "bin" / "jingwu")
CATEGORIES = ("noise", "neighbour", "theft", "lost_documents", "parking", "id_card")


@contextlib.contextmanager
def fresh(kind: str, tmp: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{tmp / 'api.db'}"
        return
    name = f"jingwu_bench_api_{uuid.uuid4().hex[:8]}"
    admin = make_url(PG_URL).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(url: str, var: Path) -> dict[str, str]:
    return {
        **os.environ,
        "JINGWU_DATABASE_URL": url,
        "JINGWU_VAR_DIR": str(var),
        "JINGWU_DEMO": "1",
        "JINGWU_LOG_FORMAT": "text",
    }


def _prepare(url: str, var: Path) -> dict[str, Any]:
    """Seed the demo, then issue tokens and collect open order codes (in this process)."""
    subprocess.run(
        [JINGWU, "demo", "--seed-only"], env=_env(url, var), check=True, stdout=subprocess.DEVNULL
    )
    from jingwu.accounts import service as accounts  # noqa: PLC0415
    from jingwu.accounts.scope import SYSTEM  # noqa: PLC0415
    from jingwu.config import Settings  # noqa: PLC0415
    from jingwu.runtime import start  # noqa: PLC0415
    from jingwu.workorders.models import WorkOrder  # noqa: PLC0415

    runtime = start(Settings(database_url=url, var_dir=var, demo=True))
    now = runtime.clock()
    with runtime.db.unit_of_work() as s:
        tokens = {
            u: accounts.create_token(s, SYSTEM, username=f"demo-{u}", name="bench", now=now)
            for u in ("officer", "chief")
        }
        codes = list(s.scalars(select(WorkOrder.code).where(WorkOrder.code.like("BS01-%"))))
        opened = list(
            s.scalars(
                select(WorkOrder.code).where(
                    WorkOrder.code.like("BS01-%"),
                    WorkOrder.state.in_(
                        ("received", "triaged", "assigned", "accepted", "in_progress", "on_hold")
                    ),
                )
            )
        )
    runtime.db.engine.dispose()
    return {"tokens": tokens, "codes": codes, "open": opened}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(url: str, var: Path) -> Iterator[str]:
    port = _free_port()
    log = (var / "serve.log").open("wb")  # kept: the first error is printed on failure
    proc = subprocess.Popen(
        [JINGWU, "serve", "--port", str(port)],
        env=_env(url, var),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)
        log.close()


class _NoCookies(DefaultCookiePolicy):
    def set_ok(self, cookie: Any, request: Any) -> bool:
        return False


def _request(rng: random.Random, st: dict[str, Any], mix: str) -> tuple[str, str, Any, str]:
    if mix == "health":
        return "GET", "/healthz", None, "officer"
    roll = rng.random()
    if roll < 0.20:
        body = {
            "station": "BS01",
            "channel": "phone",
            "category": rng.choice(CATEGORIES),
            "description": "压测：居民来电反映情况",
            "address": "保俶路 1 号",
            "reporter_phone": f"139{rng.randrange(10**8):08d}",
        }
        return "POST", "/api/v1/work-orders", body, "officer"
    if roll < 0.55:
        return "GET", f"/api/v1/work-orders/{rng.choice(st['codes'])}", None, "officer"
    if roll < 0.80:
        state = rng.choice(("received", "closed", "in_progress"))
        return "GET", f"/api/v1/work-orders?state={state}&per_page=20", None, "officer"
    code = rng.choice(st["open"])
    return (
        "POST",
        f"/api/v1/work-orders/{code}/actions/record_contact",
        {"note": "压测回访"},
        "chief",
    )


async def _load(
    base: str, rate: float, seconds: float, st: dict[str, Any], mix: str
) -> dict[str, Any]:
    rng = random.Random(rate)
    lat: list[float] = []
    errors = 0
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    # A script, not a browser: no cookies (bearer tokens need no CSRF token).
    jar = CookieJar(policy=_NoCookies())
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30, cookies=jar) as client:
        start = time.perf_counter() + 0.2
        n = int(rate * seconds)

        async def one(k: int) -> None:
            nonlocal errors
            scheduled = start + k / rate
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
            method, path, body, who = _request(rng, st, mix)
            headers = {"Authorization": f"Bearer {st['tokens'][who]}"}
            try:
                r = await client.request(method, path, json=body, headers=headers)
                if r.status_code >= 400:
                    errors += 1
                    if errors <= 3:
                        print("error", r.status_code, method, path, r.text[:200], flush=True)
                elif method == "POST" and path == "/api/v1/work-orders":
                    st["open"].append(r.json()["code"])
            except httpx.HTTPError:
                errors += 1
            lat.append(time.perf_counter() - scheduled)

        await asyncio.gather(*(one(k) for k in range(n)))
        elapsed = time.perf_counter() - start
    arr = np.array(lat) * 1000
    return {
        "rate": rate,
        "sent": n,
        "achieved": n / elapsed,
        "errors": errors,
        "p50": float(np.percentile(arr, 50)),
        "p99": float(np.percentile(arr, 99)),
        "max": float(arr.max()),
    }


def _generator(
    base: str, rate: float, seconds: float, st: dict[str, Any], mix: str, out: Any
) -> None:
    out.put(asyncio.run(_load(base, rate, seconds, st, mix)))


def measure(base: str, rate: float, seconds: float, st: dict[str, Any], mix: str) -> dict[str, Any]:
    """One step at ``rate`` requests/s, generated in a second process."""
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_generator, args=(base, rate, seconds, st, mix, out))
    proc.start()
    result: dict[str, Any] = out.get(timeout=seconds * 20 + 120)
    proc.join()
    return result


def run(kind: str, rates: list[float], seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, fresh(kind, Path(tmp)) as url:
        var = Path(tmp) / "var"
        st = _prepare(url, var)
        out: dict[str, Any] = {"db": kind, "mixed": [], "health": []}
        with server(url, var) as base:
            for mix in ("health", "mixed"):
                for rate in rates:
                    step = measure(base, rate, seconds, st, mix)
                    print(kind, mix, step, flush=True)
                    out[mix].append(step)
                    if step["p99"] > 1000:
                        break  # far past saturation: higher rates only queue longer
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--rates", default="50,100,200,300,400,600")
    ap.add_argument("--seconds", type=float, default=12)
    ap.add_argument("--out", default="bench/results/wo_api_load.md")
    args = ap.parse_args(argv)
    rates = [float(r) for r in args.rates.split(",")]
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    results = [run(k, rates, args.seconds) for k in kinds]
    Path(args.out).write_text(_markdown(argv, results))
    return 0


def _knee(steps: list[dict[str, Any]]) -> str:
    over = next((s for s in steps if s["p99"] > 100), None)
    return (
        f"{over['rate']:.0f} req/s" if over else f"not reached up to {steps[-1]['rate']:.0f} req/s"
    )


def _markdown(argv: list[str], results: list[dict[str, Any]]) -> str:
    cmd = " ".join([".venv/bin/python bench/wo_api_load.py", *argv])
    lines = [
        "# Work orders: the API under load (`jingwu serve`, one worker)",
        "",
        f"Command: `{cmd}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared by server, load "
        f"generator and database), Python {platform.python_version()}  ",
        f"Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; load average at the end "
        f"{os.getloadavg()[0]:.1f} (the machine is shared with other work)",
        "",
        "Open-loop load from a second process; latency from each request's scheduled time. "
        "Mixed = 20 % create, 35 % read one order, 25 % list, 20 % record_contact action, "
        "with audit on. Baseline = `GET /healthz` through the same stack. Target: p99 < 50 ms "
        "at ≥ 500 req/s of mixed traffic.",
        "",
    ]
    for r in results:
        lines += [
            f"## {r['db']}",
            "",
            f"p99 passes 100 ms at: mixed {_knee(r['mixed'])}; baseline {_knee(r['health'])}",
            "",
            "| traffic | offered req/s | achieved req/s | p50 ms | p99 ms | max ms | errors |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for mix in ("health", "mixed"):
            for s in r[mix]:
                lines.append(
                    f"| {'baseline /healthz' if mix == 'health' else 'mixed'} | {s['rate']:.0f} | "
                    f"{s['achieved']:.0f} | {s['p50']:.1f} | {s['p99']:.1f} | {s['max']:.0f} | "
                    f"{s['errors']} |"
                )
        lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
