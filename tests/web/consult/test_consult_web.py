"""The consultation pages: a citizen opens one and reaches only their own by its token; the
desk is for the station's experts and chief only; an expert claims, answers, hands over,
closes and records the transcript through the pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.accounts import service as accounts
from jingwu.accounts.scope import SYSTEM
from jingwu.consult import service
from tests.integration.consult.consult_world import NOW, ConsultWorld, build


class Desk:
    def __init__(self, client: TestClient, session: Session, world: ConsultWorld) -> None:
        self.client = client
        self.world = world
        self.tokens = {
            name: accounts.create_token(session, SYSTEM, username=p.username, name="t", now=NOW)
            for name, p in world.who.items()
        }

    def __call__(self, who: str, method: str, path: str, **kw: Any) -> Any:
        self.client.cookies.clear()
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return self.client.request(method, path, headers=headers, follow_redirects=False, **kw)


@pytest.fixture
def desk(client: TestClient, session: Session) -> Desk:
    return Desk(client, session, build(session))


def _csrf(client: TestClient) -> str:
    client.cookies.clear()
    client.get("/consult")
    return str(client.cookies.get("jingwu_csrf"))


def _open(client: TestClient, display_name: str = "王女士") -> str:
    token = _csrf(client)
    r = client.post(
        "/consult",
        data={"station": "SA01", "topic": "labour", "display_name": display_name},
        headers={"X-CSRF-Token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return str(r.headers["location"]).removeprefix("/consult/")


def test_a_citizen_opens_a_consultation_and_writes_by_its_token(
    desk: Desk, client: TestClient, session: Session
) -> None:
    page = client.get("/consult")
    assert page.status_code == 200 and "在线法律咨询" in page.text
    token = _open(client)
    r = client.get(f"/consult/{token}")
    assert r.status_code == 200 and 'id="chat"' in r.text
    assert r.headers["referrer-policy"] == "same-origin"  # the token never leaves the site
    csrf = str(client.cookies.get("jingwu_csrf"))
    sent = client.post(
        f"/consult/{token}/messages", data={"body": "工资被拖欠"}, headers={"X-CSRF-Token": csrf}
    )
    assert sent.status_code == 204
    c = service.by_token(session, token=token)
    assert [m.body for m in service.messages(session, c, citizen=True)][-1] == "工资被拖欠"
    # a bad form is shown again in Chinese, nothing stored
    bad = client.post(
        "/consult", data={"station": "SA01", "topic": "nope", "display_name": "x"},
        headers={"X-CSRF-Token": csrf},
    )  # fmt: skip
    assert bad.status_code == 422 and "请选择咨询类别" in bad.text


def test_a_token_reaches_only_its_own_consultation(desk: Desk, client: TestClient) -> None:
    mine, other = _open(client, "甲ZQX-MINE"), _open(client, "乙ZQX-OTHER")
    assert "ZQX-OTHER" not in client.get(f"/consult/{mine}").text
    csrf = _csrf(client)
    for bad in (mine[:-2] + "xx", "desk-nope", "a" * 80):
        assert client.get(f"/consult/{bad}").status_code == 404
        assert client.get(f"/consult/{bad}/events").status_code == 404
        r = client.post(
            f"/consult/{bad}/messages", data={"body": "x"}, headers={"X-CSRF-Token": csrf}
        )
        assert r.status_code == 404
    assert other != mine


def test_only_the_stations_experts_and_chief_see_the_desk(desk: Desk, client: TestClient) -> None:
    token = _open(client, "王ZQX-NAME")
    for who in ("expert", "chief"):
        r = desk(who, "GET", "/consult/desk")
        assert r.status_code == 200 and "王ZQX-NAME" in r.text, who
    assert "王ZQX-NAME" not in desk("other", "GET", "/consult/desk").text  # SA02's expert
    for who in ("officer", "director"):
        assert desk(who, "GET", "/consult/desk").status_code == 403, who
    m = re.search(
        r'href="/consult/desk/(ZX-SA01-[0-9A-F]+)"', desk("expert", "GET", "/consult/desk").text
    )
    assert m is not None
    assert desk("other", "GET", f"/consult/desk/{m.group(1)}").status_code == 404
    assert desk("officer", "GET", f"/consult/desk/{m.group(1)}/events").status_code == 403
    assert client.get("/consult/desk", follow_redirects=False).status_code in (303, 401)
    assert token


def test_an_expert_claims_answers_hands_over_closes_and_records(
    desk: Desk, client: TestClient, session: Session
) -> None:
    token = _open(client)
    r = desk("expert", "POST", "/consult/desk/claim")
    assert r.status_code == 303
    code = r.headers["location"].rsplit("/", 1)[1]
    page = desk("expert", "GET", f"/consult/desk/{code}")
    assert page.status_code == 200 and 'id="handover"' in page.text and "c-expert2" in page.text
    assert '<a href="/consult/desk">返回队列列表</a>' in page.text  # not the hand-back action
    assert (
        desk("expert", "POST", f"/consult/desk/{code}/messages", data={"body": "您好"}).status_code
        == 204
    )
    assert (
        desk("expert2", "POST", f"/consult/desk/{code}/messages", data={"body": "x"}).status_code
        == 403
    )
    r = desk(
        "expert", "POST", f"/consult/desk/{code}/handover", data={"to": "c-expert2", "note": "交接"}
    )
    assert r.status_code == 303
    assert (
        desk("expert2", "POST", f"/consult/desk/{code}/messages", data={"body": "我来"}).status_code
        == 204
    )
    r = desk("expert2", "POST", f"/consult/desk/{code}/transcript")
    assert r.status_code == 303 and "recorded=" in r.headers["location"]
    assert desk("expert2", "POST", f"/consult/desk/{code}/close").status_code == 303
    c = service.by_token(session, token=token)
    assert c.status == "closed" and c.evidence_item
    lines = [m.body for m in service.messages(session, c, citizen=True)]
    assert "交接" not in lines and "我来" in lines


def _closed(client: TestClient) -> str:
    token = _open(client)
    csrf = str(client.cookies.get("jingwu_csrf"))
    r = client.post(
        f"/consult/{token}/close", headers={"X-CSRF-Token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    return token


def test_the_stream_speaks_the_pages_language_not_the_browsers(
    desk: Desk, client: TestClient
) -> None:
    token = _closed(client)  # a closed consultation's stream sends its lines and ends
    client.cookies.clear()  # no language cookie: the page is Chinese, so are the lines
    english_browser = {"Accept-Language": "en", "Accept": "text/event-stream"}
    r = client.get(f"/consult/{token}/events", headers=english_browser)
    assert r.status_code == 200 and "本次咨询已结束。" in r.text
    assert "The consultation has ended." not in r.text
    assert r.text.count("本次咨询已结束。") == 1 and '"notice":"closed"' in r.text
    client.cookies.set("jingwu_lang", "en")  # the cookie switches page and lines alike
    r = client.get(f"/consult/{token}/events", headers=english_browser)
    assert "The consultation has ended." in r.text


def test_a_closed_consultation_shows_no_message_box_and_no_end_button(
    desk: Desk, client: TestClient
) -> None:
    token = _closed(client)
    page = client.get(f"/consult/{token}").text
    assert 'id="chat"' in page
    assert 'id="send-form"' not in page and ">发送<" not in page and "结束咨询" not in page
    csrf = str(client.cookies.get("jingwu_csrf"))
    r = client.post(
        f"/consult/{token}/messages", data={"body": "x"}, headers={"X-CSRF-Token": csrf}
    )
    assert r.status_code == 409
