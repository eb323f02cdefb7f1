"""Demo seed of the evaluation domain: a year of values, indices, PDCA lists and checks.

Runs after the work orders, IoT and analytics seeds, whose rows the indices are computed from.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from jingwu.demodata import DemoContext
from jingwu.evaluation.checks import demo as checks_demo
from jingwu.evaluation.improvement import demo as pdca_demo

ORDER = 90


def seed(session: Session, ctx: DemoContext) -> None:
    """Each sub-area's seed, in order."""
    checks_demo.seed(session, ctx)
    pdca_demo.seed(session, ctx)
