from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.org import queries, service
from jingwu.org.schemas import UnitIn
from tests.factories.accounts import make_user, principal
from tests.factories.org import NOW, add_aux, add_police, make_tree, make_unit, org_code


def test_units_get_materialised_paths_under_their_parents(session: Session) -> None:
    t = make_tree(session)
    assert t["D000"].path == f"/{t['D000'].id}/"
    assert t["SA01"].path == f"{t['SA00'].path}{t['SA01'].id}/"


def test_a_community_cannot_sit_directly_under_a_district(session: Session) -> None:
    t = make_tree(session)
    with pytest.raises(Invalid, match="belongs under a street"):
        make_unit(session, "community", "XX01", t["D000"])


def test_short_codes_are_unique(session: Session) -> None:
    t = make_tree(session)
    data = UnitIn(
        kind="community",
        parent_code="SA00",
        name="重复",
        short_code="SA01",
        division_code="330106001001",
        org_code=org_code(),
    )
    with pytest.raises(Conflict):
        service.create_unit(session, SYSTEM, data=data, now=NOW)
    assert t["SA01"].name != "重复"


def test_an_officer_sees_only_their_station(session: Session) -> None:
    t = make_tree(session)
    officer = principal(session, make_user(session, t["SA01"], "officer"))
    codes = [u.short_code for u in queries.list_units(session, officer)]
    assert codes == ["SA01"]
    with pytest.raises(NotFound):
        queries.profile(session, officer, unit_id=t["SB01"].id)
    with pytest.raises(NotFound):
        queries.profile(session, officer, unit_id=t["SA02"].id)


def test_a_street_head_sees_the_street_and_its_stations_only(session: Session) -> None:
    t = make_tree(session)
    head = principal(session, make_user(session, t["SA00"], "street"))
    assert {u.short_code for u in queries.list_units(session, head)} == {"SA00", "SA01", "SA02"}


def test_an_officer_may_not_change_the_organisation(session: Session) -> None:
    t = make_tree(session)
    officer = principal(session, make_user(session, t["SA01"], "officer"))
    with pytest.raises(Forbidden, match="officer"):
        service.set_zones(session, officer, unit_id=t["SA01"].id, floor_area_m2=60, zones=[])
    chief = principal(session, make_user(session, t["SA01"], "chief"))
    other = add_police(session, t["SB01"], "100001")
    with pytest.raises(NotFound):
        service.set_post(
            session, chief, unit_id=t["SB01"].id, kind="chief", holder_id=other, backup_id=None
        )


def test_the_staffing_report_lists_stations_short_of_each_level(session: Session) -> None:
    t = make_tree(session)
    chief, officer = (
        add_police(session, t["SA01"], "100001"),
        add_police(session, t["SA01"], "100002"),
    )
    auxes = [add_aux(session, t["SA01"]) for _ in range(3)]
    service.set_post(
        session, SYSTEM, unit_id=t["SA01"].id, kind="chief", holder_id=chief, backup_id=officer
    )
    service.set_post(
        session,
        SYSTEM,
        unit_id=t["SA01"].id,
        kind="community_officer",
        holder_id=officer,
        backup_id=chief,
    )
    for a in auxes:
        service.set_post(
            session,
            SYSTEM,
            unit_id=t["SA01"].id,
            kind="auxiliary",
            holder_id=a,
            backup_id=None,
            is_key=False,
        )
    o2 = add_police(session, t["SA02"], "100003")
    for _ in range(2):
        service.set_post(
            session,
            SYSTEM,
            unit_id=t["SA02"].id,
            kind="auxiliary",
            holder_id=add_aux(session, t["SA02"]),
            backup_id=None,
            is_key=False,
        )
    service.set_post(
        session,
        SYSTEM,
        unit_id=t["SA02"].id,
        kind="community_officer",
        holder_id=o2,
        backup_id=None,
    )
    report = queries.staffing_report(session, SYSTEM)
    assert [u.short_code for u in report.below_minimum] == ["SB01"]
    assert [u.short_code for u in report.below_standard] == ["SA02", "SB01"]
    assert [u.short_code for u in report.ab_incomplete] == ["SA02"]


def test_zones_replace_the_previous_ones_and_cannot_exceed_the_floor(session: Session) -> None:
    t = make_tree(session)
    unit = t["SA01"]
    service.set_zones(
        session,
        SYSTEM,
        unit_id=unit.id,
        floor_area_m2=60,
        zones=[("reception", 18), ("security_control", 15)],
    )
    service.set_zones(session, SYSTEM, unit_id=unit.id, floor_area_m2=60, zones=[("reception", 18)])
    assert [z.kind for z in queries.profile(session, SYSTEM, unit_id=unit.id).zone_rows] == [
        "reception"
    ]
    with pytest.raises(Invalid, match="more than the floor area"):
        service.set_zones(
            session,
            SYSTEM,
            unit_id=unit.id,
            floor_area_m2=60,
            zones=[("reception", 50), ("security_control", 20)],
        )
