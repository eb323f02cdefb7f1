"""The spot checks' periodic job: log the work orders' quota draws, pair those drawn."""

from __future__ import annotations

import logging

from jingwu.evaluation.checks import orange
from jingwu.worker.runner import JobContext, JobSpec

log = logging.getLogger("jingwu.evaluation")


def sync_orange(ctx: JobContext) -> None:
    """Log new quota draws' commitments and pair the samples drawn since (idempotent)."""
    with ctx.runtime.db.unit_of_work() as session:
        logged, paired = orange.sync(session, now=ctx.now)
    if logged or paired:
        log.info("orange draws: %d logged, %d paired with inspectors", logged, paired)


JOBS = [JobSpec("evaluation.checks.orange", interval_seconds=60, run=sync_orange)]
