"""Run every benchmark script under bench/ and assemble bench/RESULTS.md.

Each script writes its own section to ``bench/results/<name>.md`` (with the command that
produced it and a baseline measured in the same run); this runner executes them in turn and
concatenates the sections after the index (``bench/results/index.md``: one row per benchmark
with its latest figure, target, command and date). Run one script alone with
``.venv/bin/python bench/<name>.py``; ``--assemble`` only rebuilds RESULTS.md.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
RESULTS = HERE / "results"


INDEX = RESULTS / "index.md"


def assemble() -> None:
    """RESULTS.md: the header, the index, then every script's section."""
    sections = sorted(p for p in RESULTS.glob("*.md") if p != INDEX)
    header = (
        "# Benchmark results\n\nProduced by `make bench` (`python bench/run_all.py`), one "
        "section per script; each section names the exact command and compares against a "
        "baseline measured in the same run. The machine: 2 shared cores, so absolute "
        "times are noisy.\n\n"
    )
    parts = [INDEX.read_text().strip()] if INDEX.exists() else []
    body = "\n\n".join(parts + [p.read_text().strip() for p in sections])
    (HERE / "RESULTS.md").write_text(header + body + "\n")


def main(argv: list[str]) -> int:
    if argv == ["--assemble"]:
        assemble()
        return 0
    wanted = set(argv)
    scripts = sorted(p for p in HERE.glob("*.py") if p.name != "run_all.py")
    failed = []
    for script in scripts:
        if wanted and script.stem not in wanted:
            continue
        print(f"== {script.name}", flush=True)
        start = time.monotonic()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        print(f"== {script.name}: exit {code} in {time.monotonic() - start:.0f} s", flush=True)
        if code != 0:
            failed.append(script.name)
    assemble()
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
