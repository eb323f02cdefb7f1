"""Two sweeps, or two intakes, at the same time on a database of their own."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jingwu.db import Database
from jingwu.notifications.models import Notification
from jingwu.workorders import service
from jingwu.workorders.models import Alert, OverdueRecord, WorkOrder
from jingwu.workorders.sweep import run_sweep
from tests.conftest import fresh_database_url, upgrade
from tests.integration.workorders.wo_factory import NOW, World, intake_data, make_world

H = dt.timedelta(hours=1)
ORDERS = 40


@pytest.fixture
def own_db(tmp_path: Path) -> Iterator[tuple[Database, World]]:
    with fresh_database_url(tmp_path, "wo_conc") as url:
        upgrade(url)
        db = Database.from_url(url)
        with db.unit_of_work() as session:
            world = make_world(session)
        try:
            yield db, world
        finally:
            db.engine.dispose()


def _together(*jobs: Callable[[], object]) -> None:
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job: Callable[[], object]) -> None:
        barrier.wait()
        try:
            job()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


def _seed_red_orders(db: Database, world: World) -> None:
    with db.unit_of_work() as session:
        for k in range(ORDERS):
            service.intake(
                session,
                world.p["officer"],
                data=intake_data(category="fight", description="打架", address=f"{k} 号"),
                now=NOW,
            )


def _counts(db: Database) -> tuple[int, int, int]:
    with db.unit_of_work(write=False) as s:
        return (
            s.scalar(select(func.count()).select_from(Alert)) or 0,
            s.scalar(select(func.count()).select_from(OverdueRecord)) or 0,
            s.scalar(select(func.count()).select_from(Notification)) or 0,
        )


@pytest.mark.parametrize("skip_locked", [True, False], ids=["skip-locked", "same-rows"])
def test_two_concurrent_sweeps_write_each_record_exactly_once(
    own_db: tuple[Database, World], skip_locked: bool
) -> None:
    db, world = own_db
    _seed_red_orders(db, world)
    now = NOW + H * 2  # every red order: response 50 %, 80 % and breached
    _together(
        lambda: run_sweep(db, now=now, batch=7, skip_locked=skip_locked),
        lambda: run_sweep(db, now=now, batch=7, skip_locked=skip_locked),
    )
    # per order: 3 alerts, 1 overdue record; officer 3 + chief 2 + street 1 + director 1
    assert _counts(db) == (ORDERS * 3, ORDERS, ORDERS * 7)
    run_sweep(db, now=now)
    assert _counts(db) == (ORDERS * 3, ORDERS, ORDERS * 7)


def test_concurrent_intakes_get_distinct_consecutive_codes(
    own_db: tuple[Database, World],
) -> None:
    db, world = own_db

    def file_orders(who: str) -> None:
        for _ in range(15):
            with db.unit_of_work() as session:
                service.intake(session, world.p[who], data=intake_data(), now=NOW)

    _together(lambda: file_orders("officer"), lambda: file_orders("officer2"))
    with db.unit_of_work(write=False) as s:
        codes = sorted(s.scalars(select(WorkOrder.code)))
    assert codes == [f"SA01-20261129-{n:04d}" for n in range(1, 31)]
