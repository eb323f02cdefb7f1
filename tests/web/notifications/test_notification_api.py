from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.notifications import service
from tests.integration.workorders.wo_factory import NOW, make_world


def test_a_user_reads_counts_and_marks_only_their_own_notifications(
    client: TestClient, session: Session
) -> None:
    w = make_world(session)
    mine, theirs = w.users["officer"].user.id, w.users["chief"].user.id
    for uid in (mine, mine, theirs):
        service.notify(
            session,
            user_ids=[uid],
            kind="wo.assigned",
            message="Work order {code} was assigned to you.",
            params={"code": "SA01-20261129-0001"},
            link="/x",
            now=NOW,
        )
    token = accounts.create_token(session, SYSTEM, username="officer", name="t", now=NOW)
    headers = {"Authorization": f"Bearer {token}"}
    client.cookies.clear()
    assert client.get("/api/v1/notifications/unread-count", headers=headers).json() == {"unread": 2}
    items = client.get("/api/v1/notifications", headers=headers).json()
    assert len(items) == 2 and "SA01-20261129-0001" in items[0]["text"]
    other = service.list_for(session, w.p["chief"])[0].id
    client.cookies.clear()  # a script: bearer token, no cookies, no CSRF token
    r = client.post("/api/v1/notifications/read", json={"ids": [other]}, headers=headers)
    assert r.json() == {"marked": 0}
    client.cookies.clear()
    r = client.post("/api/v1/notifications/read", json={}, headers=headers)
    assert r.json() == {"marked": 2}
    assert service.unread_count(session, w.p["chief"]) == 1
