"""Benchmark: the scorecards of 2,000 stations against the standard (issue 11 §2).

A fresh SQLite database (migrations applied) holds one district of 40 streets and 2,000
community stations, each with a boundary (about 0.5 km²), a floor area, 4 zones with
equipment, 6 posts with A/B backups, an expert, 15–30 devices across the 8 classes, a solar
meter with 7 days of output, 60 work orders in the last 90 days (a third of them help
requests, most with an on-site contact) and 2 self-assessments; a coverage run for the
district. Measured, the median of several runs: ``jingwu.standard.service.scorecards`` for
every station in the district's scope (the list page, the API and ``unmet_by_station`` all
do this), for standard 1.0 and 2.0.

Same-run baseline: the straightforward way, one station at a time
(``service.scorecard_of``: its own handful of queries each), timed over 100 stations and
scaled to 2,000 (it is linear in the stations).
Target of issue 11: a scorecard for 2,000 stations ≤ 10 s.

    .venv/bin/python bench/standard_scorecard.py [--stations 2000] [--repeat 3]
        [--out bench/results/standard_scorecard.md]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.coverage.models import CoverageRun
from jingwu.iot.models import Device, EnergyDay
from jingwu.migrations import alembic_config
from jingwu.org.models import Equipment, Post, Staff, Unit, Zone
from jingwu.standard import service
from jingwu.standard.models import Assessment
from jingwu.workorders.models import OrderEvent, WorkOrder

TARGET_S = 10.0
BASELINE_STATIONS = 100
NOW = dt.datetime(2026, 12, 7, 4, 0, tzinfo=dt.UTC)
CLASSES = (
    "environment",
    "people_flow",
    "smoke_fire",
    "access_control",
    "video_analytics",
    "perimeter_radar",
    "vehicle_checkpoint",
    "energy_meter",
)
ZONES = {"reception": 0.3, "security_control": 0.25, "professional_services": 0.2}
ZONES["technical_support"] = 0.15


def _square(lon: float, lat: float, d: float = 0.007) -> dict[str, Any]:
    ring = [[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def _unit(uid: int, kind: str, parent: int | None, path: str, code: str) -> dict[str, Any]:
    lon, lat = 120.0 + (uid % 50) * 0.008, 30.0 + (uid // 50) * 0.008
    return {
        "id": uid,
        "kind": kind,
        "parent_id": parent,
        "path": path,
        "name": f"单位{code}",
        "name_en": "",
        "short_code": code,
        "division_code": "330106",
        "org_code": f"ORG{uid:015d}",
        "address": "",
        "phone": "",
        "lon": lon,
        "lat": lat,
        "boundary": _square(lon, lat) if kind == "community" else None,
        "floor_area_m2": 50.0 + (uid % 40) if kind == "community" else None,
        "design": "traditional",
        "created_at": NOW,
    }


def _units(stations: int) -> tuple[list[dict[str, Any]], list[int]]:
    rows = [_unit(1, "district", None, "/1/", "D0")]
    ids = []
    for s in range(40):
        sid = 2 + s
        rows.append(_unit(sid, "street", 1, f"/1/{sid}/", f"S{s:03d}"))
    for n in range(stations):
        uid = 100 + n
        street = 2 + n % 40
        rows.append(_unit(uid, "community", street, f"/1/{street}/{uid}/", f"C{n:05d}"))
        ids.append(uid)
    return rows, ids


def _org(ids: list[int], rng: random.Random) -> dict[type, list[dict[str, Any]]]:
    zones, equipment, staff, posts = [], [], [], []
    zone_id = staff_id = 0
    for uid in ids:
        area = 50.0 + (uid % 40)
        for kind, share in ZONES.items():
            zone_id += 1
            zones.append({"id": zone_id, "unit_id": uid, "kind": kind, "area_m2": area * share})
            if rng.random() < 0.95:
                equipment.append({"zone_id": zone_id, "name": "终端", "quantity": 1})
        people = []
        for cat in ("police", "police", "auxiliary", "auxiliary", "auxiliary", "expert"):
            staff_id += 1
            staff.append({"id": staff_id, "unit_id": uid, "name": "某", "category": cat})
            people.append(staff_id)
        for i, kind in enumerate(("chief", "community_officer", "auxiliary", "auxiliary")):
            backup = people[(i + 1) % 4] if rng.random() < 0.9 else None
            key = kind in ("chief", "community_officer")
            posts.append(
                {
                    "unit_id": uid,
                    "kind": kind,
                    "is_key": key,
                    "holder_id": people[i],
                    "backup_id": backup,
                }
            )
        posts.append({"unit_id": uid, "kind": "auxiliary", "is_key": False, "holder_id": people[4]})
        posts.append({"unit_id": uid, "kind": "expert", "is_key": False, "holder_id": people[5]})
    return {Zone: zones, Equipment: equipment, Staff: staff, Post: posts}


def _iot(ids: list[int], rng: random.Random) -> dict[type, list[dict[str, Any]]]:
    devices, days = [], []
    device_id = 0
    for uid in ids:
        for k in range(rng.randint(15, 30)):
            device_id += 1
            cls = CLASSES[k % len(CLASSES)]
            devices.append(
                {
                    "id": device_id,
                    "unit_id": uid,
                    "code": f"D{device_id}",
                    "device_class": cls,
                    "lon": 120.0,
                    "lat": 30.0,
                    "registered_at": NOW,
                }
            )
            if cls == "energy_meter" and k < len(CLASSES):
                for d in range(7):
                    day = (NOW - dt.timedelta(days=d + 1)).date()
                    kwh = rng.uniform(150, 260)
                    days.append(
                        {
                            "device_id": device_id,
                            "metric": "pv_energy",
                            "day": day,
                            "kwh": kwh,
                            "readings": 96,
                            "discontinuities": 0,
                        }
                    )
    return {Device: devices, EnergyDay: days}


def _orders(ids: list[int], rng: random.Random) -> dict[type, list[dict[str, Any]]]:
    orders, events = [], []
    oid = 0
    for uid in ids:
        for _ in range(60):
            oid += 1
            received = NOW - dt.timedelta(minutes=rng.randint(60, 89 * 24 * 60))
            channel = rng.choice(("walk_in", "phone", "online"))
            module = rng.choices(("security", "livelihood", "dispute"), (40, 30, 30))[0]
            orders.append(
                {
                    "id": oid,
                    "code": f"W{oid:09d}",
                    "unit_id": uid,
                    "channel": channel,
                    "category": "noise",
                    "module": module,
                    "state": "closed",
                    "suggested_tier": "yellow",
                    "suggestion": {},
                    "sla": {},
                    "received_at": received,
                    "updated_at": received,
                }
            )
            if channel != "walk_in" and rng.random() < 0.95:
                at = received + dt.timedelta(minutes=rng.uniform(2, 10))
                events.append(
                    {
                        "order_id": oid,
                        "unit_id": uid,
                        "seq": 1,
                        "at": at,
                        "kind": "action",
                        "action": "start",
                        "actor_role": "officer",
                        "data": {},
                    }
                )
    return {WorkOrder: orders, OrderEvent: events}


def build(url: str, stations: int, seed: int = 7) -> list[int]:
    """The district's records, inserted in bulk; returns the station ids."""
    command.upgrade(alembic_config(url), "heads")
    rng = random.Random(seed)
    unit_rows, ids = _units(stations)
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        session.execute(insert(Unit), unit_rows)
        for part in (_org(ids, rng), _iot(ids, rng), _orders(ids, rng)):
            for model, rows in part.items():
                for start in range(0, len(rows), 20_000):
                    session.execute(insert(model), rows[start : start + 20_000])
        session.execute(
            insert(CoverageRun),
            [
                {
                    "unit_id": 1,
                    "mode": "walk",
                    "method": "network",
                    "minutes": 15,
                    "stations": stations,
                    "covered": 950_000,
                    "total": 1_000_000,
                    "uncovered": [],
                    "suggestions": [],
                    "computed_at": NOW,
                }
            ],
        )
        session.execute(
            insert(Assessment),
            [
                {
                    "unit_id": uid,
                    "requirement_id": rid,
                    "version": "1.0",
                    "claims_met": True,
                    "note": "有",
                    "status": "accepted",
                    "assessed_at": NOW,
                    "verify_reason": "",
                }
                for uid in ids
                for rid in ("zone.reception_guide", "zone.accessibility")
            ],
        )
    engine.dispose()
    return ids


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        out.append(time.perf_counter() - began)
    return out


def measure(url: str, stations: int, repeat: int) -> dict[str, Any]:
    engine = create_engine(url)
    result: dict[str, Any] = {}
    with Session(engine) as session:
        for version in ("1.0", "2.0"):
            cards: list[service.StationCard] = []

            def run(v: str = version, out: list[service.StationCard] = cards) -> None:
                out[:] = service.scorecards(session, SYSTEM, version=v, now=NOW)

            result[version] = statistics.median(timed(run, repeat))
            result[f"{version}-cards"] = len(cards)
            result[f"{version}-score"] = statistics.mean(c.card.score for c in cards)
        codes = [f"C{n:05d}" for n in range(min(BASELINE_STATIONS, stations))]

        def one_by_one() -> None:
            for code in codes:
                service.scorecard_of(session, SYSTEM, station=code, version="1.0", now=NOW)

        result["baseline"] = statistics.median(timed(one_by_one, 1)) * stations / len(codes)
    engine.dispose()
    return result


def markdown(argv: list[str], args: argparse.Namespace, build_s: float, r: dict[str, Any]) -> str:
    load = os.getloadavg()[0]
    met = "met" if max(r["1.0"], r["2.0"]) <= TARGET_S else "**missed**"
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")
    return "\n".join(
        [
            f"# Standard: scorecards of {args.stations:,} stations",
            "",
            f"Command: `.venv/bin/python bench/standard_scorecard.py {' '.join(argv)}`  ",
            f"Machine: {platform.machine()}, {os.cpu_count()} shared CPUs, Python "
            f"{platform.python_version()}, SQLite; load average at the start {load:.1f}  ",
            f"Date: {when} UTC",
            "",
            f"Data: {args.stations:,} stations under 40 streets, each with a boundary, floor area, "
            "4 zones with equipment, 6 posts (A/B), an expert, 15–30 devices over the 8 classes, "
            "7 days of solar output, 60 work orders in the last 90 days with on-site contacts, "
            f"2 self-assessments; built in {build_s:.1f} s. Medians of {args.repeat} runs.",
            "",
            "| step | time |",
            "| --- | --- |",
            f"| **every station's scorecard, standard 1.0** ({r['1.0-cards']:,} cards, mean score "
            f"{r['1.0-score']:.1f} %) | **{r['1.0']:.2f} s** ({met}; target ≤ {TARGET_S:g} s) |",
            f"| every station's scorecard, standard 2.0 (mean score {r['2.0-score']:.1f} %) "
            f"| {r['2.0']:.2f} s |",
            f"| baseline: one station at a time (`scorecard_of`, {BASELINE_STATIONS} stations, "
            f"extrapolated) | {r['baseline']:.1f} s |",
            "",
        ]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stations", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=Path("bench/results/standard_scorecard.md"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        began = time.perf_counter()
        build(url, args.stations)
        build_s = time.perf_counter() - began
        result = measure(url, args.stations, args.repeat)
    text = markdown(argv, args, build_s, result)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
