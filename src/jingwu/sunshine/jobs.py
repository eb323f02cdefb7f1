"""The sunshine portal's periodic job: publish a new dataset version when figures change."""

from __future__ import annotations

import logging

from jingwu.sunshine import service
from jingwu.worker.runner import JobContext, JobSpec

log = logging.getLogger("jingwu.sunshine")


def publish(ctx: JobContext) -> None:
    """Publish the sunshine dataset (idempotent: unchanged figures write nothing)."""
    with ctx.runtime.db.unit_of_work() as session:
        done = service.publish(session, now=ctx.now)
    if done.version is not None:
        log.info("sunshine dataset version %d published", done.version.version)


# Hourly at least (the floor); every 15 minutes keeps the lag short and costs one
# read of a year of orders, which the content hash turns into no write when unchanged.
JOBS = [JobSpec("sunshine.publish", interval_seconds=900, run=publish, lease_seconds=600)]
