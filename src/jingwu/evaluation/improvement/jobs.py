"""The improvement lists' periodic job: tell owners and heads of overdue items, escalate."""

from __future__ import annotations

import logging

from jingwu.evaluation.improvement import overdue
from jingwu.worker.runner import JobContext, JobSpec

log = logging.getLogger("jingwu.evaluation")


def sweep_overdue(ctx: JobContext) -> None:
    """Notify each overdue item once per level, batch by batch (idempotent)."""
    while True:
        with ctx.runtime.db.unit_of_work() as session:
            run = overdue.sweep(session, now=ctx.now)
        if run.overdue or run.escalated:
            log.info(
                "improvement items: %d overdue, %d escalated, %d notifications",
                run.overdue,
                run.escalated,
                run.notifications,
            )
        if max(run.overdue, run.escalated) < overdue.BATCH:
            break


JOBS = [JobSpec("evaluation.pdca.overdue", interval_seconds=300, run=sweep_overdue)]
