from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from jingwu.blobs.store import DirectoryBlobStore
from jingwu.config import Settings
from jingwu.db import Database
from jingwu.runtime import Runtime
from jingwu.security import keys
from jingwu.worker import runner
from tests.conftest import FrozenClock, fresh_database_url, upgrade


def job(calls: list[str], name: str = "tick") -> runner.JobSpec:
    return runner.JobSpec(
        name=name, interval_seconds=60, run=lambda ctx: calls.append(ctx.worker_id)
    )


def test_a_job_runs_once_per_interval(runtime: Runtime, clock: FrozenClock) -> None:
    calls: list[str] = []
    spec = job(calls)
    assert runner.run_once(runtime, spec, worker_id="w1")
    assert not runner.run_once(runtime, spec, worker_id="w2")
    clock.advance(seconds=61)
    assert runner.run_once(runtime, spec, worker_id="w2")
    assert calls == ["w1", "w2"]


def test_a_live_lease_blocks_others_and_an_expired_one_does_not(
    runtime: Runtime, clock: FrozenClock
) -> None:
    spec = job([])
    assert runner.claim(runtime, spec, worker_id="w1", now=clock.now)
    assert not runner.claim(runtime, spec, worker_id="w2", now=clock.now, force=True)
    later = clock.now + dt.timedelta(seconds=spec.lease_seconds + 1)
    assert runner.claim(runtime, spec, worker_id="w2", now=later)


def test_a_failing_job_records_its_error_and_is_rescheduled(
    runtime: Runtime, clock: FrozenClock
) -> None:
    def boom(ctx: runner.JobContext) -> None:
        raise RuntimeError("disk full")

    spec = runner.JobSpec(name="boom", interval_seconds=30, run=boom)
    assert runner.run_once(runtime, spec, worker_id="w1")
    row = next(j for j in runner.status(runtime) if j.name == "boom")
    assert row.last_error == "RuntimeError: disk full" and row.locked_by is None
    assert row.next_run_at == clock.now + dt.timedelta(seconds=30)


def test_two_workers_racing_run_the_job_exactly_once(tmp_path: Path, keyring: keys.Keyring) -> None:
    with fresh_database_url(tmp_path, "race") as url:
        upgrade(url)
        db = Database.from_url(url)
        rt = Runtime(
            settings=Settings(var_dir=tmp_path),
            keyring=keyring,
            db=db,
            blobs=DirectoryBlobStore(tmp_path / "b", keyring),
            clock=FrozenClock(),
        )
        calls: list[str] = []
        lock = threading.Lock()

        def run(ctx: runner.JobContext) -> None:
            with lock:
                calls.append(ctx.worker_id)

        spec = runner.JobSpec(name="race", interval_seconds=600, run=run)
        barrier = threading.Barrier(4)

        def contender(i: int) -> None:
            barrier.wait()
            runner.run_once(rt, spec, worker_id=f"w{i}")

        threads = [threading.Thread(target=contender, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        db.engine.dispose()
        assert len(calls) == 1


def test_the_prune_job_drops_ended_sessions_only(runtime: Runtime, clock: FrozenClock) -> None:
    from jingwu.accounts import service
    from jingwu.accounts.jobs import prune
    from jingwu.accounts.models import WebSession
    from tests.factories.accounts import make_user
    from tests.factories.org import make_tree

    with runtime.db.unit_of_work() as session:
        user = make_user(session, make_tree(session)["SA01"], "officer").user
        service.open_session(session, user=user, ip="", user_agent="", now=clock.now, hours=1)
        service.open_session(session, user=user, ip="", user_agent="", now=clock.now, hours=5)
    clock.advance(hours=2)
    done = prune(runner.JobContext(runtime=runtime, now=clock.now, worker_id="w"))
    assert done["sessions"] == 1
    with runtime.db.unit_of_work() as session:
        assert len(session.query(WebSession).all()) == 1
