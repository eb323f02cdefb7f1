"""Double-random draws on the database: commit and log, draw, verify, outcomes, scope."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.evaluation.checks import draws as core
from jingwu.evaluation.checks import outcomes, queries, service
from jingwu.evaluation.checks.models import CheckDraw
from jingwu.evaluation.checks.verify import verify_draw
from jingwu.evidence import entry as entry_format
from jingwu.evidence.logkeys import LogKeys, load_log_keys
from jingwu.evidence.models import EvidenceEntry
from jingwu.runtime import Runtime
from jingwu.workorders.models import WorkOrder
from tests.integration.evaluation.checks.checks_world import (
    DEC1,
    JAN1,
    NOW,
    SEED,
    completed,
    sign,
)
from tests.integration.workorders.wo_factory import World, make_world


@pytest.fixture
def w(session: Session) -> World:
    return make_world(session)


@pytest.fixture
def keys(runtime: Runtime) -> LogKeys:
    return load_log_keys(runtime.settings)


def station_draw(session: Session, w: World, period: str = "2026-12", **over: object) -> CheckDraw:
    args: dict[str, object] = {"kind": "station", "unit": "D000", "period": period, "now": NOW}
    args.update(over)
    return service.commit_draw(session, w.p["inspector"], seed=SEED, **args)  # type: ignore[arg-type]


def test_a_station_draw_is_logged_before_it_is_drawn_and_verifies(
    session: Session, w: World, keys: LogKeys
) -> None:
    row = station_draw(session, w, quota="2")
    assert row.code == "D000-202612-S" and row.commitment == core.commit(SEED)
    assert row.inspectors == ["b-street", "director", "inspector", "street"]
    assert row.commit_log_index is not None and row.drawn_at is None
    logged = session.get(EvidenceEntry, row.commit_entry_id)
    assert logged is not None
    entry = entry_format.decode(bytes(logged.body))
    assert (entry.order, entry.version, entry.category) == (row.code, 1, "documentary_evidence")
    assert row.commitment in entry.note
    assert queries.draw_detail(session, w.p["director"], code=row.code).seed is None
    with pytest.raises(Conflict, match="can be made from 2026-12"):
        service.run_draw(session, w.p["inspector"], code=row.code, now=NOW)
    drawn = service.run_draw(session, w.p["inspector"], code=row.code, now=DEC1)
    assert drawn.targets == ["SA01", "SA02", "SB01"] and drawn.checked == []
    pairs = drawn.pairs["target"]  # type: ignore[index]
    assert len(pairs) == 2 and all(len(team) == 2 for _, team in pairs)
    assert drawn.record_log_index is not None and drawn.record_log_index > row.commit_log_index
    assert queries.draw_detail(session, w.p["director"], code=row.code).seed == SEED
    record = session.get(EvidenceEntry, drawn.record_entry_id)
    assert record is not None
    second = entry_format.decode(bytes(record.body))
    assert (second.item, second.version, second.previous) == (entry.item, 2, logged.leaf_hash)
    sign(session, keys, DEC1)
    verdict = verify_draw(session, w.p["director"], code=row.code, keys=keys)
    assert verdict.ok, verdict.sentence()
    assert verdict.params == {"code": row.code, "index": row.commit_log_index, "count": 2}


def test_a_draw_cannot_be_committed_again_with_another_seed_nor_drawn_twice(
    session: Session, w: World
) -> None:
    row = station_draw(session, w)
    with pytest.raises(Conflict) as caught:
        service.commit_draw(
            session,
            w.p["director"],
            kind="station",
            unit="D000",
            period="2026-12",
            now=NOW,
            seed="another-seed-0123456789abcdef",
        )
    assert caught.value.code == "committed"
    assert session.get(CheckDraw, row.id).commitment == core.commit(SEED)  # type: ignore[union-attr]
    service.run_draw(session, w.p["inspector"], code=row.code, now=DEC1)
    with pytest.raises(Conflict, match="drawn already"):
        service.run_draw(session, w.p["inspector"], code=row.code, now=DEC1)


def test_each_draw_takes_only_stations_not_checked_this_year(session: Session, w: World) -> None:
    drawn: list[str] = []
    for month in ("2026-10", "2026-11", "2026-12"):
        start = dt.datetime.fromisoformat(f"{month}-02T02:00+00:00")
        row = service.commit_draw(
            session,
            w.p["inspector"],
            kind="station",
            unit="D000",
            period=month,
            now=start - dt.timedelta(days=3),
            seed=SEED + month,
        )
        assert row.quota == "1"  # 3 stations left over 3 months, then 2 over 2, then 1 over 1
        row = service.run_draw(session, w.p["inspector"], code=row.code, now=start)
        assert set(row.checked or []) == set(drawn)  # published with the draw
        ((target, _),) = row.pairs["target"]  # type: ignore[index]
        assert target not in drawn
        drawn.append(target)
    assert sorted(drawn) == ["SA01", "SA02", "SB01"]
    cover = queries.coverage(session, w.p["director"], year=2026)
    assert (cover.pool, cover.checked, cover.share) == (3, 3, 1.0)
    assert cover.by_month[8:] == [("2026-09", 0), ("2026-10", 1), ("2026-11", 2), ("2026-12", 3)]
    through = queries.coverage(session, w.p["director"], year=2026, through="2026-10")
    assert through.by_month[-1] == ("2026-10", 1) and len(through.by_month) == 10
    street = queries.coverage(session, w.p["street"], year=2026)
    assert street.pool == 2 and street.checked == 2
    assert queries.coverage(session, w.p["director"], year=2027).checked == 0


def test_an_order_draw_takes_the_orders_completed_in_its_month(session: Session, w: World) -> None:
    with pytest.raises(Conflict, match="before the month begins"):
        service.commit_draw(
            session, w.p["inspector"], kind="order", unit="SA00", period="2026-11", now=NOW
        )
    row = service.commit_draw(
        session,
        w.p["inspector"],
        kind="order",
        unit="SA00",
        period="2026-12",
        quota="1/2",
        now=NOW,
        seed=SEED,
    )
    december = completed(session, w, resolved=DEC1 + dt.timedelta(days=3), n=3)
    completed(session, w, station="SB01", resolved=DEC1 + dt.timedelta(days=3), n=2)
    completed(session, w, resolved=JAN1 + dt.timedelta(days=3), n=1)
    with pytest.raises(Conflict, match="can be made from 2027-01"):
        service.run_draw(session, w.p["inspector"], code=row.code, now=DEC1)
    drawn = service.run_draw(session, w.p["inspector"], code=row.code, now=JAN1)
    assert sorted(drawn.targets or []) == sorted(o.code for o in december)
    assert len(drawn.pairs["target"]) == 2  # type: ignore[index]  # ceil(3/2)
    assert row.inspectors == ["director", "inspector", "street"]


def test_outcomes_are_recorded_for_drawn_targets_with_a_finding_and_a_follow_up(
    session: Session, w: World
) -> None:
    row = station_draw(session, w, quota="3")
    service.run_draw(session, w.p["inspector"], code=row.code, now=DEC1)
    done = outcomes.record_outcome(
        session, w.p["inspector"], code=row.code, target="SA01", status="done", now=DEC1
    )
    assert (done.status, done.unit_id, done.inspector_id) == (
        "done",
        w.units["SA01"].id,
        w.users["inspector"].user.id,
    )
    with pytest.raises(Invalid, match="Write down"):
        outcomes.record_outcome(
            session, w.p["inspector"], code=row.code, target="SA02", status="found", now=DEC1
        )
    with pytest.raises(Invalid, match="Give the code"):
        outcomes.record_outcome(
            session,
            w.p["inspector"],
            code=row.code,
            target="SA02",
            status="follow_up",
            finding="消防器材过期",
            now=DEC1,
        )
    order = completed(session, w, station="SA02", resolved=DEC1)[0]
    other = completed(session, w, station="SB01", resolved=DEC1)[0]
    with pytest.raises(Invalid, match="not one of the checked station"):
        outcomes.record_outcome(
            session,
            w.p["inspector"],
            code=row.code,
            target="SA02",
            status="follow_up",
            finding="消防器材过期",
            follow_up_order=other.code,
            now=DEC1,
        )
    linked = outcomes.record_outcome(
        session,
        w.p["inspector"],
        code=row.code,
        target="SA02",
        status="follow_up",
        finding="消防器材过期",
        follow_up_order=order.code,
        now=DEC1,
    )
    assert linked.follow_up_order == order.code
    again = outcomes.record_outcome(
        session,
        w.p["inspector"],
        code=row.code,
        target="sa01",
        status="found",
        finding="公示栏信息未更新",
        now=DEC1,
    )
    assert again.id == done.id and again.status == "found"
    with pytest.raises(Invalid, match="was not drawn"):
        outcomes.record_outcome(
            session, w.p["inspector"], code=row.code, target="XX99", status="done", now=DEC1
        )
    listed = queries.list_draws(session, w.p["director"], year=2026)
    assert [(r.drawn, r.recorded, r.found) for r in listed] == [(3, 2, 2)]


def test_a_follow_up_on_a_drawn_order_reopens_it(session: Session, w: World) -> None:
    row = service.commit_draw(
        session,
        w.p["inspector"],
        kind="order",
        unit="SA00",
        period="2026-12",
        quota="1",
        now=NOW,
        seed=SEED,
    )
    (order,) = completed(session, w, resolved=DEC1 + dt.timedelta(days=1))
    service.run_draw(session, w.p["inspector"], code=row.code, now=JAN1)
    result = outcomes.record_outcome(
        session,
        w.p["inspector"],
        code=row.code,
        target=order.code,
        status="follow_up",
        finding="回访群众称问题未解决",
        now=JAN1,
    )
    assert result.follow_up_order == order.code
    assert session.get(WorkOrder, order.id).state == "assigned"  # type: ignore[union-attr]


def test_draws_stay_in_their_scope_and_need_the_inspect_permission(
    session: Session, w: World
) -> None:
    row = station_draw(session, w)
    with pytest.raises(NotFound):
        service.get_draw(session, w.p["street"], code=row.code)
    with pytest.raises(NotFound):
        queries.draw_detail(session, w.p["chief"], code=row.code)
    assert queries.list_draws(session, w.p["street"], year=2026) == []
    with pytest.raises(Forbidden):
        service.commit_draw(
            session, w.p["chief"], kind="station", unit="SA01", period="2026-12", now=NOW
        )
    with pytest.raises(Invalid, match="Unknown unit"):
        service.commit_draw(
            session, w.p["street"], kind="station", unit="SB00", period="2026-12", now=NOW
        )
    with pytest.raises(Invalid, match="not by a station"):
        service.commit_draw(
            session, w.p["director"], kind="station", unit="SA01", period="2026-12", now=NOW
        )
    with pytest.raises(Invalid):
        service.commit_draw(
            session, w.p["director"], kind="people", unit="D000", period="2026-12", now=NOW
        )
    with pytest.raises(Invalid, match="a team needs 5"):
        service.commit_draw(
            session,
            w.p["director"],
            kind="station",
            unit="SA00",
            period="2026-12",
            team=5,
            now=NOW,
        )


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: setattr(d, "seed", "tampered-seed-0123456789abcdef"), "does not hash"),
        (lambda d: setattr(d, "targets", ["SA01", "SA02"]), "other pairs"),
        (lambda d: setattr(d, "inspectors", ["director", "inspector"]), "commitment of the draw"),
        (lambda d: setattr(d, "quota", "3"), "commitment of the draw"),
        (lambda d: setattr(d, "commit_log_index", 999), "log index stored"),
        (lambda d: setattr(d, "checked", ["SB01"]), "other pairs"),
    ],
)
def test_a_tampered_draw_does_not_verify(
    session: Session, w: World, keys: LogKeys, change: object, says: str
) -> None:
    row = station_draw(session, w, quota="2")
    service.run_draw(session, w.p["inspector"], code=row.code, now=DEC1)
    sign(session, keys, DEC1)
    change(row)  # type: ignore[operator]
    session.flush()
    verdict = verify_draw(session, w.p["director"], code=row.code, keys=keys)
    assert not verdict.ok and says in verdict.sentence(), verdict.sentence()


def test_a_rewritten_pool_and_result_that_agree_still_fail_against_the_log(
    session: Session, w: World, keys: LogKeys
) -> None:
    row = station_draw(session, w, quota="1")
    service.run_draw(session, w.p["inspector"], code=row.code, now=DEC1)
    sign(session, keys, DEC1)
    # Someone drops a station from the pool and re-draws consistently: the record's hash moves.
    pool = [t for t in row.targets or [] if t != row.pairs["target"][0][0]]  # type: ignore[index]
    redo = core.draw(
        SEED, targets=pool, inspectors=row.inspectors, quota=core.Quota(count=1), team=2
    )
    row.targets = pool
    row.pairs = {"target": [[p.target, list(p.inspectors)] for p in redo.pairs]}
    session.flush()
    verdict = verify_draw(session, w.p["director"], code=row.code, keys=keys)
    assert not verdict.ok and "record of the draw does not match" in verdict.sentence()


def test_a_draw_not_yet_drawn_or_not_yet_signed_does_not_verify(
    session: Session, w: World, keys: LogKeys
) -> None:
    row = station_draw(session, w)
    assert (
        "not been drawn"
        in verify_draw(session, w.p["director"], code=row.code, keys=keys).sentence()
    )
    service.run_draw(session, w.p["inspector"], code=row.code, now=DEC1)
    verdict = verify_draw(session, w.p["director"], code=row.code, keys=keys)
    assert not verdict.ok and "signed checkpoint" in verdict.sentence()


def test_the_published_results_carry_no_personal_data(session: Session, w: World) -> None:
    row = station_draw(session, w, quota="3")
    service.run_draw(session, w.p["inspector"], code=row.code, now=DEC1)
    outcomes.record_outcome(
        session,
        w.p["inspector"],
        code=row.code,
        target="SA01",
        status="found",
        finding="值班民警王伟未在岗",
        now=DEC1,
    )
    rows = queries.published_results(session, year=2026)
    assert len(rows) == 3
    assert {r.status for r in rows} == {"found", "pending"}
    text = repr([dataclasses.asdict(r) for r in rows])
    for secret in ("王伟", "inspector", "director", "street"):
        assert secret not in text
    assert rows[0].seed == SEED and rows[0].kind == "station"
    assert session.scalar(select(CheckDraw.id)) is not None
