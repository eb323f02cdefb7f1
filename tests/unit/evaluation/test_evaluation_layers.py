"""The evaluation cores are pure: importing them loads no database, web or ORM code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jingwu.evaluation

PACKAGE = Path(jingwu.evaluation.__file__).parent
FORBIDDEN = ("sqlalchemy", "fastapi", "starlette", "jingwu.db", "jingwu.web")
# The domain's plumbing (the registry's conventional modules) is not a core.
NOT_CORES = {"models", "routes", "api", "cli", "jobs", "demo", "permissions"}


def test_no_evaluation_core_reaches_the_database_or_the_web() -> None:
    modules = sorted(
        f"jingwu.evaluation.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem not in NOT_CORES
    )
    program = (
        "import importlib, json, sys\n"
        f"sys.path.insert(0, {str(PACKAGE.parents[1])!r})\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    ).stdout
    loaded = json.loads(out)
    bad = [m for m in loaded if m.split(".")[0] in FORBIDDEN or m.startswith(FORBIDDEN[3:])]
    assert not bad, f"evaluation cores import {bad}"
    assert len(modules) >= 9
