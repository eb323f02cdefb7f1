"""The work orders' orange quota draws: logged before the month, paired, verified."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.errors import Conflict
from jingwu.evaluation.checks import orange, outcomes, queries
from jingwu.evaluation.checks.models import CheckDraw
from jingwu.evaluation.checks.verify import verify_draw
from jingwu.evidence.logkeys import LogKeys, load_log_keys
from jingwu.runtime import Runtime
from jingwu.workorders import draw as wo_quota
from jingwu.workorders import service_draws
from jingwu.workorders.models import WorkOrder
from tests.integration.evaluation.checks.checks_world import DEC1, JAN1, NOW, SEED, completed, sign
from tests.integration.workorders.wo_factory import World, make_world


@pytest.fixture
def w(session: Session) -> World:
    return make_world(session)


@pytest.fixture
def keys(runtime: Runtime) -> LogKeys:
    return load_log_keys(runtime.settings)


def test_an_orange_draw_committed_here_is_logged_at_once_paired_and_verified(
    session: Session, w: World, keys: LogKeys
) -> None:
    row = orange.commit(session, w.p["inspector"], station="SA01", month="2026-12", now=NOW)
    assert row.code == "SA01-202612-Q" and row.kind == "orange"
    assert row.commit_log_index is not None and row.inspectors == [
        "director",
        "inspector",
        "street",
    ]
    orders = completed(session, w, resolved=DEC1 + dt.timedelta(days=2), n=10)
    paired = orange.reveal(session, w.p["inspector"], station="SA01", month="2026-12", now=JAN1)
    pairs = paired.pairs or {}
    assert len(pairs["reinspection"]) == 3 and len(pairs["home_visit"]) == 2
    wo = service_draws.list_draws(session, w.p["inspector"])[0][0]
    assert [t for t, _ in pairs["reinspection"]] == wo.reinspection
    assert wo.reinspection == list(wo_quota.draw(wo.seed, [o.code for o in orders]).reinspection)
    sign(session, keys, JAN1)
    verdict = verify_draw(session, w.p["director"], code=row.code, keys=keys)
    assert verdict.ok, verdict.sentence()
    assert verdict.params["count"] == 5
    target = pairs["home_visit"][0][0]
    visit = outcomes.record_outcome(
        session,
        w.p["inspector"],
        code=row.code,
        purpose="home_visit",
        target=target,
        status="follow_up",
        finding="群众反映噪音仍未解决",
        now=JAN1,
    )
    assert visit.follow_up_order == target
    assert session.scalar(select(WorkOrder.state).where(WorkOrder.code == target)) == "assigned"


def test_draws_committed_on_the_work_order_pages_are_logged_by_the_job(
    session: Session, w: World, keys: LogKeys
) -> None:
    service_draws.commit_draw(session, w.p["street"], station="SA01", month="2026-12", now=NOW)
    service_draws.commit_draw(session, w.p["b_street"], station="SB01", month="2026-12", now=NOW)
    assert orange.sync(session, now=NOW) == (2, 0)
    assert orange.sync(session, now=NOW) == (0, 0)  # idempotent
    completed(session, w, resolved=DEC1 + dt.timedelta(days=2), n=4)
    service_draws.reveal_draw(session, w.p["street"], station="SA01", month="2026-12", now=JAN1)
    assert orange.sync(session, now=JAN1) == (0, 1)
    sign(session, keys, JAN1)
    verdict = verify_draw(session, w.p["director"], code="SA01-202612-Q", keys=keys)
    assert verdict.ok, verdict.sentence()
    listed = queries.list_draws(session, w.p["director"], year=2026, kind="orange")
    assert [r.draw.code for r in listed] == ["SA01-202612-Q", "SB01-202612-Q"]


def test_an_orange_draw_logged_only_after_its_month_began_does_not_verify(
    session: Session, w: World, keys: LogKeys
) -> None:
    service_draws.commit_draw(session, w.p["street"], station="SA01", month="2026-12", now=NOW)
    completed(session, w, resolved=DEC1 + dt.timedelta(days=2), n=4)
    # Nobody logged it before December (no worker ran): the reveal logs it late.
    row = orange.reveal(session, w.p["inspector"], station="SA01", month="2026-12", now=JAN1)
    sign(session, keys, JAN1)
    verdict = verify_draw(session, w.p["director"], code=row.code, keys=keys)
    assert not verdict.ok
    assert verdict.sentence() == "The commitment was logged only after 2026-12 had begun."


def test_a_tampered_orange_sample_does_not_verify(
    session: Session, w: World, keys: LogKeys
) -> None:
    row = orange.commit(session, w.p["inspector"], station="SA01", month="2026-12", now=NOW)
    completed(session, w, resolved=DEC1 + dt.timedelta(days=2), n=10)
    orange.reveal(session, w.p["inspector"], station="SA01", month="2026-12", now=JAN1)
    sign(session, keys, JAN1)
    wo = service_draws.list_draws(session, w.p["inspector"])[0][0]
    wo.reinspection = list(reversed(wo.reinspection or []))
    session.flush()
    verdict = verify_draw(session, w.p["director"], code=row.code, keys=keys)
    assert not verdict.ok and "other samples" in verdict.sentence()


def test_an_orange_draw_is_committed_once(session: Session, w: World) -> None:
    orange.commit(session, w.p["inspector"], station="SA01", month="2026-12", now=NOW)
    with pytest.raises(Conflict):
        orange.commit(session, w.p["inspector"], station="SA01", month="2026-12", now=NOW)
    assert len(session.scalars(select(CheckDraw)).all()) == 1
    assert SEED  # the work orders choose the seed themselves
