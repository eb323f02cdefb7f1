"""POST /api/v1/portal/feeds/{channel}: a partner's API token pushes transferred requests."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from tests.integration.workorders.wo_factory import make_world

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)
BATCH = {
    "requests": [
        {"ref": "12345-X1", "category": "noise", "description": "广场舞音响过大"},
        {"ref": "12345-X2", "category": "nope", "description": "未知类别"},
    ]
}


def test_a_partner_pushes_a_feed_and_an_officer_may_not(
    client: TestClient, session: Session
) -> None:
    w = make_world(session)
    tokens = {
        who: accounts.create_token(session, SYSTEM, username=w.p[who].username, name="t", now=NOW)
        for who in ("partner", "officer")
    }
    url = "/api/v1/portal/feeds/hotline12345"
    answer = client.post(url, json=BATCH, headers={"Authorization": f"Bearer {tokens['partner']}"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert len(body["added"]) == 1 and body["skipped"] == [] and body["errors"][0]["index"] == 2
    again = client.post(url, json=BATCH, headers={"Authorization": f"Bearer {tokens['partner']}"})
    assert again.json()["skipped"] == ["12345-X1"]
    refused = client.post(url, json=BATCH, headers={"Authorization": f"Bearer {tokens['officer']}"})
    assert refused.status_code == 403
    wrong = client.post(
        "/api/v1/portal/feeds/portal",
        json=BATCH,
        headers={"Authorization": f"Bearer {tokens['partner']}"},
    )
    assert wrong.status_code == 422
