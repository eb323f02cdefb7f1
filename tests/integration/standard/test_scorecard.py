"""Scorecards from the platform's records: a station recorded from empty, versions switched."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.iot.models import Device
from jingwu.org import editing, premises
from jingwu.org.editschemas import EquipmentIn, FloorIn, PostIn, StaffNew, ZoneIn
from jingwu.org.models import Post
from jingwu.standard import service
from jingwu.standard.verdicts import MET, NOT_MEASURABLE, NOT_MET
from tests.factories.accounts import make_user, principal
from tests.factories.org import NOW, make_tree


def _status(session: Session, who, code: str, version: str = "1.0") -> dict[str, str]:  # type: ignore[no-untyped-def]
    card = service.scorecard_of(session, who, station=code, version=version, now=NOW)
    return {v.requirement.id: v.status for v in card.card.verdicts}


def _person(session: Session, who, unit_id: int, **kw):  # type: ignore[no-untyped-def]
    return editing.create_staff(session, who, unit_id=unit_id, data=StaffNew(**kw), now=NOW)[0]


def test_a_station_recorded_from_empty_meets_requirement_after_requirement(
    session: Session,
) -> None:
    t = make_tree(session)
    unit = t["SA02"]
    chief = principal(session, make_user(session, unit, "chief"))
    before = _status(session, chief, "SA02")
    assert before["org4.floor_area"] == NOT_MEASURABLE
    assert before["org4.zone_shares"] == NOT_MEASURABLE
    assert before["org2.staffing"] == NOT_MET
    assert before["org3.ab_posts"] == NOT_MEASURABLE
    assert MET not in before.values()

    premises.set_floor(session, chief, unit_id=unit.id, data=FloorIn(floor_area_m2=70))
    assert _status(session, chief, "SA02")["org4.floor_area"] == MET
    shares = {"reception": 21, "security_control": 17.5, "professional_services": 14}
    for kind, area in shares.items():
        premises.create_zone(session, chief, unit_id=unit.id, data=ZoneIn(kind=kind, area_m2=area))
    # technical support missing: 15 points off, more than the 5 allowed
    assert _status(session, chief, "SA02")["org4.zone_shares"] == NOT_MET
    premises.create_zone(
        session, chief, unit_id=unit.id, data=ZoneIn(kind="technical_support", area_m2=10.5)
    )
    now = _status(session, chief, "SA02")
    assert now["org4.zone_shares"] == MET
    assert now["org4.equipment"] == NOT_MET
    for z in session.scalars(select(premises.Zone).where(premises.Zone.unit_id == unit.id)):
        premises.create_equipment(session, chief, zone_id=z.id, data=EquipmentIn(name="终端"))
    assert _status(session, chief, "SA02")["org4.equipment"] == MET

    a = _person(
        session,
        chief,
        unit.id,
        name="王伟",
        category="police",
        police_number="310101",
        post="chief",
    )
    b = _person(
        session,
        chief,
        unit.id,
        name="张明",
        category="police",
        police_number="310102",
        post="community_officer",
    )
    for n in range(3):
        _person(session, chief, unit.id, name=f"辅警{n}", category="auxiliary", post="auxiliary")
    now = _status(session, chief, "SA02")
    assert now["org2.staffing"] == MET and now["org1.organisation"] == MET
    assert now["org3.ab_posts"] == NOT_MET
    posts = {p.kind: p for p in session.scalars(select(Post).where(Post.unit_id == unit.id))}
    editing.update_post(
        session,
        chief,
        post_id=posts["chief"].id,
        data=PostIn(kind="chief", is_key=True, holder_id=a.id, backup_id=b.id),
    )
    editing.update_post(
        session,
        chief,
        post_id=posts["community_officer"].id,
        data=PostIn(kind="community_officer", is_key=True, holder_id=b.id, backup_id=a.id),
    )
    assert _status(session, chief, "SA02")["org3.ab_posts"] == MET


def test_switching_the_version_changes_the_verdicts_its_thresholds_change(
    session: Session,
) -> None:
    t = make_tree(session)
    unit = t["SA01"]  # floor area 60 m², a boundary of about 1 km²
    chief = principal(session, make_user(session, unit, "chief"))
    premises.set_floor(session, chief, unit_id=unit.id, data=FloorIn(floor_area_m2=55))
    for n in range(25):
        session.add(
            Device(
                unit_id=unit.id,
                code=f"DEV-{n}",
                device_class="environment",
                lon=120.105,
                lat=30.205,
                registered_at=NOW,
            )
        )
    session.flush()
    card = service.scorecard_of(session, chief, station="SA01", version="1.0", now=NOW)
    area_km2 = next(v for v in card.card.verdicts if v.requirement.id == "iot1.density").value
    assert area_km2 is not None and 20 <= area_km2 < 30  # 25 devices over about 1.07 km²
    one, two = _status(session, chief, "SA01", "1.0"), _status(session, chief, "SA01", "2.0")
    assert one["org4.floor_area"] == MET and two["org4.floor_area"] == NOT_MET  # 50 → 60 m²
    assert one["iot1.density"] == MET and two["iot1.density"] == NOT_MET  # 20 → 30 per km²
    gap = next(
        v.gap
        for v in service.scorecard_of(
            session, chief, station="SA01", version="2.0", now=NOW
        ).card.verdicts
        if v.requirement.id == "org4.floor_area"
    )
    assert gap == 5.0


def test_unmet_by_station_lists_each_station_in_scope(session: Session) -> None:
    t = make_tree(session)
    street = principal(session, make_user(session, t["SA00"], "street"))
    unmet = service.unmet_by_station(session, street, "1.0", now=NOW)
    assert set(unmet) == {t["SA01"].id, t["SA02"].id}
    assert "org2.staffing" in unmet[t["SA01"].id]
    by_ids = service.unmet_by_station(session, [t["SB01"].id, t["SA00"].id], "2.0", now=NOW)
    assert set(by_ids) == {t["SB01"].id}


def test_nothing_unknown_is_met(session: Session) -> None:
    t = make_tree(session)
    admin = principal(session, make_user(session, t["D000"], "director"))
    for card in service.scorecards(session, admin, version="1.0", now=NOW + dt.timedelta(days=1)):
        for v in card.card.verdicts:
            if v.status == NOT_MEASURABLE:
                assert v.reason
            assert v.status != MET or v.requirement.query in {"floor_area"}
