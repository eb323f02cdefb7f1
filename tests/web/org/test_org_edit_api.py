"""The recording API: a chief records his station; the checks come back with every change."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FrozenClock
from tests.web.org.test_org_pages import signed_in


def _headers(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": client.cookies.get("jingwu_csrf") or "", "Accept-Language": "en"}


def test_a_chief_records_staff_and_posts_and_sees_the_check_change(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t, _ = signed_in(client, session, clock, "SA02", "chief")
    h, uid = _headers(client), t["SA02"].id
    r = client.post(
        f"/api/v1/org/units/{uid}/staff",
        json={
            "name": "王伟",
            "category": "police",
            "police_number": "410001",
            "phone": "13800138000",
            "grade": "一级警司",
            "post": "chief",
        },
        headers=h,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["staff"]["phone"] == "138****8000"
    assert body["checks"][0]["met"] is False and "no_officer" not in body["checks"][0]["problems"]
    ids = [body["staff"]["id"]]
    for n in range(4):
        r = client.post(
            f"/api/v1/org/units/{uid}/staff",
            json={
                "name": f"辅警{n}",
                "category": "auxiliary",
                "post": "auxiliary" if n < 3 else None,
            },
            headers=h,
        )
        ids.append(r.json()["staff"]["id"])
    posts = client.get(f"/api/v1/org/units/{uid}").json()["posts"]
    chief_post = next(p for p in posts if p["kind"] == "chief")
    r = client.put(
        f"/api/v1/org/posts/{chief_post['id']}",
        json={"kind": "chief", "holder_id": ids[0], "backup_id": ids[4]},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["checks"][0]["met"] is True
    listed = client.get(f"/api/v1/org/units/{uid}/staff").json()
    assert [s["id"] for s in listed] == ids and listed[0]["phone"] == "138****8000"
    hist = client.get(f"/api/v1/org/staff/{ids[0]}/history").json()
    assert hist[0]["short_code"] == "SA02" and hist[0]["ended_at"] is None


def test_bad_input_and_other_stations_are_refused(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t, _ = signed_in(client, session, clock, "SA01", "chief")
    h = _headers(client)
    r = client.post(
        f"/api/v1/org/units/{t['SA01'].id}/staff",
        json={"name": "无号", "category": "police"},
        headers=h,
    )
    assert r.status_code == 422 and "police_number" in r.json()["error"]["fields"]
    r = client.post(
        f"/api/v1/org/units/{t['SB01'].id}/staff",
        json={"name": "越权", "category": "auxiliary"},
        headers=h,
    )
    assert r.status_code == 404
    r = client.post(
        f"/api/v1/org/units/{t['SA01'].id}/zones",
        json={"kind": "reception", "area_m2": 100},
        headers=h,
    )
    assert r.status_code == 422 and "more than the floor area" in r.json()["error"]["message"]
    r = client.post(
        f"/api/v1/org/units/{t['SA01'].id}/zones",
        json={"kind": "reception", "area_m2": 18},
        headers=h,
    )
    assert r.status_code == 201 and r.json()["checks"][0]["zone_problems"]
    zone = r.json()["zone"]["id"]
    r = client.post(
        f"/api/v1/org/zones/{zone}/equipment", json={"name": "叫号机", "quantity": 2}, headers=h
    )
    assert r.status_code == 201 and r.json()["equipment"]["quantity"] == 2


def test_an_officer_may_not_record(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t, _ = signed_in(client, session, clock, "SA01", "officer")
    r = client.post(
        f"/api/v1/org/units/{t['SA01'].id}/staff",
        json={"name": "无权", "category": "auxiliary"},
        headers=_headers(client),
    )
    assert r.status_code == 403
