"""Worker jobs of the work orders: the SLA sweep (every minute)."""

from __future__ import annotations

import logging

from jingwu.worker.runner import JobContext, JobSpec
from jingwu.workorders.sweep import run_sweep

log = logging.getLogger("jingwu.workorders")


def sweep(ctx: JobContext) -> None:
    """One sweep pass: warnings, breaches, escalation, task reminders, window closes."""
    report = run_sweep(ctx.runtime.db, now=ctx.now)
    if report.alerts or report.closed:
        log.info(
            "sweep: %d orders, %d alerts, %d overdue, %d notifications, %d closed",
            report.orders,
            report.alerts,
            report.overdue,
            report.notifications,
            report.closed,
        )


JOBS = [JobSpec("workorders.sweep", interval_seconds=60, run=sweep, lease_seconds=600)]
