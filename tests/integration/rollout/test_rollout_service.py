"""The rollout service: the plan imported all or nothing, status moves by role and scope,
the dashboard's figures against an independent count, and a city's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.evaluation.improvement import service as improvement
from jingwu.org.models import Unit
from jingwu.rollout import queries, service
from jingwu.rollout.models import RolloutMove, RolloutStation, RolloutTarget
from tests.integration.rollout.rollout_world import NOW, RolloutWorld, build, plan


@pytest.fixture
def world(session: Session) -> RolloutWorld:
    return build(session)


def _count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _walk(session: Session, w: RolloutWorld, station: str, *steps: tuple[str, str, str]) -> None:
    for who, status, day in steps:
        service.move(
            session,
            w.who[who],
            station=station,
            status=status,
            on=dt.date.fromisoformat(day),
            now=NOW,
        )


def test_a_director_imports_the_plan_of_the_district_and_nothing_outside_it(
    session: Session, world: RolloutWorld
) -> None:
    text = "phase,street,target,stations\n2025,SA00,2,SA01|SA02\n2026,SB00,1,\n"
    done = service.import_plan(
        session, world.who["director"], filename="p.csv", content=text.encode(), now=NOW
    )
    assert (done.rows, done.stations) == (2, 2)
    assert _count(session, RolloutTarget) == 2
    statuses = session.scalars(select(RolloutStation.status)).all()
    assert statuses == ["planned", "planned"]
    outside = "phase,street,target,stations\n2025,SC00,1,SC01\n"
    with pytest.raises(Invalid) as exc:
        service.import_plan(
            session, world.who["director"], filename="p.csv", content=outside.encode(), now=NOW
        )
    assert exc.value.fields == {"line 2": "no such street in your area"}
    with pytest.raises(Forbidden):
        service.import_plan(
            session, world.who["city"], filename="p.csv", content=text.encode(), now=NOW
        )


BAD_ROWS = [
    ("2025,SA00,1,SB01\n", "a station does not belong to this street"),
    ("2025,SA00,1,SC01\n", "no such station in your area"),
    ("2025,SA00,1,SA01|SA02\n", "more stations named than the target"),
    ("2025,SA01,1,\n", "no such street in your area"),  # a station is not a street
    ("2025,ZZ00,1,\n", "no such street in your area"),
    ("2031-Q1,SA00,1,\n", "not a phase (a year like 2025 or a half-year like 2025-H2)"),
    ("2025,SA00,many,\n", "not a whole number from 0 to 10000"),
]


@pytest.mark.parametrize(("row", "why"), BAD_ROWS)
def test_one_bad_row_and_nothing_is_imported(
    session: Session, world: RolloutWorld, row: str, why: str
) -> None:
    text = "phase,street,target,stations\n2024,SB00,1,SB01\n" + row
    with pytest.raises(Invalid) as exc:
        service.import_plan(
            session, world.who["director"], filename="p.csv", content=text.encode(), now=NOW
        )
    assert exc.value.fields == {"line 3": why}
    assert exc.value.params["line"] == 3
    assert _count(session, RolloutTarget) == _count(session, RolloutStation) == 0


def test_a_repeated_row_and_a_station_named_twice_are_refused_with_their_lines(
    session: Session, world: RolloutWorld
) -> None:
    text = "phase,street,target,stations\n2025,SA00,1,SA01\n2025,SA00,1,\n2026,SA00,1,SA01\n"
    with pytest.raises(Invalid) as exc:
        service.import_plan(
            session, world.who["admin"], filename="p.csv", content=text.encode(), now=NOW
        )
    assert exc.value.fields == {
        "line 3": "the same phase and street twice",
        "line 4": "a station is named twice",
    }
    assert exc.value.params["count"] == 2
    for content in (b"", b"phase,street,target\n", b"\x00", b"[{]"):
        with pytest.raises(Invalid):
            service.import_plan(
                session, world.who["admin"], filename="p.json", content=content, now=NOW
            )
    assert _count(session, RolloutTarget) == 0


def test_importing_again_replaces_the_targets_and_stations_of_those_rows(
    session: Session, world: RolloutWorld
) -> None:
    plan(session)
    plan(session, "phase,street,target,stations\n2025,SA00,3,SA01\n")
    rows = dict(
        session.execute(
            select(RolloutTarget.phase, RolloutTarget.target).where(
                RolloutTarget.unit_id == world.units["SA00"].id
            )
        ).all()
    )
    assert rows == {"2024": 1, "2025": 3}
    phases = dict(
        session.execute(
            select(Unit.short_code, RolloutStation.phase).join(
                Unit, Unit.id == RolloutStation.unit_id
            )
        ).all()
    )
    assert phases["SA01"] == "2025" and phases["SA02"] is None  # no longer named for 2025


def test_a_station_walks_the_way_each_step_by_its_role(
    session: Session, world: RolloutWorld
) -> None:
    plan(session)
    _walk(
        session,
        world,
        "SA01",
        ("street", "building", "2024-03-01"),
        ("chief", "self_assessed", "2024-06-01"),
        ("inspector", "verified", "2024-07-01"),
        ("city", "demonstration", "2024-08-01"),
    )
    row = service.plan_station(session, SYSTEM, station="SA01")
    assert (row.status, row.demonstration_on) == ("demonstration", dt.date(2024, 8, 1))
    moves = session.scalars(select(RolloutMove.to_status).order_by(RolloutMove.id)).all()
    assert moves == ["building", "self_assessed", "verified", "demonstration"]


def test_the_rules_refuse_a_skip_a_wrong_role_a_silent_step_back_and_a_wrong_day(
    session: Session, world: RolloutWorld
) -> None:
    plan(session)
    _walk(session, world, "SA01", ("street", "building", "2024-03-01"))
    with pytest.raises(Invalid, match="one step at a time"):
        service.move(session, world.who["admin"], station="SA01", status="verified", now=NOW)
    with pytest.raises(Forbidden):  # the chief self-assesses; an inspector verifies
        service.move(
            session, world.who["inspector"], station="SA01", status="self_assessed", now=NOW
        )
    with pytest.raises(NotFound):  # another station is none of the chief's business
        service.move(session, world.who["b_chief"], station="SA01", status="self_assessed", now=NOW)
    with pytest.raises(Invalid, match="before 2024-03-01"):
        service.move(
            session,
            world.who["chief"],
            station="SA01",
            status="self_assessed",
            on=dt.date(2024, 2, 1),
            now=NOW,
        )
    with pytest.raises(Invalid, match="ahead"):
        service.move(
            session,
            world.who["chief"],
            station="SA01",
            status="self_assessed",
            on=dt.date(2027, 1, 1),
            now=NOW,
        )
    _walk(session, world, "SA01", ("chief", "self_assessed", "2024-06-01"))
    with pytest.raises(Invalid, match="Say why"):
        service.move(session, world.who["inspector"], station="SA01", status="building", now=NOW)
    service.move(
        session, world.who["inspector"], station="SA01", status="building", reason="漏水", now=NOW
    )
    row = service.plan_station(session, SYSTEM, station="SA01")
    assert (row.status, row.self_assessed_on) == ("building", None)
    back = session.scalars(select(RolloutMove).order_by(RolloutMove.id.desc())).first()
    assert back is not None and (back.from_status, back.reason) == ("self_assessed", "漏水")


def test_the_dashboard_agrees_with_a_count_by_hand(session: Session, world: RolloutWorld) -> None:
    plan(session)
    _walk(
        session,
        world,
        "SA01",
        ("street", "building", "2024-03-01"),
        ("chief", "self_assessed", "2024-06-01"),
        ("inspector", "verified", "2024-07-01"),
        ("director", "demonstration", "2025-02-01"),  # after its phase: late
    )
    _walk(session, world, "SA02", ("street", "building", "2025-03-01"))
    d = queries.dashboard(session, world.who["city"], now=NOW)
    # By hand: C000's targets are SA00 2024 (1), SA00 2025 (1), SB00 2026 (2) = 4.
    assert (d.total.target, d.total.assigned, d.total.achieved, d.total.on_time) == (4, 3, 1, 0)
    # 2024 and 2025 have ended (4 expected... of 2026's 2, 341 of 365 days gone by 7 December).
    assert d.total.expected == pytest.approx(1 + 1 + 2 * 341 / 365)
    assert d.total.behind == 3 - 1
    assert {y: (c.target, c.achieved) for y, c in d.years} == {
        2024: (1, 1),
        2025: (1, 0),
        2026: (2, 0),
    }
    assert {u.short_code: c.target for u, c in d.streets} == {"SA00": 2, "SB00": 2}
    assert [(u.short_code, c.target) for u, c in d.districts] == [("D000", 4)]
    assert d.total.counts == {
        "planned": 1,
        "building": 1,
        "self_assessed": 0,
        "verified": 0,
        "demonstration": 1,
    }


def test_a_city_sees_its_districts_and_no_other_city(session: Session, world: RolloutWorld) -> None:
    plan(session)
    mine = queries.dashboard(session, world.who["city"], now=NOW)
    assert {s.unit.short_code for s in mine.stations} == {"SA01", "SA02", "SB01"}
    other = queries.dashboard(session, world.who["other_city"], now=NOW)
    assert {s.unit.short_code for s in other.stations} == {"SC01", "SC02"}
    assert other.total.target == 2
    street = queries.dashboard(session, world.who["street"], now=NOW)
    assert {s.unit.short_code for s in street.stations} == {"SA01", "SA02"}
    chief = queries.dashboard(session, world.who["chief"], now=NOW)
    assert [s.unit.short_code for s in chief.stations] == ["SA01"]
    assert chief.stations[0].moves == []  # planned → building is the street's step
    with pytest.raises(NotFound):
        service.move(session, world.who["city"], station="SC01", status="building", now=NOW)


def test_stations_with_open_rectifications_are_blocked_until_they_are_done(
    session: Session, world: RolloutWorld
) -> None:
    plan(session)
    item = improvement.open_rectification(
        session,
        SYSTEM,
        unit="SA02",
        title="接待区面积占比未达标",
        due=dt.date(2026, 12, 31),
        source_ref="standard-1.0/ORG-4",
        now=NOW,
    )
    improvement.open_rectification(
        session, SYSTEM, unit="SC01", title="另一城市的整改", due=dt.date(2026, 12, 31), now=NOW
    )
    d = queries.dashboard(session, world.who["city"], now=NOW)
    assert [(s.unit.short_code, [r.title for r in s.rectifications]) for s in d.blocked] == [
        ("SA02", ["接待区面积占比未达标"])
    ]
    for stage in ("do", "check", "act", "done"):
        improvement.move(session, SYSTEM, item_id=item.id, to=stage, note="整改完成", now=NOW)
    assert queries.dashboard(session, world.who["city"], now=NOW).blocked == []


def test_a_station_with_an_open_rectification_is_not_verified_until_it_is_closed(
    session: Session, world: RolloutWorld
) -> None:
    plan(session)
    _walk(
        session,
        world,
        "SA01",
        ("street", "building", "2024-03-01"),
        ("chief", "self_assessed", "2024-06-01"),
    )
    item = improvement.open_rectification(
        session, SYSTEM, unit="SA01", title="A/B 岗覆盖率未达标", due=dt.date(2026, 12, 31), now=NOW
    )
    with pytest.raises(Conflict, match="1 open rectification"):
        service.move(session, world.who["inspector"], station="SA01", status="verified", now=NOW)
    # A verification recorded for a day before the rectification was opened stands.
    _walk(session, world, "SA01", ("inspector", "verified", "2024-07-01"))
    with pytest.raises(Conflict):
        service.move(session, world.who["city"], station="SA01", status="demonstration", now=NOW)
    for stage in ("do", "check", "act", "done"):
        improvement.move(session, SYSTEM, item_id=item.id, to=stage, note="已整改", now=NOW)
    service.move(session, world.who["city"], station="SA01", status="demonstration", now=NOW)
