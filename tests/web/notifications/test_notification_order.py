"""Notifications are listed newest first, on the page and in the API, whatever order they
were written in; the unread badge counts every kind, red sensor alerts included."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.notifications import service
from tests.factories.accounts import sign_in
from tests.integration.workorders.wo_factory import NOW, World, make_world

H = dt.timedelta(hours=1)
MSG = "Work order {code} was assigned to you."


def _written_out_of_order(session: Session, w: World) -> list[str]:
    """Three notifications for the officer, written oldest last (as a job catching up does)."""
    uid = w.users["officer"].user.id
    codes = []
    for hours, k in ((-1, 1), (-3, 2), (-5, 3)):
        code = f"SA01-20261129-000{k}"
        service.notify(
            session,
            user_ids=[uid],
            kind="wo.assigned",
            message=MSG,
            params={"code": code},
            link=f"/work-orders/{code}",
            now=NOW + hours * H,
        )
        codes.append(code)
    service.notify(
        session,
        user_ids=[uid],
        kind="iot.alert_red",
        message="Red sensor alert at {station}: {what} (device {device}).",
        params={"station": "SA01", "what": "烟雾报警", "what_en": "Smoke alarm", "device": "S-1"},
        link="/iot/alerts#alert-1",
        now=NOW,
    )
    return codes


def test_the_list_service_and_api_give_the_newest_first(
    client: TestClient, session: Session
) -> None:
    w = make_world(session)
    codes = _written_out_of_order(session, w)
    listed = service.list_for(session, w.p["officer"])
    assert listed[0].kind == "iot.alert_red"
    assert [n.params.get("code") for n in listed[1:]] == codes  # -1 h, -3 h, -5 h
    token = accounts.create_token(session, SYSTEM, username="officer", name="t", now=NOW)
    client.cookies.clear()
    items = client.get("/api/v1/notifications", headers={"Authorization": f"Bearer {token}"}).json()
    times = [dt.datetime.fromisoformat(i["created_at"]) for i in items]
    assert times == sorted(times, reverse=True) and len(items) == 4


def test_the_page_lists_the_newest_first_and_the_badge_counts_the_red_alert(
    client: TestClient, session: Session
) -> None:
    w = make_world(session)
    codes = _written_out_of_order(session, w)
    assert sign_in(client, w.users["officer"], NOW).status_code == 303
    page = client.get("/notifications").text
    positions = [page.index("红色传感器告警"), *(page.index(c) for c in codes)]
    assert positions == sorted(positions)
    assert 'data-unread="4"' in client.get("/notifications/badge").text


def test_the_badge_hides_a_zero_and_caps_a_long_count(client: TestClient, session: Session) -> None:
    w = make_world(session)
    assert sign_in(client, w.users["officer"], NOW).status_code == 303
    empty = client.get("/notifications/badge").text
    assert 'data-unread="0" hidden>0</span>' in empty and "has-unread" not in empty
    uid = w.users["officer"].user.id
    for k in range(120):
        service.notify(
            session, user_ids=[uid], kind="wo.assigned", message=MSG,
            params={"code": f"SA01-20261129-{k:04d}"}, link="/work-orders", now=NOW,
        )  # fmt: skip
    full = client.get("/notifications/badge").text
    assert 'data-unread="120">99+</span>' in full and 'title="通知：120 条未读"' in full
