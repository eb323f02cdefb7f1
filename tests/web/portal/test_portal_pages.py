"""The portal's pages: a citizen submits with the challenge and the SMS code, tracks the
request, and rates it; abuse controls refuse what they should."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.portal import guard, intake, service
from jingwu.portal.models import PublicInbox, PublicRating
from jingwu.workorders import service as workorders
from tests.factories.accounts import csrf
from tests.integration.workorders.wo_factory import closure, make_world, step
from tests.web.portal.portal_flow import form_challenge, sms_code, submit


def test_a_citizen_submits_tracks_and_rates(client: TestClient, session: Session) -> None:
    w = make_world(session)
    token = csrf(client)
    answer = submit(client, session, token)
    assert answer.status_code == 303, answer.text
    where = answer.headers["location"]
    assert where.startswith("/portal/track/") and where.endswith("?new=1")
    ref = where.removeprefix("/portal/track/").removesuffix("?new=1")
    page = client.get(where)
    assert page.status_code == 200 and ref in page.text and "13900001111" not in page.text
    assert "烧烤" not in page.text  # no description on the public page
    row = session.scalar(select(PublicInbox).where(PublicInbox.token == ref))
    assert row is not None
    photo = service.open_submission(row)["photos"][0]
    with Image.open(io.BytesIO(photo)) as img:
        assert not img.getexif()  # location and camera stripped
    intake.intake_pending(session, blobs=None, now=row.received_at)
    pub = service.published(session, token=ref)
    assert pub is not None and pub.service_request_id
    order = workorders.get_order(session, w.p["officer"], code=pub.service_request_id)
    now = row.received_at
    step(session, w, order, "triage", "officer", now, tier="yellow")
    step(session, w, order, "assign", "chief", now, assignee="auxiliary")
    step(session, w, order, "accept", "auxiliary", now)
    step(session, w, order, "start", "auxiliary", now)
    step(session, w, order, "resolve", "auxiliary", now, closure=closure())
    step(session, w, order, "close", "officer", now, citizen_confirmed=True)
    intake.publish(session, now=now)
    page = client.get(f"/portal/track/{ref}")
    assert 'data-status="closed"' in page.text and 'id="rate-form"' in page.text
    rated = client.post(
        f"/portal/track/{ref}/rate",
        data={"rating": "5", "resolved": "yes", "comment": "很好", "csrf_token": token},
    )
    assert rated.status_code == 200
    assert session.scalar(select(PublicRating.rating).where(PublicRating.token == ref)) == 5
    again = client.post(
        f"/portal/track/{ref}/rate",
        data={"rating": "1", "resolved": "no", "csrf_token": token},
    )
    assert again.status_code == 409
    assert 'id="rate-form"' not in client.get(f"/portal/track/{ref}").text


def test_a_wrong_code_a_replayed_challenge_and_a_bad_answer_are_refused(
    client: TestClient, session: Session
) -> None:
    token = csrf(client)
    before = len(session.scalars(select(PublicInbox.id)).all())
    wrong = submit(client, session, token, sms_code="000000x")
    assert wrong.status_code == 422 and 'name="sms_code"' in wrong.text
    page = client.get("/portal/submit")
    ch, _ = form_challenge(page.text)
    bad = client.post(
        f"/portal/submit?csrf_token={token}",
        data={
            "service_code": "noise",
            "description": "噪音",
            "contact_phone": "13900001111",
            "sms_code": "123456",
            "pow_challenge": ch,
            "pow_answer": "1",
        },
        follow_redirects=False,
    )
    assert bad.status_code == 422
    assert len(session.scalars(select(PublicInbox.id)).all()) == before


def test_codes_are_rate_limited_per_phone(client: TestClient, session: Session) -> None:
    token = csrf(client)
    _, per_phone, _ = guard.LIMITS["code"]
    for _ in range(per_phone):
        ok = client.post(
            "/portal/code", data={"contact_phone": "13900002222"}, headers={"X-CSRF-Token": token}
        )
        assert ok.status_code == 200
    refused = client.post(
        "/portal/code", data={"contact_phone": "13900002222"}, headers={"X-CSRF-Token": token}
    )
    assert refused.status_code == 422 and 'id="code-sent"' not in refused.text
    assert sms_code(session, "13900002222")


def test_a_post_without_the_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/portal")
    answer = client.post("/portal/code", data={"contact_phone": "13900001111"})
    assert answer.status_code == 403


def test_an_unknown_reference_is_404_and_pages_are_chinese_by_default(client: TestClient) -> None:
    assert client.get("/portal/track/nosuchtoken123").status_code == 404
    home = client.get("/portal")
    assert home.status_code == 200 and "社区警务" in home.text
    found = client.get("/portal/track?token=abc", follow_redirects=False)
    assert found.headers["location"] == "/portal/track/abc"
