"""Worker jobs of the portal (intranet): intake of the public inbox and publication."""

from __future__ import annotations

import logging

from jingwu.portal.intake import intake_pending, publish, ratings_pending
from jingwu.worker.runner import JobContext, JobSpec

log = logging.getLogger("jingwu.portal")


def intake(ctx: JobContext) -> None:
    """Inbox rows -> work orders; portal ratings -> feedback."""
    with ctx.runtime.db.unit_of_work() as session:
        orders = intake_pending(session, blobs=ctx.runtime.blobs, now=ctx.now)
        ratings = ratings_pending(session, now=ctx.now)
    if orders.done or orders.failed or ratings.done or ratings.failed:
        log.info(
            "portal.intake: %d orders (%d failed), %d ratings (%d failed)",
            orders.done,
            orders.failed,
            ratings.done,
            ratings.failed,
        )


def publish_job(ctx: JobContext) -> None:
    """The orders' public status back to pub_requests."""
    with ctx.runtime.db.unit_of_work() as session:
        changed = publish(session, now=ctx.now)
    if changed:
        log.info("portal.publish: %d requests updated", changed)


JOBS = [
    JobSpec("portal.intake", interval_seconds=30, run=intake, lease_seconds=300),
    JobSpec("portal.publish", interval_seconds=60, run=publish_job, lease_seconds=300),
]
