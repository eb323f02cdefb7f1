"""Overdue improvement items notify the owner and the head, then escalate, each once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.evaluation.improvement import jobs, overdue, service
from jingwu.evaluation.improvement.models import PdcaItem
from jingwu.notifications.models import Notification
from jingwu.runtime import Runtime
from jingwu.worker.runner import JobContext, all_jobs
from tests.integration.workorders.wo_factory import World, make_world

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def w(session: Session) -> World:
    return make_world(session)


def notes(session: Session) -> list[tuple[int, str, str]]:
    rows = session.execute(
        select(Notification.user_id, Notification.kind, Notification.link).where(
            Notification.kind.startswith("eval.pdca")
        )
    )
    return sorted((u, k, link) for u, k, link in rows)


def one_item(session: Session, w: World) -> PdcaItem:
    return service.open_rectification(
        session,
        w.p["chief"],
        unit="SA01",
        title="电动车违规充电整改",
        due=dt.date(2026, 12, 1),
        owner="officer",
        source_ref="STD-7",
        now=NOW,
    )


def test_overdue_items_notify_owner_and_chief_then_the_street_once(
    session: Session, w: World
) -> None:
    item = one_item(session, w)
    due = item.due_at
    assert overdue.sweep(session, now=due - dt.timedelta(seconds=1)).overdue == 0
    run = overdue.sweep(session, now=due)
    assert (run.overdue, run.escalated) == (1, 0)
    link = f"/evaluation/pdca/items/{item.id}"
    officer, chief = w.users["officer"].user.id, w.users["chief"].user.id
    street = w.users["street"].user.id
    assert notes(session) == sorted(
        [(officer, "eval.pdca_overdue", link), (chief, "eval.pdca_overdue", link)]
    )
    again = overdue.sweep(session, now=due + dt.timedelta(days=1))
    assert (again.overdue, again.escalated, again.notifications) == (0, 0, 0)
    run = overdue.sweep(session, now=due + overdue.ESCALATE_AFTER)
    assert (run.overdue, run.escalated) == (0, 1)
    escalated = [n for n in notes(session) if n[1] == "eval.pdca_escalated"]
    assert sorted(u for u, _, _ in escalated) == sorted([officer, chief, street])
    assert overdue.sweep(session, now=due + dt.timedelta(days=20)).notifications == 0
    session.refresh(item)
    assert item.escalation_level == 2


def test_done_items_and_other_units_are_left_alone(session: Session, w: World) -> None:
    item = one_item(session, w)
    for stage in ["do", "check", "act", "done"]:
        service.move(session, w.p["chief"], item_id=item.id, to=stage, note="已整改", now=NOW)
    run = overdue.sweep(session, now=item.due_at + dt.timedelta(days=10))
    assert (run.overdue, run.escalated) == (0, 0) and notes(session) == []


def test_a_new_due_date_starts_the_notices_again(session: Session, w: World) -> None:
    item = one_item(session, w)
    overdue.sweep(session, now=item.due_at)
    session.refresh(item)
    service.assign(
        session, w.p["chief"], item_id=item.id, due=dt.date(2026, 12, 20), now=item.due_at
    )
    assert item.escalation_level == 0
    assert overdue.sweep(session, now=item.due_at).overdue == 1


def test_the_job_is_scheduled_and_sweeps(runtime: Runtime, w: World, session: Session) -> None:
    assert "evaluation.pdca.overdue" in {j.name for j in all_jobs()}
    item = one_item(session, w)
    session.commit()
    jobs.sweep_overdue(JobContext(runtime, item.due_at + dt.timedelta(days=8), "test"))
    with runtime.db.unit_of_work() as fresh:
        assert fresh.get(PdcaItem, item.id).escalation_level == 2  # type: ignore[union-attr]
