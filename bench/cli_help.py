"""Benchmark: how long `jingwu --help` takes (lazy command loading, issue 9 section 6).

Runs the console script's `--help` several times in fresh processes and reports the median
wall time and CPU time (user + system of the child). Same-run baseline: a bare interpreter
start (`python -c pass`), which no command line can beat, and `python -c "import
jingwu.web.app"` (what `--help` cost when every domain's commands were imported eagerly:
the web app, SQLAlchemy, FastAPI and NumPy).

    .venv/bin/python bench/cli_help.py [--repeat 15] [--out bench/results/cli_help.md]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
JINGWU = Path(sys.executable).with_name("jingwu")
TARGET_S = 1.0  # a help screen should feel instant; it took 2.5–7 s before


def _run(argv: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(argv: list[str], repeat: int) -> tuple[float, float]:
    runs = [_run(argv) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "cli_help.md")
    args = parser.parse_args()
    cases = {
        "`python -c pass` (interpreter start)": [sys.executable, "-c", "pass"],
        "`jingwu --help`": [str(JINGWU), "--help"],
        "`import jingwu.web.app` (the eager cost)": [
            sys.executable,
            "-c",
            "import jingwu.web.app",
        ],
    }
    rows = []
    for label, argv in cases.items():
        wall, cpu = measure(argv, args.repeat)
        rows.append((label, wall, cpu))
        print(f"{label}: wall {wall * 1000:.0f} ms, cpu {cpu * 1000:.0f} ms", flush=True)
    load = os.getloadavg()[0]
    help_wall = rows[1][1]
    verdict = "met" if help_wall <= TARGET_S else "**missed**"
    lines = [
        "## `jingwu --help` (`cli_help`)",
        "",
        f"Command: `.venv/bin/python bench/cli_help.py --repeat {args.repeat}`; "
        f"{datetime.now(UTC):%Y-%m-%d}, {platform.machine()}, load average {load:.1f}. "
        f"Medians of {args.repeat} fresh processes. Target ≤ {TARGET_S:.0f} s — {verdict}.",
        "",
        "| command | wall | CPU |",
        "| --- | --- | --- |",
        *(f"| {label} | {w * 1000:.0f} ms | {c * 1000:.0f} ms |" for label, w, c in rows),
        "",
    ]
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
