from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.audit.models import AuditEntry
from jingwu.workorders.models import WorkOrder
from tests.integration.workorders.wo_factory import NOW, World, make_world

BODY = {
    "station": "SA01",
    "channel": "phone",
    "category": "noise",
    "description": "楼上深夜噪音",
    "lon": 120.105,
    "lat": 30.205,
    "address": "文三路 100 号",
    "reporter_name": "张三",
    "reporter_phone": "13812345678",
}


class Api:
    def __init__(self, client: TestClient, session: Session, world: World) -> None:
        self.client, self.tokens = client, {}
        for name, tu in world.users.items():
            self.tokens[name] = accounts.create_token(
                session, SYSTEM, username=tu.username, name="test", now=NOW
            )

    def __call__(self, who: str, method: str, path: str, json: Any = None) -> Any:
        # English messages: the assertions below read them (the default is Chinese)
        headers = {"Authorization": f"Bearer {self.tokens[who]}", "Accept-Language": "en"}
        self.client.cookies.clear()  # a script: bearer token, no cookies, no CSRF
        return self.client.request(method, path, json=json, headers=headers)


@pytest.fixture
def api(client: TestClient, session: Session) -> tuple[Api, World]:
    world = make_world(session)
    return Api(client, session, world), world


def _create(api: Api, who: str = "officer", **over: Any) -> dict[str, Any]:
    r = api(who, "POST", "/api/v1/work-orders", {**BODY, **over})
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_create_answers_201_with_the_code_and_a_masked_reporter(
    api: tuple[Api, World],
) -> None:
    call, _ = api
    body = _create(call)
    assert body["code"] == "SA01-20261129-0001" and body["state"] == "received"
    assert body["reporter_phone"] == "138****5678" and body["pii_masked"] is True
    assert "triage" in body["allowed_actions"]


def test_a_bad_intake_names_each_field(api: tuple[Api, World]) -> None:
    call, _ = api
    r = call("officer", "POST", "/api/v1/work-orders", {**BODY, "category": "x", "lat": 200})
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) == {"category", "lat"}


def test_unmasking_needs_the_permission_and_is_audited(
    api: tuple[Api, World], session: Session
) -> None:
    call, _ = api
    code = _create(call)["code"]
    r = call("auxiliary", "GET", f"/api/v1/work-orders/{code}?unmask=true")
    assert r.status_code == 403 and "auxiliary" in r.json()["error"]["message"]
    r = call("officer", "GET", f"/api/v1/work-orders/{code}?unmask=true")
    assert r.json()["reporter_phone"] == "13812345678"
    seen = session.scalars(select(AuditEntry).where(AuditEntry.action == "pii.unmask")).all()
    assert [(a.actor, a.object_id) for a in seen] == [("officer", code)]


def test_a_forbidden_role_gets_403_and_a_wrong_state_409_and_nothing_changes(
    api: tuple[Api, World], session: Session
) -> None:
    call, _ = api
    code = _create(call)["code"]
    r = call("auxiliary", "POST", f"/api/v1/work-orders/{code}/actions/triage", {"tier": "yellow"})
    assert r.status_code == 403 and "role auxiliary" in r.json()["error"]["message"]
    r = call("chief", "POST", f"/api/v1/work-orders/{code}/actions/start", {})
    assert r.status_code == 409 and "state received" in r.json()["error"]["message"]
    r = call("chief", "POST", f"/api/v1/work-orders/{code}/actions/return", {"reason": "x"})
    assert r.status_code == 409
    state = session.scalar(select(WorkOrder.state).where(WorkOrder.code == code))
    assert state == "received"
    r = call("officer", "POST", f"/api/v1/work-orders/{code}/actions/triage", {"tier": "yellow"})
    assert r.status_code == 200 and r.json()["state"] == "triaged"


def test_the_red_journey_through_the_api(api: tuple[Api, World]) -> None:
    call, _ = api
    code = _create(call, category="fight", description="两人持刀打架")["code"]
    base = f"/api/v1/work-orders/{code}"
    assert call("officer", "POST", f"{base}/actions/triage", {"tier": "red"}).status_code == 200
    assert (
        call("officer", "POST", f"{base}/actions/assign", {"assignee": "officer"}).status_code
        == 200
    )
    r = call("officer", "POST", f"{base}/actions/accept")
    assert r.status_code == 409 and r.json()["error"]["code"] == "departments_required"
    for dept in ("110", "health", "street_office"):
        task = {"department": dept, "instructions": "协同处置", "due_at": "2026-11-29T06:00:00Z"}
        r = call("officer", "POST", f"{base}/tasks", task)
        assert r.status_code == 201, r.text
    assert call("officer", "POST", f"{base}/actions/accept").json()["state"] == "accepted"
    assert call("officer", "POST", f"{base}/actions/start").status_code == 200
    closure = {"closure": {"summary": "已处置完毕", "citizen_confirmed": True}}
    assert call("officer", "POST", f"{base}/actions/resolve", closure).status_code == 200
    r = call("officer", "POST", f"{base}/feedback", {"rating": 5, "resolved": True})
    assert r.status_code == 201 and r.json()["state"] == "closed"
    detail = call("chief", "GET", base).json()
    assert [e["action"] for e in detail["events"] if e["kind"] == "action"] == [
        "triage", "assign", "accept", "start", "resolve", "close",
    ]  # fmt: skip
    assert len(detail["tasks"]) == 3


def test_lists_filter_page_and_stay_in_scope(api: tuple[Api, World]) -> None:
    call, _ = api
    for _ in range(3):
        _create(call)
    _create(call, "b_officer", station="SB01")
    mine = call("officer", "GET", "/api/v1/work-orders?per_page=2&page=2").json()
    assert (mine["total"], len(mine["items"])) == (3, 1)
    assert call("b_officer", "GET", "/api/v1/work-orders").json()["total"] == 1
    assert call("director", "GET", "/api/v1/work-orders").json()["total"] == 4
    assert call("director", "GET", "/api/v1/work-orders?unit=SB00").json()["total"] == 1
    assert call("director", "GET", "/api/v1/work-orders?state=closed").json()["total"] == 0
    r = call("officer", "GET", "/api/v1/work-orders?unit=SB01")
    assert r.status_code == 422


def test_every_action_and_read_of_another_community_is_404(api: tuple[Api, World]) -> None:
    call, _ = api
    code = _create(call)["code"]
    base = f"/api/v1/work-orders/{code}"
    for who in ("other_officer", "b_officer", "b_street"):
        assert call(who, "GET", base).status_code == 404
        action, body = (
            ("assign", {"assignee": "officer"})
            if who == "b_street"
            else ("triage", {"tier": "yellow"})
        )
        assert call(who, "POST", f"{base}/actions/{action}", body).status_code == 404
        task = {"department": "110", "instructions": "协同", "due_at": "2026-11-29T06:00:00Z"}
        assert call(who, "POST", f"{base}/tasks", task).status_code == 404
        rating = {"rating": 1, "resolved": False}
        want = 403 if who == "b_street" else 404  # the role is refused before any lookup
        assert call(who, "POST", f"{base}/feedback", rating).status_code == want


def test_a_partner_reads_only_the_orders_it_filed(api: tuple[Api, World]) -> None:
    call, _ = api
    theirs = _create(call, "partner", channel="partner")["code"]
    other = _create(call)["code"]
    assert call("partner", "GET", f"/api/v1/work-orders/{theirs}").status_code == 200
    assert call("partner", "GET", f"/api/v1/work-orders/{other}").status_code == 404
    assert call("partner", "GET", "/api/v1/work-orders").json()["total"] == 1


def test_the_openapi_document_describes_every_body_and_field(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    paths = doc["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/work-orders"])
    assert "get" in paths["/api/v1/work-orders/{code}"]
    for path in ("/actions/{action}", "/tasks", "/feedback"):
        assert "post" in paths["/api/v1/work-orders/{code}" + path]
    action = paths["/api/v1/work-orders/{code}/actions/{action}"]["post"]
    assert {"403", "409", "422"} <= set(action["responses"])
    schemas = doc["components"]["schemas"]
    for name in ("IntakeIn", "ActionIn", "TaskIn", "FeedbackIn", "ClosureIn"):
        for field, spec in schemas[name]["properties"].items():
            assert spec.get("description") or name in ("ClosureIn",) or field in (
                "rating", "resolved", "comment", "instructions", "due_at", "department", "unit",
            ), (name, field)  # fmt: skip
    assert set(schemas["ActionIn"]["properties"]) >= {"reason", "tier", "assignee", "closure"}
