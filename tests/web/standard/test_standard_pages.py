"""The standard's pages through the ASGI client: the list, a scorecard, the forms, roles."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.standard.models import Assessment, Rectification
from tests.conftest import FrozenClock
from tests.factories.accounts import csrf, sign_in
from tests.integration.workorders.wo_factory import World, make_world
from tests.untranslated import english


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def test_a_street_head_sees_the_scores_of_the_streets_stations_in_chinese(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    assert sign_in(client, world.users["street"], clock.now).status_code == 303
    page = client.get("/standard")
    assert page.status_code == 200, page.text
    assert 'id="station-sa01"' in page.text and 'id="station-sa02"' in page.text
    assert 'id="station-sb01"' not in page.text
    assert english(page.text) == []
    two = client.get("/standard?version=2.0")
    assert "2.0" in two.text
    card = client.get("/standard/stations/SA01")
    assert card.status_code == 200
    assert 'id="req-org4-floor_area"' in card.text and 'id="module-mix"' in card.text
    assert english(card.text) == []
    assert "Scorecard" in client.get("/standard/stations/SA01?lang=en").text
    assert client.get("/standard/stations/SB01").status_code == 404


def test_a_partner_sees_nothing(client: TestClient, world: World, clock: FrozenClock) -> None:
    assert sign_in(client, world.users["partner"], clock.now).status_code == 303
    assert client.get("/standard").status_code == 403


def test_the_chief_self_assesses_with_a_file_and_the_inspector_accepts(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    assert sign_in(client, world.users["chief"], clock.now).status_code == 303
    token = csrf(client)
    r = client.post(
        f"/standard/stations/SA01/assess?csrf_token={token}",
        data={
            "requirement": "zone.accessibility",
            "version": "1.0",
            "claims_met": "yes",
            "note": "翻译机已配备",
        },
        files={"file": ("photo.jpg", b"\xff\xd8\xff jpeg", "image/jpeg")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    row = session.scalar(
        select(Assessment).where(Assessment.requirement_id == "zone.accessibility")
    )
    assert row is not None and row.status == "submitted"
    bad = client.post(
        f"/standard/stations/SA01/assess?csrf_token={token}",
        data={"requirement": "org4.floor_area", "version": "1.0", "claims_met": "yes", "note": "x"},
    )
    assert bad.status_code == 422 and 'id="error"' in bad.text
    client.cookies.clear()
    assert sign_in(client, world.users["inspector"], clock.now).status_code == 303
    r = client.post(
        f"/standard/assessments/{row.id}/verify",
        data={"decision": "accept", "version": "1.0", "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    session.refresh(row)
    assert row.status == "accepted"


def test_a_rectification_is_opened_and_refused_closing_without_evidence(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    assert sign_in(client, world.users["street"], clock.now).status_code == 303
    token = csrf(client)
    due = (clock.now + dt.timedelta(days=20)).date().isoformat()
    r = client.post(
        "/standard/stations/SA02/rectifications",
        data={"requirement": "org2.staffing", "version": "1.0", "due": due, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    row = session.scalar(select(Rectification))
    assert row is not None
    r = client.post(
        f"/standard/rectifications/{row.id}/close",
        data={"note": "已补齐", "version": "1.0", "csrf_token": token},
    )
    assert r.status_code == 422
    assert "人员花名册" in r.text
    # a file of a kind the requirement does not name is refused, named in Chinese
    wrong = client.post(
        f"/standard/rectifications/{row.id}/files?csrf_token={token}",
        data={"evidence_kind": "photos", "version": "1.0"},
        files={"file": ("roster.pdf", b"%PDF-1.4 roster", "application/pdf")},
    )
    assert wrong.status_code == 422 and 'id="error"' in wrong.text
    assert (
        "人员花名册及岗位表" in wrong.text
        and "staff_roster" not in wrong.text.split('id="error"')[1][:300]
    )
    r = client.post(
        f"/standard/rectifications/{row.id}/files?csrf_token={token}",
        data={"evidence_kind": "staff_roster", "version": "1.0"},
        files={"file": ("roster.pdf", b"%PDF-1.4 roster", "application/pdf")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"].endswith("#req-org2-staffing")
    r = client.post(
        f"/standard/rectifications/{row.id}/close",
        data={"note": "已补齐", "version": "1.0", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
