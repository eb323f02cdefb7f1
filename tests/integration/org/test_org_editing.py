"""Recording a unit: staff, experts, posts with A/B, zones, equipment, moves, the checks."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.audit.models import AuditEntry
from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.org import checks, editing, premises
from jingwu.org.editschemas import (
    EquipmentIn,
    FloorIn,
    PostIn,
    StaffNew,
    StaffPatch,
    ZoneIn,
    ZonePatch,
)
from jingwu.org.models import Post, Staff, Zone
from tests.factories.accounts import make_user, principal
from tests.factories.org import NOW, make_tree


def _person(session: Session, who, unit_id: int, **kw):  # type: ignore[no-untyped-def]
    return editing.create_staff(session, who, unit_id=unit_id, data=StaffNew(**kw), now=NOW)[0]


def test_a_chief_records_his_station_from_empty_until_the_check_is_met(session: Session) -> None:
    t = make_tree(session)
    chief = principal(session, make_user(session, t["SA02"], "chief"))
    unit = t["SA02"]
    assert not checks.unit_check(session, unit).met
    a = _person(
        session,
        chief,
        unit.id,
        name="王伟",
        category="police",
        police_number="310001",
        grade="一级警长",
        phone="13800138000",
        post="chief",
    )
    b = _person(
        session,
        chief,
        unit.id,
        name="张明",
        category="police",
        police_number="310002",
        post="community_officer",
    )
    for n in range(3):
        _person(session, chief, unit.id, name=f"辅警{n}", category="auxiliary", post="auxiliary")
    x = _person(
        session,
        chief,
        unit.id,
        name="刘律",
        category="expert",
        expert_field="lawyer",
        post="expert",
    )
    assert x.expert_field == "lawyer"
    assert not checks.unit_check(session, unit).met  # key posts lack a backup
    posts = {p.kind: p for p in session.scalars(select(Post).where(Post.unit_id == unit.id))}
    editing.update_post(
        session,
        chief,
        post_id=posts["chief"].id,
        data=PostIn(kind="chief", holder_id=a.id, backup_id=b.id),
    )
    editing.update_post(
        session,
        chief,
        post_id=posts["community_officer"].id,
        data=PostIn(kind="community_officer", holder_id=b.id, backup_id=a.id),
    )
    result = checks.unit_check(session, unit)
    assert result.met and result.ab_coverage == 1.0 and result.problems == []
    # the premises
    premises.set_floor(session, chief, unit_id=unit.id, data=FloorIn(floor_area_m2=60))
    zone, _ = premises.create_zone(
        session, chief, unit_id=unit.id, data=ZoneIn(kind="reception", area_m2=18)
    )
    premises.create_equipment(session, chief, zone_id=zone.id, data=EquipmentIn(name="叫号机"))
    assert "missing_zone:security_control" in checks.unit_check(session, unit).zone_problems
    # the phone is encrypted at rest
    stored = session.execute(text("SELECT phone FROM staff WHERE id = :i"), {"i": a.id}).scalar()
    assert stored and stored.startswith("v1.") and "13800138000" not in stored


def test_the_tiers_above_the_station_are_checked(session: Session) -> None:
    t = make_tree(session)
    street = t["SA00"]
    assert checks.unit_check(session, street).problems == ["no_head", "full_time_below_standard"]
    head = _person(
        session,
        SYSTEM,
        street.id,
        name="街道站长",
        category="police",
        police_number="320001",
        post="head",
    )
    staff = [
        _person(session, SYSTEM, street.id, name=f"专职{n}", category="auxiliary", post="full_time")
        for n in range(5)
    ]
    post = session.scalar(select(Post).where(Post.unit_id == street.id, Post.kind == "head"))
    assert post is not None
    editing.update_post(
        session,
        SYSTEM,
        post_id=post.id,
        data=PostIn(kind="head", holder_id=head.id, backup_id=staff[0].id),
    )
    assert checks.unit_check(session, street).met
    district = t["D000"]
    _person(
        session,
        SYSTEM,
        district.id,
        name="主任",
        category="police",
        police_number="330001",
        post="director",
    )
    for n in range(2):
        _person(
            session,
            SYSTEM,
            district.id,
            name=f"专家{n}",
            category="expert",
            expert_field="psychologist",
            post="expert",
        )
    c = checks.unit_check(session, district)
    assert not c.met and "expert_below_standard" in c.problems
    report = {u.short_code: r for u, r in checks.tier_report(session, SYSTEM)}
    assert report["SA00"].meets_standard and not report["D000"].meets_standard
    assert report["D000"].staff == 2


def test_bad_input_is_refused_specifically_and_nothing_is_stored(session: Session) -> None:
    t = make_tree(session)
    unit = t["SA01"]
    before = session.scalar(select(Staff.id).order_by(Staff.id.desc()))
    with pytest.raises(Invalid, match="police number"):
        _person(session, SYSTEM, unit.id, name="无号", category="police", post="chief")
    with pytest.raises(Invalid, match="needs a field"):
        _person(session, SYSTEM, unit.id, name="无领域", category="expert")
    with pytest.raises(Invalid, match="Phone"):
        _person(session, SYSTEM, unit.id, name="坏电话", category="auxiliary", phone="12345")
    with pytest.raises(Invalid, match="no post of kind"):
        _person(session, SYSTEM, unit.id, name="错岗", category="auxiliary", post="director")
    assert session.scalar(select(Staff.id).order_by(Staff.id.desc())) == before
    _person(session, SYSTEM, unit.id, name="甲", category="police", police_number="340001")
    with pytest.raises(Conflict, match="taken"):
        _person(session, SYSTEM, unit.id, name="乙", category="police", police_number="340001")
    other = _person(session, SYSTEM, t["SB01"].id, name="外站", category="auxiliary")
    with pytest.raises(Invalid, match="not on this unit"):
        editing.create_post(
            session, SYSTEM, unit_id=unit.id, data=PostIn(kind="chief", holder_id=other.id)
        )
    # zones: floor area first, one per kind, never more than the floor
    with pytest.raises(Invalid, match="floor area before"):
        premises.create_zone(
            session, SYSTEM, unit_id=t["SA02"].id, data=ZoneIn(kind="reception", area_m2=10)
        )
    z, _ = premises.create_zone(
        session, SYSTEM, unit_id=unit.id, data=ZoneIn(kind="reception", area_m2=40)
    )
    with pytest.raises(Conflict):
        premises.create_zone(
            session, SYSTEM, unit_id=unit.id, data=ZoneIn(kind="reception", area_m2=5)
        )
    with pytest.raises(Invalid, match="more than the floor area"):
        premises.create_zone(
            session, SYSTEM, unit_id=unit.id, data=ZoneIn(kind="security_control", area_m2=25)
        )
    with pytest.raises(Invalid, match="more than the floor area"):
        premises.update_zone(session, SYSTEM, zone_id=z.id, data=ZonePatch(area_m2=61))
    with pytest.raises(Invalid, match="more than a floor area"):
        premises.set_floor(session, SYSTEM, unit_id=unit.id, data=FloorIn(floor_area_m2=30))
    assert session.scalars(select(Zone.kind).where(Zone.unit_id == unit.id)).all() == ["reception"]


def test_a_chief_records_only_his_own_station_and_officers_not_at_all(session: Session) -> None:
    t = make_tree(session)
    chief = principal(session, make_user(session, t["SA01"], "chief"))
    with pytest.raises(NotFound):
        _person(session, chief, t["SA02"].id, name="越权", category="auxiliary")
    stranger = _person(session, SYSTEM, t["SB01"].id, name="外人", category="auxiliary")
    with pytest.raises(NotFound):
        editing.update_staff(session, chief, staff_id=stranger.id, data=StaffPatch(grade="x"))
    officer = principal(session, make_user(session, t["SA01"], "officer"))
    with pytest.raises(Forbidden):
        _person(session, officer, t["SA01"].id, name="无权", category="auxiliary")


def test_moving_a_person_keeps_their_history_and_checks_both_units(session: Session) -> None:
    t = make_tree(session)
    head = principal(session, make_user(session, t["SA00"], "street"))
    p = _person(
        session,
        head,
        t["SA01"].id,
        name="调动",
        category="police",
        police_number="350001",
        post="chief",
    )
    staff, source, _target = editing.move_staff(
        session, head, staff_id=p.id, unit_id=t["SA02"].id, now=NOW, reason="轮岗"
    )
    assert staff.unit_id == t["SA02"].id and source.id == t["SA01"].id
    assert "no_chief" in checks.unit_check(session, source).problems
    hist = editing.history(session, head, staff_id=p.id)
    assert [(u.short_code, m.ended_at is not None) for m, u in hist] == [
        ("SA01", True),
        ("SA02", False),
    ]
    assert hist[0][0].reason == "轮岗"
    with pytest.raises(Invalid, match="No such unit"):
        editing.move_staff(session, head, staff_id=p.id, unit_id=t["SB01"].id, now=NOW)
    moved = session.scalars(select(AuditEntry).where(AuditEntry.action == "org.staff_moved"))
    assert any(e.detail == {"from": "SA01", "to": "SA02"} for e in moved)
    editing.deactivate_staff(session, head, staff_id=p.id, now=NOW)
    with pytest.raises(Conflict):
        editing.deactivate_staff(session, head, staff_id=p.id, now=NOW)
    assert editing.history(session, head, staff_id=p.id)[-1][0].ended_at is not None


def test_changes_are_audited_without_values(session: Session) -> None:
    t = make_tree(session)
    p = _person(
        session, SYSTEM, t["SA01"].id, name="审计", category="auxiliary", phone="13900139000"
    )
    editing.update_staff(session, SYSTEM, staff_id=p.id, data=StaffPatch(phone="13900139001"))
    session.flush()
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.action.in_(["staff.create", "staff.update"]))
    ).all()
    assert {r.action for r in rows} >= {"staff.create", "staff.update"}
    assert all("13900139" not in str(r.detail) for r in rows)
