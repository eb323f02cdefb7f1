"""The indices' periodic job: recompute a month once it has closed, and the month so far."""

from __future__ import annotations

import logging

from jingwu.evaluation.indices import schedule
from jingwu.worker.runner import JobContext, JobSpec

log = logging.getLogger("jingwu.evaluation")


def recompute_due(ctx: JobContext) -> None:
    """Recompute the periods that are due (idempotent)."""
    with ctx.runtime.db.unit_of_work() as session:
        done = schedule.run_due(session, now=ctx.now)
    if done:
        log.info("indices recomputed: %s", ", ".join(done))


JOBS = [
    JobSpec(
        "evaluation.indices.recompute", interval_seconds=900, run=recompute_due, lease_seconds=1800
    )
]
