"""Benchmark: one SLA sweep pass over 1,000,000 stored orders (100,000 open, 10,000 due).

A database (SQLite file and/or PostgreSQL) is filled once with bulk inserts: 900,000 closed
orders (no ``next_due_at``), 90,000 open orders whose next alert lies in the future, and
10,000 due ones — 7,000 at their 50 % warning, 2,000 at 80 % (the 50 % alert already
written) and 1,000 breaching (50 % and 80 % written). Half the open orders were triaged (one
action event each). Each run then works on a copy of that database (a file copy; on
PostgreSQL ``CREATE DATABASE … TEMPLATE``) in a process of its own: it reads every open order
row (the same-run baseline: what a scan of the open orders in Python would pay before doing
any work), runs ``jingwu.workorders.sweep.run_sweep`` once, as the worker would, and again at
once (nothing due: the cost of the indexed empty pass). The figures are medians over
``--runs`` copies.

``--compare REV`` also runs the sweep of an earlier revision (its ``src`` from
``git archive``) on copies of the same database, alternating with this revision's runs, so
before and after are measured under the same load.

    .venv/bin/python bench/wo_sweep.py [--db sqlite|postgresql|both] [--total 1000000]
        [--open 100000] [--due 10000] [--runs 5] [--compare REV]
        [--out bench/results/wo_sweep.md]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
from alembic import command
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from jingwu.db import Database
from jingwu.migrations import alembic_config
from jingwu.security import keys
from jingwu.workorders.models import WorkOrder
from jingwu.workorders.sla import policy_for
from jingwu.workorders.sweep import run_sweep

ROOT = Path(__file__).resolve().parent.parent

PG_URL = os.environ.get("JINGWU_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)
STATIONS = 40
YELLOW = json.dumps(policy_for("yellow").to_dict())
SUGGESTION = json.dumps({"tier": "yellow", "reasons": []})
COLUMNS = (
    "id, code, unit_id, channel, category, module, description, address, state, "
    "suggested_tier, suggestion, tier, sla, sla_provisional, received_at, responsible_id, "
    "resolved_at, closed_at, next_due_at, minors_involved, elderly_involved, paused_seconds, "
    "overdue, escalation_level, resolve_count, event_count, updated_at"
)
H = dt.timedelta(hours=1)


def _org(db: Database) -> tuple[list[int], dict[int, int]]:
    """A district, 4 streets, STATIONS stations, a chief per station, heads, a director."""
    with db.unit_of_work() as s:
        units: list[int] = []
        s.execute(
            text(
                "INSERT INTO units (id, kind, parent_id, path, name, name_en, short_code, "
                "division_code, org_code, address, phone, design, created_at) VALUES "
                "(:id, :kind, :parent, :path, :name, '', :code, '330106', :org, '', '', "
                "'traditional', :at)"
            ),
            [
                {
                    "id": 1,
                    "kind": "district",
                    "parent": None,
                    "path": "/1/",
                    "name": "区",
                    "code": "XH00",
                    "org": "ORG0000",
                    "at": NOW,
                }
            ]
            + [
                {
                    "id": 10 + k,
                    "kind": "street",
                    "parent": 1,
                    "path": f"/1/{10 + k}/",
                    "name": f"街道{k}",
                    "code": f"S{k}00",
                    "org": f"ORGS{k}",
                    "at": NOW,
                }
                for k in range(4)
            ]
            + [
                {
                    "id": 100 + n,
                    "kind": "community",
                    "parent": 10 + n % 4,
                    "path": f"/1/{10 + n % 4}/{100 + n}/",
                    "name": f"警务室{n}",
                    "code": f"B{n:02d}",
                    "org": f"ORGB{n}",
                    "at": NOW,
                }
                for n in range(STATIONS)
            ],
        )
        units = [100 + n for n in range(STATIONS)]
        people = [(1, 1, "director"), *((20 + k, 10 + k, "street") for k in range(4))]
        people += [(200 + n, 100 + n, "chief") for n in range(STATIONS)]
        people += [(400 + n, 100 + n, "officer") for n in range(STATIONS)]
        s.execute(
            text(
                "INSERT INTO users (id, username, display_name, unit_id, role, password_hash, "
                "totp_confirmed, language, active, created_at) VALUES "
                "(:id, :u, :u, :unit, :role, '!', false, 'zh_CN', true, :at)"
            ),
            [
                {"id": i, "u": f"{role}{i}", "unit": unit, "role": role, "at": NOW}
                for i, unit, role in people
            ],
        )
    return units, {u: 400 + n for n, u in enumerate(units)}


def _rows(
    total: int, open_: int, due: int, units: list[int], officers: dict[int, int]
) -> Iterator[tuple[object, ...]]:
    """Order rows: (closed, future-open, due at 50 %, due at 80 %, breaching)."""
    closed = total - open_
    warn80, breach = due // 5, due // 10
    warn50 = due - warn80 - breach
    for i in range(1, total + 1):
        unit = units[i % len(units)]
        if i <= closed:
            received = NOW - dt.timedelta(days=30 + i % 300, minutes=i % 1440)
            state, resolved, next_due = "closed", received + 3 * H, None
        else:
            k = i - closed
            resolved = None
            state = "received" if k % 2 else "triaged"
            if k <= warn50:
                received = NOW - (2 * H + dt.timedelta(seconds=k % 600))  # 50 % of 4 h passed
                next_due = received + 2 * H
            elif k <= warn50 + warn80:
                received = NOW - (3.3 * H)  # 80 % of 4 h passed at 3.2 h
                next_due = received + 3.2 * H
            elif k <= due:
                received = NOW - (4.2 * H)  # the 4 h response deadline passed
                next_due = received + 4 * H + dt.timedelta(microseconds=1)
            else:
                received = NOW - dt.timedelta(minutes=k % 100)
                next_due = received + 2 * H
        code = f"B{unit - 100:02d}-{received:%Y%m%d}-{i:06d}"
        yield (
            i,
            code,
            unit,
            "phone",
            "noise",
            "dispute",
            "噪音",
            "文三路",
            state,
            "yellow",
            SUGGESTION,
            None if state == "received" else "yellow",
            YELLOW,
            state == "received",
            received,
            officers[unit],
            resolved,
            resolved + 24 * H if resolved else None,
            next_due,
            False,
            False,
            0,
            False,
            0,
            1 if resolved else 0,
            1,
            received,
        )


def _ts(value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    return value


def _load_sqlite(url: str, rows: Iterator[tuple[object, ...]]) -> None:
    path = make_url(url).database
    assert path
    conn = sqlite3.connect(path)
    marks = ", ".join("?" * len(COLUMNS.split(",")))
    batch: list[tuple[object, ...]] = []
    with conn:
        for row in rows:
            batch.append(tuple(_ts(v) for v in row))
            if len(batch) == 50_000:
                conn.executemany(f"INSERT INTO work_orders ({COLUMNS}) VALUES ({marks})", batch)
                batch.clear()
        if batch:
            conn.executemany(f"INSERT INTO work_orders ({COLUMNS}) VALUES ({marks})", batch)
    conn.close()


def _load_pg(url: str, rows: Iterator[tuple[object, ...]]) -> None:
    plain = make_url(url).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(plain) as conn, conn.cursor() as cur:
        with cur.copy(f"COPY work_orders ({COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cur.execute("SELECT setval('work_orders_id_seq', (SELECT max(id) FROM work_orders))")
        cur.execute("ANALYZE")


def _events_and_alerts(db: Database, total: int, open_: int, due: int) -> None:
    """Triage events of the triaged open orders; the alerts already written before now."""
    closed = total - open_
    warn80, breach = due // 5, due // 10
    warn50 = due - warn80 - breach
    with db.unit_of_work() as s:
        events = []
        for k in range(2, open_ + 1, 2):  # the triaged half
            i = closed + k
            events.append(
                {
                    "order_id": i,
                    "unit_id": 100 + i % STATIONS,
                    "seq": 1,
                    "kind": "action",
                    "action": "triage",
                    "from_state": "received",
                    "to_state": "triaged",
                    "actor_role": "officer",
                    "actor_name": "",
                    "reason": "",
                }
            )
        at = {
            r[0]: r[1]
            for r in s.execute(
                select(WorkOrder.id, WorkOrder.received_at).where(WorkOrder.id > closed)
            )
        }
        for e in events:
            e["at"] = at[e["order_id"]] + dt.timedelta(minutes=1)
        s.execute(
            text(
                "INSERT INTO wo_events (order_id, unit_id, seq, at, kind, action, from_state, "
                "to_state, actor_name, actor_role, reason) VALUES (:order_id, :unit_id, :seq, :at, "
                ":kind, :action, :from_state, :to_state, :actor_name, :actor_role, :reason)"
            ),
            events,
        )
        alerts = []
        for k in range(warn50 + 1, due + 1):
            i = closed + k
            levels = (50,) if k <= warn50 + warn80 else (50, 80)
            for p in levels:
                alerts.append(
                    {
                        "order_id": i,
                        "unit_id": 100 + i % STATIONS,
                        "clock": "response",
                        "percent": p,
                        "tier": "yellow",
                        "crossed_at": at[i] + 4 * H * p / 100,
                        "emitted_at": NOW - H,
                        "recipients": "[]",
                    }
                )
        s.execute(
            text(
                "INSERT INTO wo_alerts (order_id, unit_id, clock, percent, tier, crossed_at, "
                "emitted_at, recipients) VALUES (:order_id, :unit_id, :clock, :percent, :tier, "
                ":crossed_at, :emitted_at, :recipients)"
            ),
            alerts,
        )


def _plan(db: Database) -> str:
    with db.unit_of_work(write=False) as s:
        if db.is_sqlite:
            rows = s.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT id FROM work_orders WHERE next_due_at <= :now "
                    "ORDER BY next_due_at LIMIT 2000"
                ),
                {"now": _ts(NOW)},
            )
            return "; ".join(str(r[-1]) for r in rows)
        rows = s.execute(
            text(
                "EXPLAIN SELECT id FROM work_orders WHERE next_due_at <= :now "
                "ORDER BY next_due_at LIMIT 2000 FOR UPDATE SKIP LOCKED"
            ),
            {"now": NOW},
        )
        return "; ".join(str(r[0]).strip() for r in rows)


def _admin() -> str:
    return make_url(PG_URL).set(drivername="postgresql").render_as_string(False)


def _pg_url(name: str) -> str:
    return make_url(PG_URL).set(database=name).render_as_string(False)


def build(kind: str, tmp: Path, total: int, open_: int, due: int) -> tuple[str, float]:
    """Create and fill the database every run copies; its URL and the load time."""
    if kind == "sqlite":
        url = f"sqlite:///{tmp / 'template.db'}"
    else:
        name = f"jingwu_bench_sweep_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(_admin(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = _pg_url(name)
    command.upgrade(alembic_config(url), "heads")
    db = Database.from_url(url)
    units, officers = _org(db)
    t0 = time.perf_counter()
    rows = _rows(total, open_, due, units, officers)
    (_load_sqlite if kind == "sqlite" else _load_pg)(url, rows)
    _events_and_alerts(db, total, open_, due)
    load_s = time.perf_counter() - t0
    if db.is_sqlite:
        with db.unit_of_work() as s:
            s.execute(text("ANALYZE"))
    db.engine.dispose()
    return url, load_s


def drop(url: str) -> None:
    """Remove a database made by :func:`build` or :func:`copy_of`."""
    if url.startswith("sqlite"):
        path = Path(str(make_url(url).database))
        for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            p.unlink(missing_ok=True)
        return
    with psycopg.connect(_admin(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


@contextlib.contextmanager
def copy_of(template: str, n: int) -> Iterator[str]:
    """A fresh copy of the template database for one run, removed afterwards."""
    source = make_url(template).database
    if template.startswith("sqlite"):
        target = Path(str(source)).with_name(f"run{n}.db")
        with sqlite3.connect(str(source)) as src, sqlite3.connect(str(target)) as dst:
            src.backup(dst)
        url = f"sqlite:///{target}"
    else:
        name = f"{source}_r{n}"
        with psycopg.connect(_admin(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}" STRATEGY FILE_COPY')
        url = _pg_url(name)
    try:
        yield url
    finally:
        drop(url)


def child(url: str) -> dict[str, object]:
    """One run on its own copy (in a process of its own): baseline scan, sweep, idle pass."""
    keys.install(
        keys.Keyring(
            secret_key=b"s" * 32,
            blind_index_key=b"b" * 32,
            data_keys={"k1": keys.new_data_key("k1")},
            active="k1",
        )
    )
    db = Database.from_url(url)
    t0 = time.perf_counter()
    with db.unit_of_work(write=False) as s:
        scanned = len(
            s.execute(select(WorkOrder).where(WorkOrder.state.in_(("received", "triaged")))).all()
        )
    scan_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = run_sweep(db, now=NOW)
    sweep_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = run_sweep(db, now=NOW)
    idle_s = time.perf_counter() - t0
    with db.unit_of_work(write=False) as s:
        stored = s.scalar(select(func.count()).select_from(WorkOrder))
    plan = _plan(db)
    db.engine.dispose()
    return {
        "stored": stored,
        "sweep_s": sweep_s,
        "idle_s": idle_s,
        "scan_s": scan_s,
        "scanned": scanned,
        "report": vars(report),
        "again": vars(again),
        "plan": plan,
        "load": os.getloadavg()[0],
    }


def _archive(rev: str, into: Path) -> Path:
    """The ``src`` tree of revision ``rev`` (for the before/after comparison)."""
    tar = subprocess.run(["git", "archive", rev, "src"], cwd=ROOT, check=True, capture_output=True)
    into.mkdir(parents=True, exist_ok=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=tar.stdout, check=True)
    return into / "src"


def _run_child(url: str, src: Path | None) -> dict[str, object]:
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = str(src)  # the earlier revision's package comes first
    done = subprocess.run(
        [sys.executable, __file__, "--child", url],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(kind: str, args: argparse.Namespace, tmp: Path, before: Path | None) -> list[dict]:  # type: ignore[type-arg]
    """Every run of both versions on copies of one database of ``kind``."""
    template, load_s = build(kind, tmp, args.total, args.open, args.due)
    versions: list[tuple[str, Path | None]] = [("current", None)]
    if before is not None:
        versions.append((f"before ({args.compare})", before))
    runs: dict[str, list[dict[str, object]]] = {label: [] for label, _ in versions}
    try:
        for n in range(args.runs):
            # Alternate which version goes first, so neither always meets a warmer machine.
            order = versions if n % 2 == 0 else versions[::-1]
            for k, (label, src) in enumerate(order):
                with copy_of(template, 2 * n + k) as url:
                    r = _run_child(url, src)
                print(kind, label, n, {k: v for k, v in r.items() if k != "plan"}, flush=True)
                runs[label].append(r)
    finally:
        drop(template)
    return [_summary(kind, label, rs, load_s) for label, rs in runs.items()]


def _summary(kind: str, label: str, rs: list[dict], load_s: float) -> dict[str, object]:  # type: ignore[type-arg]
    def med(key: str) -> float:
        return statistics.median(float(r[key]) for r in rs)

    return {
        "db": kind,
        "label": label,
        "runs": len(rs),
        "sweep_s": med("sweep_s"),
        "sweep_all": [float(r["sweep_s"]) for r in rs],
        "idle_s": med("idle_s"),
        "scan_s": med("scan_s"),
        "load": [float(r["load"]) for r in rs],
        "load_s": load_s,
        **{k: rs[0][k] for k in ("stored", "scanned", "report", "again", "plan")},
    }


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--total", type=int, default=1_000_000)
    ap.add_argument("--open", type=int, default=100_000)
    ap.add_argument("--due", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--compare", default="", help="also run this earlier revision's sweep")
    ap.add_argument("--out", default="bench/results/wo_sweep.md")
    ap.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)), flush=True)
        return 0
    keys.install(
        keys.Keyring(
            secret_key=b"s" * 32,
            blind_index_key=b"b" * 32,
            data_keys={"k1": keys.new_data_key("k1")},
            active="k1",
        )
    )
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        before = _archive(args.compare, Path(tmp) / "before") if args.compare else None
        for kind in kinds:
            results += run(kind, args, Path(tmp), before)
    Path(args.out).write_text(_markdown(argv, args, results))
    return 0


def _markdown(argv: list[str], args: argparse.Namespace, results: list[dict]) -> str:  # type: ignore[type-arg]
    cmd = " ".join([".venv/bin/python bench/wo_sweep.py", *argv])
    loads = [x for r in results for x in r["load"]]
    lines = [
        "# Work orders: one SLA sweep pass over 1,000,000 orders",
        "",
        f"Command: `{cmd}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, {platform.platform()}  ",
        f"Date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; load average (1 min) after the "
        f"runs {min(loads):.1f}–{max(loads):.1f} (the machine is shared with other work)",
        "",
        "Target: one pass < 1 s with 10,000 orders due (warnings 50 %/80 %, breaches), via "
        "indexed queries. A pass writes each alert, overdue record and notification (chief, "
        "street and district escalation) and the next due instant of every swept order. "
        f"Each figure is the median of {args.runs} runs, each on a fresh copy of the same "
        "database in a process of its own"
        + (
            f"; `before` is revision `{args.compare}` measured alternately in the same run."
            if args.compare
            else "."
        ),
        "",
        "| database | code | stored orders | due swept | alerts | overdue records | "
        "notifications | **sweep pass** (median) | every run | idle pass | "
        "baseline: read open rows | load time |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in results:
        rep, again = r["report"], r["again"]
        every = ", ".join(f"{s:.2f}" for s in r["sweep_all"])
        lines.append(
            f"| {r['db']} | {r['label']} | {r['stored']:,} | {rep['orders']:,} | "
            f"{rep['alerts']:,} | {rep['overdue']:,} | {rep['notifications']:,} | "
            f"**{r['sweep_s']:.2f} s** | {every} | "
            f"{r['idle_s'] * 1000:.0f} ms ({again['orders']} due) | "
            f"{r['scan_s']:.2f} s ({r['scanned']:,} rows) | {r['load_s']:.0f} s |"
        )
    lines += ["", "Plans of the due-orders query:", ""]
    lines += [f"- {r['db']}: `{r['plan']}`" for r in results if r["label"] == "current"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
