from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.audit.models import AuditEntry
from tests.conftest import FrozenClock
from tests.factories.accounts import make_user, sign_in
from tests.factories.org import make_tree


def signed_in(client: TestClient, session: Session, clock: FrozenClock, unit: str, role: str):  # type: ignore[no-untyped-def]
    t = make_tree(session)
    tu = make_user(session, t[unit], role)
    assert sign_in(client, tu, clock.now).status_code == 303
    return t, tu


def test_the_station_page_shows_profile_map_and_posts(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t, _ = signed_in(client, session, clock, "SA01", "officer")
    r = client.get(f"/org/units/{t['SA01'].id}")
    assert r.status_code == 200
    assert 'id="unit-map"' in r.text and "Polygon" in r.text
    assert t["SA01"].name in r.text


def test_another_stations_page_is_404_and_audited(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t, tu = signed_in(client, session, clock, "SA01", "officer")
    r = client.get(f"/org/units/{t['SB01'].id}")
    assert r.status_code == 404
    assert t["SB01"].name not in r.text
    denied = session.scalars(select(AuditEntry).where(AuditEntry.action == "access.denied")).all()
    assert any(d.actor == tu.username and d.detail and d.detail["status"] == 404 for d in denied)


def test_the_tree_lists_only_the_officers_own_station(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    _t, _ = signed_in(client, session, clock, "SA01", "officer")
    page = client.get("/org").text
    assert "SA01" in page and "SB01" not in page and "SA02" not in page


def test_the_api_is_scoped_the_same_way(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t, _ = signed_in(client, session, clock, "SA00", "street")
    units = client.get("/api/v1/org/units").json()
    assert {u["short_code"] for u in units} == {"SA00", "SA01", "SA02"}
    r = client.get(f"/api/v1/org/units/{t['SB01'].id}", headers={"Accept-Language": "en"})
    assert r.status_code == 404
    assert r.json() == {"error": {"code": "not_found", "message": "No such unit.", "fields": {}}}


def test_an_officer_cannot_create_units_through_the_api(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    signed_in(client, session, clock, "SA01", "officer")
    token = client.cookies.get("jingwu_csrf")
    body = {
        "kind": "community",
        "parent_code": "SA00",
        "name": "非法",
        "short_code": "SA55",
        "division_code": "330106001055",
        "org_code": "91350100M000100Y43",
    }
    headers = {"X-CSRF-Token": token or "", "Accept-Language": "en"}
    r = client.post("/api/v1/org/units", json=body, headers=headers)
    assert r.status_code == 403
    assert (
        r.json()["error"]["code"] == "forbidden_role" and "officer" in r.json()["error"]["message"]
    )


def test_validation_errors_use_the_one_error_shape(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    signed_in(client, session, clock, "D000", "director")
    token = client.cookies.get("jingwu_csrf") or ""
    r = client.post("/api/v1/org/units", json={"kind": "planet"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "invalid" and "kind" in err["fields"] and "name" in err["fields"]


def test_the_api_answers_401_in_json_without_credentials(client: TestClient) -> None:
    r = client.get("/api/v1/org/units")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"


def test_a_bearer_token_works_without_cookies_or_csrf(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    from jingwu.accounts import service
    from jingwu.accounts.scope import SYSTEM

    t = make_tree(session)
    tu = make_user(session, t["SA01"], "chief")
    token = service.create_token(session, SYSTEM, username=tu.username, name="s", now=clock.now)
    r = client.get("/api/v1/org/staffing", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    assert [s["short_code"] for s in r.json()["stations"]] == ["SA01"]
    bad = client.get("/api/v1/org/units", headers={"Authorization": "Bearer jw_nope"})
    assert bad.status_code == 401


def test_the_language_switch_renders_english(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    _t, _ = signed_in(client, session, clock, "SA01", "officer")
    zh = client.get("/org").text
    assert "组织架构" in zh
    client.get("/lang/en?next=/org")
    en = client.get("/org").text
    assert "Organisation" in en and "组织架构" not in en


def test_inspectors_read_the_audit_log_and_officers_may_not(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    t = make_tree(session)
    inspector = make_user(session, t["D000"], "inspector")
    officer = make_user(session, t["SA01"], "officer")
    sign_in(client, officer, clock.now)
    assert client.get("/audit").status_code == 403
    client.post("/logout", data={"csrf_token": client.cookies.get("jingwu_csrf") or ""})
    clock.advance(seconds=30)
    sign_in(client, inspector, clock.now)
    page = client.get("/audit?action=access.denied")
    assert page.status_code == 200 and officer.username in page.text


def test_a_chief_names_a_backup_and_the_a_b_check_follows(
    client: TestClient, session: Session, clock: FrozenClock
) -> None:
    from jingwu.accounts.scope import SYSTEM
    from jingwu.org import queries, service
    from tests.factories.org import add_police

    t, _ = signed_in(client, session, clock, "SA01", "chief")
    a, b = add_police(session, t["SA01"], "200001"), add_police(session, t["SA01"], "200002")
    post = service.set_post(
        session, SYSTEM, unit_id=t["SA01"].id, kind="chief", holder_id=a, backup_id=None
    )
    assert not queries.profile(session, SYSTEM, unit_id=t["SA01"].id).staffing.ab_complete  # type: ignore[union-attr]
    token = client.cookies.get("jingwu_csrf") or ""
    same = client.post(
        f"/org/units/{t['SA01'].id}/posts/{post.id}",
        data={"csrf_token": token, "holder_id": str(a), "backup_id": str(a)},
    )
    assert same.status_code == 422 and "备岗须为另一人" in same.text
    ok = client.post(
        f"/org/units/{t['SA01'].id}/posts/{post.id}",
        data={"csrf_token": token, "holder_id": str(a), "backup_id": str(b)},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    session.expire_all()
    assert queries.profile(session, SYSTEM, unit_id=t["SA01"].id).staffing.ab_complete  # type: ignore[union-attr]
