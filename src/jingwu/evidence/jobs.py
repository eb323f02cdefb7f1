"""Evidence in the worker: the sequencer (a long-running service) and the scrub job."""

from __future__ import annotations

import threading

from jingwu.evidence import scrub, sequencer
from jingwu.evidence.logkeys import load_log_keys
from jingwu.runtime import Runtime
from jingwu.worker.runner import JobContext, JobSpec

SCRUB_INTERVAL_SECONDS = 3600


def run_sequencer(runtime: Runtime, stop: threading.Event) -> None:
    """Sequence recorded entries and sign checkpoints until the worker stops."""
    keys = load_log_keys(runtime.settings)
    sequencer.run(runtime.db, keys, clock=runtime.clock, stop=stop)


def scrub_job(ctx: JobContext) -> None:
    """Re-check the next window of files, entries and tree nodes; alert on mismatches."""
    keys = load_log_keys(ctx.runtime.settings)
    with ctx.runtime.db.unit_of_work() as session:
        scrub.scrub(session, ctx.runtime.blobs, keys, now=ctx.now)


JOBS = [JobSpec("evidence.scrub", SCRUB_INTERVAL_SECONDS, scrub_job, lease_seconds=1800)]
SERVICES = [("evidence-sequencer", run_sequencer)]
