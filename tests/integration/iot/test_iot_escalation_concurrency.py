"""Two escalation sweeps at the same time, on a database of their own: each person is told
of each climb exactly once."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from jingwu.db import Database
from jingwu.iot.alert_ladder import first_escalation
from jingwu.iot.classes import DeviceClass
from jingwu.iot.jobs import JOBS, run_escalation
from jingwu.iot.models import Alert
from jingwu.notifications.models import Notification
from tests.conftest import fresh_database_url, upgrade
from tests.integration.iot.iot_factory import NOW, add_devices
from tests.integration.workorders.wo_factory import World, make_world

ALERTS = 60


@pytest.fixture
def own_db(tmp_path: Path) -> Iterator[tuple[Database, World]]:
    with fresh_database_url(tmp_path, "iot_esc") as url:
        upgrade(url)
        db = Database.from_url(url)
        with db.unit_of_work() as session:
            world = make_world(session)
            device = add_devices(session, world.units["SA01"], 1, DeviceClass.SMOKE_FIRE)[0][0]
            session.flush()
            for k in range(ALERTS):
                tier = ("red", "orange", "yellow")[k % 3]
                session.add(
                    Alert(
                        unit_id=device.unit_id,
                        device_id=device.id,
                        rule_code="smoke.alarm",
                        tier=tier,
                        state="open",
                        source="event",
                        raised_at=NOW,
                        reason_zh="烟雾浓度超限",
                        reason_en="smoke",
                        label_zh="烟雾报警",
                        label_en="Smoke alarm",
                        escalation_level=0,
                        next_escalation_at=first_escalation(tier, NOW),
                    )
                )
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
        t.join(timeout=300)
    assert not errors, errors


@pytest.mark.parametrize("skip_locked", [True, False], ids=["skip-locked", "same-rows"])
def test_two_concurrent_sweeps_notify_each_person_of_each_climb_exactly_once(
    own_db: tuple[Database, World], skip_locked: bool
) -> None:
    db, world = own_db
    later = NOW + dt.timedelta(hours=10)  # every alert is due for the top of its ladder

    def sweep() -> object:
        return run_escalation(db, now=later, limit=7, skip_locked=skip_locked)

    _together(sweep, sweep)
    with db.unit_of_work(write=False) as s:
        notes = Counter((n.user_id, n.link) for n in s.scalars(select(Notification)))
        levels = Counter(s.scalars(select(Alert.escalation_level)))
    assert set(notes.values()) == {1}
    users = {n: world.users[n].user.id for n in ("chief", "street", "director")}
    per_user = Counter(uid for uid, _ in notes)
    # red and orange reach the district, yellow stops at the street station
    assert per_user[users["chief"]] == ALERTS and per_user[users["street"]] == ALERTS
    assert per_user[users["director"]] == 2 * ALERTS // 3
    assert levels == {3: 2 * ALERTS // 3, 2: ALERTS // 3}
    # once more: nothing left to do
    assert run_escalation(db, now=later).notifications == 0


def test_the_escalation_job_is_scheduled() -> None:
    spec = next(j for j in JOBS if j.name == "iot.escalation")
    assert spec.interval_seconds <= 60
