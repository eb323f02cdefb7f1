"""Benchmark: online consultations, many citizen–expert pairs talking at once.

``jingwu serve`` (one process, SQLite file, a freshly seeded demo database) runs in a
subprocess; this process plays every pair with asyncio and httpx: each citizen opens a
consultation at BS01 (``GET /consult`` for the CSRF cookie, ``POST /consult``), an expert of
the station (a bearer token each) claims it, and both open their server-sent-events
streams. Then, for ``--seconds``, each pair plays ping-pong with a think time: the citizen
POSTs a line, the expert's stream receives it, the expert POSTs an answer, the citizen's
stream receives it. A **round trip** is one line: from just before its POST is sent until
the other side's stream delivers it (so it includes the POST, its commit, the wake-up and
the stream's read of the database).

Same-run baseline: the same ping-pong with a single pair, before the loaded run. Reported:
p50/p99/max round trip, lines delivered, errors, the server's CPU time per line and the
load average (the machine is shared).

    .venv/bin/python bench/consult_load.py [--pairs 50] [--seconds 30] [--think 1.0]
        [--out bench/results/consult_load.md]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import platform
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import orjson

ROOT = Path(__file__).resolve().parents[1]
JINGWU = str(ROOT / ".venv" / "bin" / "jingwu")
STATION = "BS01"
TARGET_P99_MS = 500.0
HEAD = (
    "| pairs | lines | lines/s | p50 ms | p99 ms | max ms | POST p50 / p99 ms | errors "
    "| CPU ms/line server / client | load avg |\n" + "| --- " * 10 + "|"
)


def _env(url: str, var: Path) -> dict[str, str]:
    return {
        **os.environ,
        "JINGWU_DATABASE_URL": url,
        "JINGWU_VAR_DIR": str(var),
        "JINGWU_DEMO": "1",
        "JINGWU_LOG_FORMAT": "text",
    }


def prepare(url: str, var: Path, experts: int) -> list[str]:
    """Seed the demo, then add ``experts`` experts at the station; their bearer tokens."""
    subprocess.run(
        [JINGWU, "demo", "--seed-only"], env=_env(url, var), check=True, stdout=subprocess.DEVNULL
    )
    from jingwu.accounts import service as accounts  # noqa: PLC0415
    from jingwu.accounts.scope import SYSTEM  # noqa: PLC0415
    from jingwu.config import Settings  # noqa: PLC0415
    from jingwu.org.service import unit_by_code  # noqa: PLC0415
    from jingwu.runtime import start  # noqa: PLC0415

    runtime = start(Settings(database_url=url, var_dir=var, demo=True))
    now = runtime.clock()
    tokens = []
    with runtime.db.unit_of_work() as s:
        unit = unit_by_code(s, STATION)
        assert unit is not None
        for i in range(experts):
            name = f"bench-expert-{i:03d}"
            accounts.create_user(
                s, SYSTEM, username=name, display_name=f"专家{i}", unit_id=unit.id,
                role="expert", password="bench-password-1", now=now,
            )  # fmt: skip
            tokens.append(accounts.create_token(s, SYSTEM, username=name, name="bench", now=now))
    runtime.db.engine.dispose()
    return tokens


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(url: str, var: Path) -> Iterator[tuple[str, int]]:
    port = _free_port()
    log = (var / "serve.log").open("ab")
    cmd = [JINGWU, "serve", "--port", str(port), "--workers", "1"]
    proc = subprocess.Popen(cmd, env=_env(url, var), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
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
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Stream:
    """One side's SSE stream: each line's arrival time, by its body."""

    def __init__(self) -> None:
        self.waiting: dict[str, asyncio.Future[float]] = {}
        self.ready = asyncio.Event()

    def expect(self, body: str) -> asyncio.Future[float]:
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[body] = fut
        return fut

    async def run(self, client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> None:
        async with client.stream("GET", url, headers=headers, timeout=None) as r:
            r.raise_for_status()
            self.ready.set()
            async for line in r.aiter_lines():
                if line.startswith("data: {") and '"seq"' in line:
                    body = orjson.loads(line[6:])["body"]
                    fut = self.waiting.pop(body, None)
                    if fut is not None and not fut.done():
                        fut.set_result(time.perf_counter())


async def pair(
    base: str, token: str, i: int, until: float, think: float, out: dict[str, Any]
) -> None:
    rng = random.Random(i)
    limits = httpx.Limits(max_connections=4)
    async with (
        httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as citizen,
        httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as expert,
    ):
        await citizen.get("/consult")
        csrf = {"X-CSRF-Token": citizen.cookies["jingwu_csrf"]}
        form = {"station": STATION, "topic": "labour", "display_name": f"压测{i}"}
        r = await citizen.post("/consult", data=form, headers=csrf)
        ctoken = r.headers["location"].rsplit("/", 1)[1]
        page = (await citizen.get(f"/consult/{ctoken}")).text
        m = re.search(r'<span translate="no">(ZX-[A-Z0-9]+-[0-9A-F]+)</span>', page)
        assert m is not None, page[:500]
        code = m.group(1)
        bearer = {"Authorization": f"Bearer {token}"}
        r = await expert.post(f"/consult/desk/{code}/claim", headers=bearer)
        assert r.status_code == 303, r.text[:300]
        mine, theirs = Stream(), Stream()
        tasks = [
            asyncio.create_task(mine.run(citizen, f"/consult/{ctoken}/events", {})),
            asyncio.create_task(theirs.run(expert, f"/consult/desk/{code}/events", bearer)),
        ]
        await asyncio.wait_for(asyncio.gather(mine.ready.wait(), theirs.ready.wait()), 60)
        await asyncio.sleep(rng.random() * think)  # the pairs do not start in step
        k = 0
        try:
            while time.perf_counter() < until:
                for side, url, headers, stream in (
                    ("c", f"/consult/{ctoken}/messages", csrf, theirs),
                    ("e", f"/consult/desk/{code}/messages", bearer, mine),
                ):
                    client = citizen if side == "c" else expert
                    body = f"{side}-{i}-{k} 压测消息"
                    arrived = stream.expect(body)
                    t0 = time.perf_counter()
                    try:
                        r = await client.post(url, data={"body": body}, headers=headers)
                        out["post"].append(time.perf_counter() - t0)
                        if r.status_code != 204:
                            raise RuntimeError(f"{r.status_code} {r.text[:200]}")
                        t1 = await asyncio.wait_for(arrived, 30)
                        out["rtt"].append(t1 - t0)
                    except (httpx.HTTPError, TimeoutError, RuntimeError) as exc:
                        out["errors"] += 1
                        if out["errors"] <= 3:
                            print("error", type(exc).__name__, exc, flush=True)
                    await asyncio.sleep(think * (0.5 + rng.random()))
                k += 1
        finally:
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)


async def _run(base: str, tokens: list[str], seconds: float, think: float) -> dict[str, Any]:
    out: dict[str, Any] = {"rtt": [], "post": [], "errors": 0}
    # the set-up (opening, claiming, streams) is not timed; the clock starts after it
    until = time.perf_counter() + seconds + 10
    await asyncio.gather(*(pair(base, t, i, until, think, out) for i, t in enumerate(tokens)))
    return out


def measure(base: str, pid: int, tokens: list[str], seconds: float, think: float) -> Any:
    load0, cpu0, mine0 = os.getloadavg()[0], cpu_seconds(pid), time.process_time()
    start = time.perf_counter()
    raw = asyncio.run(_run(base, tokens, seconds, think))
    wall = time.perf_counter() - start
    cpu, mine = cpu_seconds(pid) - cpu0, time.process_time() - mine0
    rtt = np.array(raw["rtt"]) * 1000
    post = np.array(raw["post"]) * 1000
    n = len(rtt)
    return {
        "pairs": len(tokens),
        "lines": n,
        "errors": raw["errors"],
        "rate": n / wall,
        "p50": float(np.percentile(rtt, 50)) if n else float("nan"),
        "p99": float(np.percentile(rtt, 99)) if n else float("nan"),
        "max": float(rtt.max()) if n else float("nan"),
        "post_p50": float(np.percentile(post, 50)) if n else float("nan"),
        "post_p99": float(np.percentile(post, 99)) if n else float("nan"),
        "cpu_ms": 1000 * cpu / max(1, n),
        "client_cpu_ms": 1000 * mine / max(1, n),
        "load": (load0 + os.getloadavg()[0]) / 2,
        "load_after": os.getloadavg(),
    }


def write(path: Path, runs: list[dict[str, Any]], args: argparse.Namespace) -> None:
    base, loaded = runs
    met = loaded["p99"] <= TARGET_P99_MS and loaded["errors"] == 0 and loaded["pairs"] >= 50
    cmd = (
        f".venv/bin/python bench/consult_load.py --pairs {args.pairs} "
        f"--seconds {args.seconds:g} --think {args.think:g}"
    )
    rows = "\n".join(
        f"| {r['pairs']} | {r['lines']} | {r['rate']:.1f} | {r['p50']:.0f} | **{r['p99']:.0f}** | "
        f"{r['max']:.0f} | {r['post_p50']:.0f} / {r['post_p99']:.0f} | {r['errors']} | "
        f"{r['cpu_ms']:.1f} / {r['client_cpu_ms']:.1f} | {r['load']:.1f} |"
        for r in runs
    )
    today = dt.datetime.now(dt.UTC).date().isoformat()
    text = f"""# Online consultation under load (`consult_load`)

{today}, {platform.machine()}, {os.cpu_count()} cores shared with other work,
Python {platform.python_version()}; `jingwu serve` (one process) on SQLite, a fresh demo
database. Command: `{cmd}`.

Each pair is a citizen and an expert of BS01, each on their own server-sent-events stream;
they take turns sending a line by POST (think time {args.think:g} s × 0.5–1.5). A round trip
is from the POST's start to the line's arrival on the other side's stream. The first row is
the same-run baseline: one pair alone.

{HEAD}
{rows}

Target p99 ≤ {TARGET_P99_MS:.0f} ms at ≥ 50 concurrent sessions: **{"met" if met else "missed"}**
({loaded["pairs"]} pairs: p99 {loaded["p99"]:.0f} ms against {base["p99"]:.0f} ms for one pair
alone). Load average during the loaded run {loaded["load"]:.1f} (1/5/15 min after it:
{", ".join(f"{x:.1f}" for x in loaded["load_after"])}).

How a line travels: the POST's endpoint writes the (encrypted) message and commits; a
background task after the response wakes the consultation's streams in the process
(`jingwu.consult.broker`); each stream reads the new lines in a short read transaction of
its own and sends them. Lines written by another server process are found by the process's
one poller (one query a second for all its streams), so they arrive within about a second.
"""
    path.write_text(text)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--think", type=float, default=1.0)
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "consult_load.md")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        var = Path(tmp) / "var"
        url = f"sqlite:///{Path(tmp) / 'consult.db'}"
        tokens = prepare(url, var, args.pairs + 1)
        with server(url, var) as (base, pid):
            runs = [measure(base, pid, tokens[:1], min(args.seconds, 15), args.think)]
            print("baseline", runs[0], flush=True)
            runs.append(measure(base, pid, tokens[1:], args.seconds, args.think))
            print("loaded", runs[1], flush=True)
    write(args.out, runs, args)
    print(args.out.read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
