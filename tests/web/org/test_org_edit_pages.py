"""The unit page's recording forms: who sees them, what they store, what they refuse."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.org.models import Equipment, Post, Staff, Zone
from tests.conftest import FrozenClock
from tests.web.org.test_org_pages import signed_in


def _post(client: TestClient, url: str, **data: str):  # type: ignore[no-untyped-def]
    token = client.cookies.get("jingwu_csrf") or ""
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=False)


def test_a_chief_records_his_station_through_the_forms(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t, _ = signed_in(client, session, clock, "SA02", "chief")
    uid = t["SA02"].id
    page = client.get(f"/org/units/{uid}").text
    assert 'id="staff-form"' in page and 'id="zone-form"' in page and "未达标" in page
    r = _post(
        client,
        f"/org/units/{uid}/staff",
        name="王伟",
        category="police",
        police_number="510001",
        grade="一级警长",
        phone="13800138000",
        post="chief",
    )
    assert r.status_code == 303, r.text
    r = _post(client, f"/org/units/{uid}/floor", floor_area_m2="60", design="traditional")
    assert r.status_code == 303
    r = _post(client, f"/org/units/{uid}/zones", kind="reception", area_m2="18")
    assert r.status_code == 303
    zone = session.scalar(select(Zone).where(Zone.unit_id == uid))
    assert zone is not None
    r = _post(client, f"/org/units/{uid}/zones/{zone.id}/equipment", name="叫号机", quantity="2")
    assert r.status_code == 303
    page = client.get(f"/org/units/{uid}").text
    assert "王伟" in page and "138****8000" in page and "叫号机×2" in page
    staff = session.scalar(select(Staff).where(Staff.unit_id == uid))
    assert staff is not None and staff.grade == "一级警长"
    r = _post(
        client,
        f"/org/units/{uid}/posts",
        kind="community_officer",
        holder_id=str(staff.id),
        backup_id="",
        is_key="on",
    )
    assert r.status_code == 303
    assert session.scalar(select(func.count()).select_from(Post).where(Post.unit_id == uid)) == 2


def test_bad_forms_say_why_in_chinese_and_store_nothing(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t, _ = signed_in(client, session, clock, "SA01", "chief")
    uid = t["SA01"].id
    r = _post(client, f"/org/units/{uid}/staff", name="无号", category="police", post="chief")
    assert r.status_code == 422 and "警号" in r.text and 'id="record-error"' in r.text
    r = _post(client, f"/org/units/{uid}/zones", kind="reception", area_m2="600")
    assert r.status_code == 422 and "超过总面积" in r.text
    r = _post(client, f"/org/units/{uid}/zones", kind="reception", area_m2="abc")
    assert r.status_code == 422
    r = _post(client, f"/org/units/{uid}/staff", name="坏电话", category="auxiliary", phone="123")
    assert r.status_code == 422
    assert session.scalar(select(func.count()).select_from(Staff).where(Staff.unit_id == uid)) == 0
    assert session.scalar(select(func.count()).select_from(Zone).where(Zone.unit_id == uid)) == 0
    assert session.scalar(select(func.count()).select_from(Equipment)) == 0
    r = _post(client, f"/org/units/{t['SB01'].id}/staff", name="越权", category="auxiliary")
    assert r.status_code == 404


def test_an_officer_sees_no_forms_and_may_not_post_them(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t, _ = signed_in(client, session, clock, "SA01", "officer")
    uid = t["SA01"].id
    page = client.get(f"/org/units/{uid}").text
    assert 'id="staff-form"' not in page and 'id="zone-form"' not in page
    assert 'id="check"' in page
    r = _post(client, f"/org/units/{uid}/staff", name="无权", category="auxiliary")
    assert r.status_code == 403


def test_the_staffing_page_checks_streets_and_the_district(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    signed_in(client, session, clock, "D000", "director")
    page = client.get("/staffing").text
    assert 'id="tier-staffing"' in page and "SA00" in page and "D000" in page
    client.get("/lang/en?next=/staffing")
    assert "1 head + 5 full-time staff" in client.get("/staffing").text


def test_a_chief_corrects_a_persons_details_and_an_empty_phone_keeps_it(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t, _ = signed_in(client, session, clock, "SA01", "chief")
    uid = t["SA01"].id
    _post(client, f"/org/units/{uid}/staff", name="王伟", category="police",
          police_number="520001", phone="13800138000")  # fmt: skip
    staff = session.scalar(select(Staff).where(Staff.unit_id == uid))
    assert staff is not None
    r = _post(client, f"/org/units/{uid}/staff/{staff.id}", name="王伟民",
              police_number="520002", grade="二级警长", phone="")  # fmt: skip
    assert r.status_code == 303
    session.expire_all()
    assert (staff.name, staff.police_number, staff.grade, staff.phone) == (
        "王伟民", "520002", "二级警长", "13800138000"
    )  # fmt: skip
    r = _post(client, f"/org/units/{uid}/staff/{staff.id}", name="王伟民", police_number="")
    assert r.status_code == 422 and "警号" in r.text
    session.expire_all()
    assert staff.police_number == "520002"
