"""The retention job: purge the messages of consultations past their ``retain_until``."""

from __future__ import annotations

from jingwu.consult import service
from jingwu.worker.runner import JobContext, JobSpec

PURGE_INTERVAL_SECONDS = 3600


def purge_job(ctx: JobContext) -> None:
    with ctx.runtime.db.unit_of_work() as session:
        service.purge_expired(session, now=ctx.now)


JOBS = [JobSpec("consult.purge", PURGE_INTERVAL_SECONDS, purge_job)]
