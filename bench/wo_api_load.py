"""Benchmark: the work-order API under open-loop load from a second process.

``jingwu serve`` (audit on) runs on a freshly seeded demo database (SQLite file, or
PostgreSQL). A load generator in another process (asyncio on uvloop, a minimal HTTP/1.1
client on keep-alive connections, bearer tokens) sends requests at a fixed rate, whatever
the server's speed; latency is measured from each request's *scheduled* time, so a slow
server cannot hide its queueing (no coordinated omission). The client is a few dozen
lines of asyncio rather than httpx so that it takes little of the two cores it shares
with the server. Mixed traffic as a station works:

- 20 % create (``POST /api/v1/work-orders``, an officer of BS01),
- 35 % read one order (``GET /api/v1/work-orders/{code}``, with timeline and tasks),
- 25 % list (``GET /api/v1/work-orders?state=…&per_page=20``),
- 20 % action (``POST …/actions/record_contact`` by the chief, on an open order).

Same-run baseline: ``GET /healthz`` (one ``SELECT 1`` through the same stack) at the same
rates. Reported per rate: achieved throughput, p50/p99/max latency, errors, the CPU time
the server's processes spent per request, and the load average (the machine is shared);
and the first rate at which p99 passes 100 ms. ``--compare REV`` also runs the server of
an earlier revision (its ``src`` from ``git archive``) against the same kind of database,
alternating with the current one, for a before/after in one run.

    .venv/bin/python bench/wo_api_load.py [--db sqlite|postgresql|both] [--workers 1]
        [--rates 50,100,200,300,400,500,600] [--seconds 10] [--compare REV]
        [--out bench/results/wo_api_load.md]
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
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import orjson
import psycopg
from sqlalchemy import select
from sqlalchemy.engine import make_url

PG_URL = os.environ.get("JINGWU_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ROOT = Path(__file__).resolve().parents[1]
JINGWU = str(ROOT / ".venv" / "bin" / "jingwu")
CATEGORIES = ("noise", "neighbour", "theft", "lost_documents", "parking", "id_card")
OPEN_STATES = ("received", "triaged", "assigned", "accepted", "in_progress", "on_hold")


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


def _env(url: str, var: Path, src: Path | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "JINGWU_DATABASE_URL": url,
        "JINGWU_VAR_DIR": str(var),
        "JINGWU_DEMO": "1",
        "JINGWU_LOG_FORMAT": "text",
    }
    if src is not None:
        env["PYTHONPATH"] = str(src)  # the earlier revision's package comes first
    return env


def _prepare(url: str, var: Path) -> dict[str, Any]:
    """Seed the demo, then issue tokens and collect order codes (in this process)."""
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
    bs01 = WorkOrder.code.like("BS01-%")
    with runtime.db.unit_of_work() as s:
        tokens = {
            u: accounts.create_token(s, SYSTEM, username=f"demo-{u}", name="bench", now=now)
            for u in ("officer", "chief")
        }
        codes = list(s.scalars(select(WorkOrder.code).where(bs01)))
        opened = list(
            s.scalars(select(WorkOrder.code).where(bs01, WorkOrder.state.in_(OPEN_STATES)))
        )
    runtime.db.engine.dispose()
    return {"tokens": tokens, "codes": codes, "open": opened}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(url: str, var: Path, workers: int, src: Path | None) -> Iterator[tuple[str, int]]:
    port = _free_port()
    log = (var / "serve.log").open("ab")  # kept: the first error is printed on failure
    cmd = [JINGWU, "serve", "--port", str(port), "--workers", str(workers)]
    proc = subprocess.Popen(cmd, env=_env(url, var, src), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            time.sleep(0.1)
        yield base, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)
        log.close()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its children (the uvicorn workers)."""
    pids = [pid]
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
    ticks = 0
    for p in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


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
    body = {"note": "压测回访"}
    return "POST", f"/api/v1/work-orders/{code}/actions/record_contact", body, "chief"


Conn = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class Client:
    """Keep-alive HTTP/1.1 connections to one server, opened on demand (no cookies)."""

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.idle: list[Conn] = []

    async def request(self, method: str, path: str, body: bytes, token: str) -> tuple[int, bytes]:
        if self.idle:
            try:
                return await self._send(self.idle.pop(), method, path, body, token)
            except (OSError, asyncio.IncompleteReadError):
                pass  # the server closed a connection idle past its keep-alive: a new one
        conn = await asyncio.open_connection(self.host, self.port)
        return await self._send(conn, method, path, body, token)

    async def _send(
        self, conn: Conn, method: str, path: str, body: bytes, token: str
    ) -> tuple[int, bytes]:
        reader, writer = conn
        head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
        if body:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"\r\n" + body)
        try:
            raw = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in raw.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            data = await reader.readexactly(length)
        except BaseException:
            writer.close()
            raise
        self.idle.append(conn)
        return int(raw[9:12]), data


async def _load(
    base: str, rate: float, seconds: float, st: dict[str, Any], mix: str
) -> dict[str, Any]:
    rng = random.Random(rate)
    lat: list[float] = []
    errors = 0
    client = Client(base)
    start = time.perf_counter() + 0.2
    n = int(rate * seconds)

    async def one(k: int) -> None:
        nonlocal errors
        scheduled = start + k / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        method, path, body, who = _request(rng, st, mix)
        payload = orjson.dumps(body) if body is not None else b""
        try:
            status, data = await asyncio.wait_for(
                client.request(method, path, payload, st["tokens"][who]), timeout=30
            )
            if status >= 400:
                errors += 1
                if errors <= 3:
                    print("error", status, method, path, data[:200], flush=True)
            elif method == "POST" and path == "/api/v1/work-orders":
                st["open"].append(orjson.loads(data)["code"])
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
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
    with contextlib.suppress(ImportError):
        import uvloop  # noqa: PLC0415 - installed with uvicorn[standard]

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    out.put(asyncio.run(_load(base, rate, seconds, st, mix)))


def measure(
    base: str, pid: int, rate: float, seconds: float, st: dict[str, Any], mix: str
) -> dict[str, Any]:
    """One step at ``rate`` requests/s, generated in a second process."""
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    proc = ctx.Process(target=_generator, args=(base, rate, seconds, st, mix, out))
    proc.start()
    load0, cpu0 = os.getloadavg()[0], cpu_seconds(pid)
    result: dict[str, Any] = out.get(timeout=seconds * 20 + 120)
    proc.join()
    cpu = cpu_seconds(pid) - cpu0
    load = (load0 + os.getloadavg()[0]) / 2
    return {**result, "cpu_ms": 1000 * cpu / max(1, result["sent"]), "load": load}


def run(kind: str, rates: list[float], seconds: float, workers: int, src: Path | None) -> Any:
    with tempfile.TemporaryDirectory() as tmp, fresh(kind, Path(tmp)) as url:
        var = Path(tmp) / "var"
        st = _prepare(url, var)
        label = "current" if src is None else "before"
        out: dict[str, Any] = {"db": kind, "label": label, "mixed": [], "health": []}
        for mix in ("health", "mixed"):
            # A server of its own per traffic mix: one driven past saturation by the
            # baseline must not carry its backlog into the mixed steps.
            with server(url, var, workers, src) as (base, pid):
                for rate in rates:
                    step = measure(base, pid, rate, seconds, st, mix)
                    print(kind, label, mix, step, flush=True)
                    out[mix].append(step)
                    if step["p99"] > 1000:
                        break  # far past saturation: higher rates only queue longer
    return out


def _archive(rev: str, into: Path) -> Path:
    """The ``src`` tree of revision ``rev`` (for the before/after comparison)."""
    tar = subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=tar.stdout, check=True)
    return into / "src"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--rates", default="50,100,200,300,400,500,600")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--compare", default="", help="also run this earlier revision's server")
    ap.add_argument("--out", default="bench/results/wo_api_load.md")
    args = ap.parse_args(argv)
    rates = [float(r) for r in args.rates.split(",")]
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        before = _archive(args.compare, Path(tmp)) if args.compare else None
        for kind in kinds:
            if before is not None:
                results.append(run(kind, rates, args.seconds, args.workers, before))
            results.append(run(kind, rates, args.seconds, args.workers, None))
    Path(args.out).write_text(_markdown(argv, args, results))
    return 0


def _knee(steps: list[dict[str, Any]]) -> str:
    over = next((s for s in steps if s["p99"] > 100), None)
    return (
        f"{over['rate']:.0f} req/s" if over else f"not reached up to {steps[-1]['rate']:.0f} req/s"
    )


def _markdown(argv: list[str], args: Any, results: list[dict[str, Any]]) -> str:
    cmd = " ".join([".venv/bin/python bench/wo_api_load.py", *argv])
    lines = [
        f"# Work orders: the API under load (`jingwu serve --workers {args.workers}`)",
        "",
        f"Command: `{cmd}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs (shared by server, load "
        f"generator and database), Python {platform.python_version()}  ",
        f"Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; the machine is shared with other "
        "work: the load average of each step is in the table",
        "",
        "Open-loop load from a second process; latency from each request's scheduled time. "
        "Mixed = 20 % create, 35 % read one order, 25 % list, 20 % record_contact action, "
        "with audit on. Baseline = `GET /healthz` through the same stack. CPU = CPU time of "
        "the server's processes per request (not the database's). Target: p99 < 50 ms at "
        "≥ 500 req/s of mixed traffic.",
        "",
    ]
    for r in results:
        what = "this revision" if r["label"] == "current" else f"before ({args.compare})"
        lines += [
            f"## {r['db']}, {what}",
            "",
            f"p99 passes 100 ms at: mixed {_knee(r['mixed'])}; baseline {_knee(r['health'])}",
            "",
            "| traffic | offered req/s | achieved req/s | p50 ms | p99 ms | max ms | errors "
            "| CPU ms/req | load avg |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for mix in ("health", "mixed"):
            for s in r[mix]:
                lines.append(
                    f"| {'baseline /healthz' if mix == 'health' else 'mixed'} | {s['rate']:.0f} | "
                    f"{s['achieved']:.0f} | {s['p50']:.1f} | {s['p99']:.1f} | {s['max']:.0f} | "
                    f"{s['errors']} | {s['cpu_ms']:.2f} | {s['load']:.1f} |"
                )
        lines.append("")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
