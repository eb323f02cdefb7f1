"""The job runner: periodic jobs claimed in the database, so any number of workers is safe.

A job is claimed with one conditional UPDATE (due, and not leased by a live worker) whose
row count says whether this worker won; the lease expires if a worker dies mid-job. Jobs
are idempotent and derive everything from the database, so a re-run is harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from jingwu.registry import domain_modules
from jingwu.runtime import Runtime
from jingwu.worker.models import Job

log = logging.getLogger("jingwu.worker")


@dataclass(frozen=True)
class JobContext:
    """What a job gets: the runtime (database, blobs, settings) and the time it was claimed."""

    runtime: Runtime
    now: dt.datetime
    worker_id: str


@dataclass(frozen=True)
class JobSpec:
    """A periodic job: its name, how often it runs, the lease, and the function."""

    name: str
    interval_seconds: int
    run: Callable[[JobContext], object]
    lease_seconds: int = 300


def all_jobs() -> list[JobSpec]:
    """Every domain's ``JOBS``."""
    jobs: list[JobSpec] = []
    for module in domain_modules("jobs"):
        jobs.extend(getattr(module, "JOBS", []))
    return jobs


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:64]


def _ensure_row(runtime: Runtime, spec: JobSpec, now: dt.datetime) -> None:
    with runtime.db.unit_of_work() as session:
        if session.get(Job, spec.name) is not None:
            return
        try:
            with session.begin_nested():
                session.execute(
                    insert(Job).values(
                        name=spec.name,
                        interval_seconds=spec.interval_seconds,
                        next_run_at=now,
                        runs=0,
                    )
                )
        except IntegrityError:
            pass  # another worker created it first


def claim(
    runtime: Runtime, spec: JobSpec, *, worker_id: str, now: dt.datetime, force: bool = False
) -> bool:
    """Claim a due job for this worker; True when this worker won the claim."""
    _ensure_row(runtime, spec, now)
    due = Job.next_run_at <= now
    free = Job.locked_until.is_(None) | (Job.locked_until < now)
    with runtime.db.unit_of_work() as session:
        result = session.execute(
            update(Job)
            .where(Job.name == spec.name, free, *(() if force else (due,)))
            .values(
                locked_by=worker_id,
                locked_until=now + dt.timedelta(seconds=spec.lease_seconds),
                last_started_at=now,
            )
        )
        return bool(getattr(result, "rowcount", 0))


def finish(
    runtime: Runtime, spec: JobSpec, *, worker_id: str, started: dt.datetime, error: str | None
) -> None:
    """Release the lease and schedule the next run."""
    finished = runtime.clock()
    with runtime.db.unit_of_work() as session:
        session.execute(
            update(Job)
            .where(Job.name == spec.name, Job.locked_by == worker_id)
            .values(
                locked_by=None,
                locked_until=None,
                last_finished_at=finished,
                next_run_at=started + dt.timedelta(seconds=spec.interval_seconds),
                last_error=error,
                runs=Job.runs + 1,
            )
        )


def run_once(runtime: Runtime, spec: JobSpec, *, worker_id: str, force: bool = False) -> bool:
    """Claim and run one job if due; True when it ran."""
    now = runtime.clock()
    if not claim(runtime, spec, worker_id=worker_id, now=now, force=force):
        return False
    error: str | None = None
    try:
        spec.run(JobContext(runtime=runtime, now=now, worker_id=worker_id))
    except Exception as exc:  # a failing job must not stop the others
        log.exception("job %s failed", spec.name)
        error = f"{type(exc).__name__}: {exc}"[:2000]
    finish(runtime, spec, worker_id=worker_id, started=now, error=error)
    return True


def request_run(runtime: Runtime, name: str) -> None:
    """Make a job due now (an on-demand refresh)."""
    with runtime.db.unit_of_work() as session:
        session.execute(update(Job).where(Job.name == name).values(next_run_at=runtime.clock()))


def status(runtime: Runtime) -> list[Job]:
    with runtime.db.unit_of_work(write=False) as session:
        return list(session.scalars(select(Job).order_by(Job.name)))


def loop(
    runtime: Runtime,
    *,
    stop: threading.Event,
    tick_seconds: float = 1.0,
    jobs: list[JobSpec] | None = None,
) -> None:
    """Run due jobs until ``stop`` is set."""
    specs = jobs if jobs is not None else all_jobs()
    worker_id = worker_identity()
    log.info("worker %s started with %d jobs", worker_id, len(specs))
    while not stop.is_set():
        for spec in specs:
            if stop.is_set():
                break
            try:
                run_once(runtime, spec, worker_id=worker_id)
            except Exception:  # the database may be briefly unavailable: retry next tick
                log.exception("could not claim job %s", spec.name)
        stop.wait(tick_seconds)


ServiceFn = Callable[[Runtime, threading.Event], None]


def all_services() -> list[tuple[str, ServiceFn]]:
    """Long-running worker services (e.g. MQTT ingestion): ``SERVICES`` in a domain's jobs."""
    found: list[tuple[str, ServiceFn]] = []
    for module in domain_modules("jobs"):
        found.extend(getattr(module, "SERVICES", []))
    return found


def start_services(runtime: Runtime, stop: threading.Event) -> list[threading.Thread]:
    """Start every service in a daemon thread; each returns when ``stop`` is set."""
    threads = []
    for name, fn in all_services():
        thread = threading.Thread(target=fn, args=(runtime, stop), name=name, daemon=True)
        thread.start()
        threads.append(thread)
    return threads
