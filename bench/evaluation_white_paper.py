"""Benchmark: the annual white paper's PDF (target of issue 10: ≤ 30 s).

A demo database is seeded into a temporary SQLite file (`jingwu demo --seed-only`: 12
stations, a year of spot checks, mystery visits, surveys and incidents, recent work orders);
with ``--copies K`` the work orders are copied K more times, each copy a month earlier, so the
year's months all hold orders; then the district is grown to ``--stations`` stations
(copies of one station, the copied orders spread over all) and the command timed again.
Measured:

- the whole command, ``jingwu evaluation white-paper -o FILE.pdf`` in a fresh process (start-up,
  figures, HTML, WeasyPrint) — the headline figure, median of ``--repeat`` runs;
- in one process, medians: the key figures and content (`content.build`), the HTML
  (`render.print_html`), the PDF (`render.pdf`).

Same-run baseline: WeasyPrint printing a one-page document with one line of Chinese (the
printer's fixed cost).

    .venv/bin/python bench/evaluation_white_paper.py [--copies 10] [--repeat 3]
        [--stations 200] [--out bench/results/evaluation_white_paper.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

TARGET_S = 30.0
ROOT = Path(__file__).resolve().parents[1]


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        out.append(time.perf_counter() - began)
    return out


def jingwu(env: dict[str, str], *args: str) -> None:
    exe = Path(sys.executable).parent / "jingwu"
    subprocess.run(
        [str(exe), *args],
        env={**os.environ, **env},
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )


def copy_orders(url: str, copies: int) -> int:
    """Copy the work orders ``copies`` times, copy k shifted 30·k days earlier."""
    engine = create_engine(url)
    with engine.begin() as conn:
        cols = [r[1] for r in conn.execute(text("PRAGMA table_info(work_orders)"))]
        times = {
            "triaged_at",
            "received_at",
            "responded_at",
            "resolved_at",
            "closed_at",
            "response_due_at",
            "completion_due_at",
            "next_due_at",
            "updated_at",
        }
        for k in range(1, copies + 1):
            chosen = [c for c in cols if c != "id"]
            values = [
                f"code || '-c{k}'"
                if c == "code"
                else f"datetime({c}, '-{30 * k} days')"
                if c in times
                else c
                for c in chosen
            ]
            conn.execute(
                text(
                    f"INSERT INTO work_orders ({', '.join(chosen)}) "
                    f"SELECT {', '.join(values)} FROM work_orders WHERE code NOT LIKE '%-c%'"
                )
            )
        total = conn.execute(text("SELECT count(*) FROM work_orders")).scalar_one()
    engine.dispose()
    return int(total)


def add_stations(url: str, stations: int) -> int:
    """Grow the district to ``stations`` stations (copies of BS01 under its street) and
    hand the copied work orders round-robin to every station."""
    engine = create_engine(url)
    with engine.begin() as conn:
        have = conn.execute(text("SELECT count(*) FROM units WHERE kind = 'community'"))
        for n in range(have.scalar_one(), stations):
            conn.execute(
                text(
                    "INSERT INTO units (kind, parent_id, path, name, name_en, short_code, "
                    "division_code, org_code, address, phone, lon, lat, boundary, floor_area_m2, "
                    "design, residents, opened_on, created_at) SELECT kind, parent_id, path, "
                    f"name || '{n}', name_en, 'B{n:05d}', division_code, 'ORG{n:015d}', address, "
                    "phone, lon, lat, boundary, floor_area_m2, design, residents, opened_on, "
                    "created_at FROM units WHERE short_code = 'BS01'"
                )
            )
            conn.execute(
                text(
                    "UPDATE units SET path = substr(path, 1, length(path) - 2) || id || '/' "
                    f"WHERE short_code = 'B{n:05d}'"
                )
            )
        ids = [r[0] for r in conn.execute(text("SELECT id FROM units WHERE kind = 'community'"))]
        orders = [
            r[0]
            for r in conn.execute(
                text("SELECT id FROM work_orders WHERE code LIKE '%-c%' ORDER BY id")
            )
        ]
        for k, order in enumerate(orders):
            conn.execute(
                text("UPDATE work_orders SET unit_id = :u WHERE id = :o"),
                {"u": ids[k % len(ids)], "o": order},
            )
        total = len(ids)
    engine.dispose()
    return total


def in_process(env: dict[str, str], repeat: int) -> dict[str, float]:
    os.environ.update(env)
    from jingwu.accounts.scope import SYSTEM  # noqa: PLC0415 - after the environment is set
    from jingwu.config import get_settings  # noqa: PLC0415
    from jingwu.evaluation.whitepaper import content, render  # noqa: PLC0415
    from jingwu.runtime import start  # noqa: PLC0415

    runtime = start(get_settings())
    now = datetime.now(UTC)
    with runtime.db.unit_of_work() as session:

        def build() -> content.WhitePaper:
            return content.build(session, SYSTEM, year=now.year, now=now)

        paper = build()
        figures = statistics.median(timed(build, repeat))
    html = statistics.median(timed(lambda: render.print_html(paper, "zh_CN"), repeat))
    render.pdf(paper)  # warm: imports WeasyPrint, loads the fonts
    pdf = statistics.median(timed(lambda: render.pdf(paper), repeat))

    from weasyprint import HTML  # noqa: PLC0415

    def minimal() -> bytes:
        page = '<html><body style="font-family: Noto Sans CJK SC">社区警务白皮书</body></html>'
        return bytes(HTML(string=page).write_pdf())

    base = statistics.median(timed(minimal, repeat))
    return {
        "figures": figures,
        "html": html,
        "pdf": pdf,
        "baseline": base,
        "indicators": len(paper.figures.figures),
        "stations": len(paper.figures.stations),
    }


def command_run(env: dict[str, str], out: Path, repeat: int) -> tuple[float, float]:
    """The whole command in fresh processes: median wall time and mean CPU time (s)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(lambda: jingwu(env, "evaluation", "white-paper", "-o", str(out)), repeat)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return statistics.median(wall), cpu / repeat


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--stations", type=int, default=200, help="also grow the district to N stations"
    )
    parser.add_argument("--out", type=Path, default=Path("bench/results/evaluation_white_paper.md"))
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        env = {"JINGWU_DATABASE_URL": url, "JINGWU_VAR_DIR": f"{tmp}/var", "JINGWU_DEMO": "1"}
        jingwu(env, "demo", "--seed-only")
        orders = copy_orders(url, args.copies)
        out = Path(tmp) / "white-paper.pdf"
        whole, cpu = command_run(env, out, args.repeat)
        size = out.stat().st_size
        parts = in_process(env, args.repeat)
        add_stations(url, args.stations)
        big_whole, big_cpu = command_run(env, out, args.repeat)
        big_size = out.stat().st_size
    met = "met" if whole <= TARGET_S else "**missed**"
    big_met = "met" if big_whole <= TARGET_S else "**missed**"
    lines = [
        "# Evaluation: the annual white paper's PDF",
        "",
        f"Command: `.venv/bin/python bench/evaluation_white_paper.py --copies {args.copies} "
        f"--repeat {args.repeat} --stations {args.stations}`  ",
        f"Machine: {platform.machine()}, {os.cpu_count()} shared CPUs, Python "
        f"{platform.python_version()}; load average at the start {load:.1f}  ",
        f"Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Data: the demo district ({parts['stations']} stations) with its work orders copied "
        f"{args.copies} times a month apart ({orders:,} orders); {parts['indicators']} key "
        f"indicators; the PDF {size / 1e6:.2f} MB. Then the same district grown to "
        f"{args.stations} stations (copies of one, the orders spread over all; the PDF "
        f"{big_size / 1e6:.2f} MB). Medians of {args.repeat} runs; CPU is the command's user "
        "and system time, which the shared machine's load does not inflate.",
        "",
        "| step | time |",
        "| --- | --- |",
        f"| **the whole command `jingwu evaluation white-paper -o FILE.pdf`, fresh process, "
        f"{parts['stations']} stations** | **{whole:.1f} s** ({met}; target ≤ "
        f"{TARGET_S:.0f} s); CPU {cpu:.1f} s |",
        f"| the same, {args.stations} stations | {big_whole:.1f} s ({big_met}); "
        f"CPU {big_cpu:.1f} s |",
        f"| key figures and content (`content.build`), {parts['stations']} stations | "
        f"{parts['figures']:.2f} s |",
        f"| the HTML (`render.print_html`) | {parts['html'] * 1000:.0f} ms |",
        f"| the PDF from the content (`render.pdf`, WeasyPrint warm) | {parts['pdf']:.2f} s |",
        f"| baseline: WeasyPrint printing one line of Chinese | {parts['baseline']:.2f} s |",
    ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
