"""The chief's actions through the order page and the API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import FrozenClock
from tests.factories.accounts import csrf, sign_in
from tests.integration.workorders.wo_factory import NOW, World, make_world, new_order, step
from tests.web.workorders.test_wo_api import BODY, Api


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def _held_by_auxiliary(session: Session, w: World) -> str:
    o = new_order(session, w, now=NOW)
    step(session, w, o, "triage", "officer", NOW, tier="yellow")
    step(session, w, o, "assign", "chief", NOW, assignee="auxiliary")
    step(session, w, o, "accept", "auxiliary", NOW)
    step(session, w, o, "start", "auxiliary", NOW)
    return o.code


def _post(client: TestClient, path: str, data: dict[str, str]):  # type: ignore[no-untyped-def]
    return client.post(path, data={**data, "csrf_token": csrf(client)}, follow_redirects=False)


def test_the_order_page_gives_the_chief_reassign_retier_and_escalate(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    code = _held_by_auxiliary(session, world)
    assert sign_in(client, world.users["chief"], clock.now).status_code == 303
    page = client.get(f"/work-orders/{code}").text
    for action in ("reassign", "retier", "escalate", "hold", "resolve", "transfer"):
        assert f'id="action-{action}"' in page
    assert 'id="escalate-to"' in page and "街道服务站" in page
    r = _post(
        client,
        f"/work-orders/{code}/actions/reassign",
        {"assignee": "officer2", "reason": "辅警超期未办"},
    )
    assert r.status_code == 303
    page = client.get(f"/work-orders/{code}").text
    # the new holder by name, in the facts and in the timeline's hand-over
    assert '<dd id="assignee" translate="no">officer officer2</dd>' in page
    assert "auxiliary auxiliary → officer officer2" in page


def test_a_refused_retier_is_shown_in_chinese_and_changes_nothing(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    code = _held_by_auxiliary(session, world)
    assert sign_in(client, world.users["chief"], clock.now).status_code == 303
    r = _post(client, f"/work-orders/{code}/actions/retier", {"tier": "red", "reason": "升级"})
    assert r.status_code == 409
    assert "须至少向 3 个部门派发协办任务；目前为 0 个" in r.text
    assert 'data-state="in_progress"' in r.text


def test_the_timeline_names_people_not_usernames(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    code = _held_by_auxiliary(session, world)
    assert sign_in(client, world.users["officer"], clock.now).status_code == 303
    timeline = client.get(f"/work-orders/{code}").text.split('id="timeline"')[1]
    assert '<span translate="no">chief chief</span> (警务室负责人)' in timeline
    assert '<span translate="no">chief</span>' not in timeline


def test_triage_with_assign_to_me_from_the_page(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    o = new_order(session, world, who="chief")
    assert sign_in(client, world.users["officer"], clock.now).status_code == 303
    assert 'id="triage-assign-me"' in client.get(f"/work-orders/{o.code}").text
    r = _post(
        client, f"/work-orders/{o.code}/actions/triage", {"tier": "yellow", "assign_to_me": "on"}
    )
    assert r.status_code == 303
    page = client.get(f"/work-orders/{o.code}").text
    assert 'data-state="assigned"' in page
    assert '<dd id="assignee" translate="no">officer officer</dd>' in page


@pytest.fixture
def api(client: TestClient, session: Session) -> tuple[Api, World]:
    world = make_world(session)
    return Api(client, session, world), world


def test_the_supervisor_actions_through_the_api(api: tuple[Api, World]) -> None:
    call, _ = api
    code = call("officer", "POST", "/api/v1/work-orders", BODY).json()["code"]
    base = f"/api/v1/work-orders/{code}/actions"
    r = call("officer", "POST", f"{base}/triage", {"tier": "yellow", "assign_to_me": True})
    assert (r.status_code, r.json()["state"], r.json()["assignee"]) == (
        200,
        "assigned",
        "officer officer",
    )
    r = call("officer", "POST", f"{base}/retier", {"tier": "red", "reason": "升级"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "role_forbidden"
    r = call("chief", "POST", f"{base}/retier", {"tier": "red"})
    assert r.status_code == 422 and "reason" in r.json()["error"]["fields"]
    r = call("chief", "POST", f"{base}/retier", {"tier": "red", "reason": "发现持械"})
    assert r.status_code == 200 and r.json()["tier"] == "red"
    assert {"reassign", "retier", "escalate"} <= set(r.json()["allowed_actions"])
    r = call("chief", "POST", f"{base}/escalate", {"reason": "需街道协调"})
    assert (r.status_code, r.json()["escalation_level"]) == (200, 2)
    r = call("chief", "POST", f"{base}/reassign", {"assignee": "officer2", "reason": "轮休"})
    assert (r.status_code, r.json()["assignee"]) == (200, "officer officer2")
    events = call("chief", "GET", f"/api/v1/work-orders/{code}").json()["events"]
    assert [e["action"] for e in events if e["kind"] == "action"] == [
        "triage", "assign", "retier", "escalate", "reassign",
    ]  # fmt: skip
    assert events[-1]["actor"] == "chief chief"


def test_an_unknown_action_is_422_naming_the_choices(api: tuple[Api, World]) -> None:
    call, _ = api
    code = call("officer", "POST", "/api/v1/work-orders", BODY).json()["code"]
    r = call("chief", "POST", f"/api/v1/work-orders/{code}/actions/promote", {})
    assert r.status_code == 422


def test_an_overdue_card_is_red_though_its_next_deadline_is_ahead(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    h = dt.timedelta(hours=1)
    o = new_order(session, world, now=NOW - 5 * h)
    step(session, world, o, "triage", "officer", NOW - 5 * h, tier="yellow")
    step(session, world, o, "assign", "officer", NOW - 5 * h, assignee="officer")
    step(session, world, o, "accept", "officer", NOW - h / 2)  # half an hour late
    assert o.overdue and o.response_due_at is None and o.completion_due_at is not None
    assert o.completion_due_at > NOW
    assert sign_in(client, world.users["officer"], clock.now).status_code == 303
    for path in ("/work-orders", "/work-orders/board"):
        after = client.get(path).text.split(o.code, 1)[1]
        countdown = re.search(r'<span class="wo-countdown[^"]*"[^>]*>', after)
        assert countdown is not None, path
        assert 'class="wo-countdown over"' in countdown.group(0)
        assert 'data-overdue="1"' in countdown.group(0)


def test_the_board_names_who_answers_for_each_order(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    code = _held_by_auxiliary(session, world)
    assert sign_in(client, world.users["chief"], clock.now).status_code == 303
    after = client.get("/work-orders/board").text.split(code, 1)[1]
    assert "auxiliary auxiliary" in after.split("</a>", 1)[0]


def test_an_escalated_order_is_in_the_queue_of_the_rung_it_reached(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    code = _held_by_auxiliary(session, world)
    order = step(session, world, new_order(session, world), "triage", "officer", NOW, tier="yellow")
    escalated = step(session, world, order, "escalate", "chief", NOW, reason="需街道协调")
    assert escalated.escalation_level == 2  # the chief escalates to the street station
    seen = {}
    for who in ("street", "b_street", "director", "officer2"):
        client.cookies.clear()
        assert sign_in(client, world.users[who], clock.now).status_code == 303
        seen[who] = client.get("/work-orders").text
    assert escalated.code in seen["street"] and code not in seen["street"]
    assert "升级到您这一级" in seen["street"]
    assert escalated.code not in seen["b_street"]  # another street's
    assert escalated.code not in seen["director"]  # not yet at the district's rung
    assert escalated.code not in seen["officer2"]
