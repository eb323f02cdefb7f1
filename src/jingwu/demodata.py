"""Seeding the demo district: every domain's ``demo`` module contributes, in ``ORDER``.

A domain's ``demo.py`` has ``ORDER`` (int) and ``seed(session, ctx) -> None``; the context
carries a seeded random generator and what earlier seeds created, so data is realistic,
connected and the same on every run.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from jingwu.org.models import Unit
from jingwu.registry import domain_modules
from jingwu.runtime import Runtime

DEMO_PASSWORD = "jingwu-demo"  # noqa: S105 - the documented password of the demo accounts


@dataclass
class DemoContext:
    """Shared by the seeds of one run."""

    runtime: Runtime
    now: dt.datetime
    rng: random.Random
    data: dict[str, Any] = field(default_factory=dict)


def seed_if_empty(runtime: Runtime, *, seed: int = 20261129) -> bool:
    """Seed every domain once; False when the database already holds units."""
    with runtime.db.unit_of_work() as session:
        if session.scalar(select(func.count()).select_from(Unit)):
            return False
    ctx = DemoContext(runtime=runtime, now=runtime.clock(), rng=random.Random(seed))
    modules = sorted(domain_modules("demo"), key=lambda m: getattr(m, "ORDER", 50))
    for module in modules:
        with runtime.db.unit_of_work() as session:
            module.seed(session, ctx)
    return True
