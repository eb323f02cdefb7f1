"""The public pages form one site (one layout, one nav); the portal's not-found page, the SMS
code kept after a failed submission, the demo's visible code, the track page's wording."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.i18n import gettext
from jingwu.portal.public import LABELS, PHRASES
from tests.factories.accounts import csrf
from tests.integration.workorders.wo_factory import make_world
from tests.web.portal.portal_flow import form_challenge, jpeg_with_gps, sms_code, submit

NAV = ('href="/portal"', 'href="/legal"', 'href="/consult"', 'href="/sunshine"')


@pytest.mark.parametrize("path", ["/portal", "/portal/submit", "/consult", "/legal", "/sunshine"])
def test_the_public_pages_share_one_layout_with_the_public_nav(
    client: TestClient, session: Session, path: str
) -> None:
    make_world(session)
    page = client.get(path)
    assert page.status_code == 200, page.text
    assert 'id="public-nav"' in page.text
    for link in NAV:
        assert link in page.text, (path, link)
    assert 'id="menu-toggle"' not in page.text  # no staff menu
    assert 'class="brand" href="/"' not in page.text  # the logo does not lead to staff login
    assert 'href="/login"' not in page.text
    assert 'id="lang-zh"' in page.text and 'id="lang-en"' in page.text
    assert "办事/跟踪" in page.text and "法律查询" in page.text and "阳光警务" in page.text


@pytest.mark.parametrize("path", ["/portal/track/nosuchtoken123", "/portal/feedback/forged.token"])
def test_an_unknown_token_shows_the_public_not_found_page(client: TestClient, path: str) -> None:
    page = client.get(path)
    assert page.status_code == 404
    assert 'id="portal-not-found"' in page.text and 'id="public-nav"' in page.text
    assert "没有找到这个查询编号" in page.text
    assert "返回工作台" not in page.text and 'id="menu-toggle"' not in page.text


def test_a_bad_photo_keeps_the_code_for_the_corrected_resubmission(
    client: TestClient, session: Session
) -> None:
    make_world(session)
    token = csrf(client)
    phone = "13900002222"
    page = client.get("/portal/submit")
    ch, answer = form_challenge(page.text)
    sent = client.post(
        "/portal/code", data={"contact_phone": phone}, headers={"X-CSRF-Token": token}
    )
    assert sent.status_code == 200
    code = sms_code(session, phone)
    data = {
        "service_code": "noise",
        "description": "楼下烧烤店深夜噪音",
        "contact_phone": phone,
        "sms_code": code,
        "pow_challenge": ch,
        "pow_answer": answer,
        "lat": "30.205",
        "lon": "120.105",
    }
    refused = client.post(
        f"/portal/submit?csrf_token={token}",
        data=data,
        files=[("photo", ("p.jpg", b"not an image at all", "image/jpeg"))],
        follow_redirects=False,
    )
    assert refused.status_code == 422 and "JPEG" in refused.text
    ch, answer = form_challenge(refused.text)  # a fresh challenge on the re-rendered form
    data.update(pow_challenge=ch, pow_answer=answer)
    accepted = client.post(
        f"/portal/submit?csrf_token={token}",
        data=data,
        files=[("photo", ("p.jpg", jpeg_with_gps(), "image/jpeg"))],
        follow_redirects=False,
    )
    assert accepted.status_code == 303, accepted.text
    assert accepted.headers["location"].startswith("/portal/track/")
    # the code is spent now: a third use is refused
    ch, answer = form_challenge(client.get("/portal/submit").text)
    data.update(pow_challenge=ch, pow_answer=answer)
    again = client.post(f"/portal/submit?csrf_token={token}", data=data, follow_redirects=False)
    assert again.status_code == 422


def _code_page(client: TestClient, **settings: object) -> str:
    app = client.app
    app.state.settings = app.state.settings.model_copy(update=settings)  # type: ignore[attr-defined]
    token = csrf(client)
    sent = client.post(
        "/portal/code", data={"contact_phone": "13900003333"}, headers={"X-CSRF-Token": token}
    )
    assert sent.status_code == 200, sent.text
    return sent.text


def test_the_demo_shows_the_sent_code_with_a_demo_label(
    client: TestClient, session: Session
) -> None:
    text = _code_page(client, demo=True, environment="development")
    shown = re.search(r'id="demo-sms-code".*?data-code="(\d{6})"', text)
    assert shown and shown.group(1) == sms_code(session, "13900003333")
    assert "演示" in text


@pytest.mark.parametrize("over", [{"demo": False}, {"demo": True, "environment": "production"}])
def test_the_code_is_never_shown_outside_the_demo(
    client: TestClient, over: dict[str, object]
) -> None:
    text = _code_page(client, **over)
    assert 'id="code-sent"' in text
    assert "demo-sms-code" not in text and not re.search(r"\d{6}", text)


def test_the_track_page_pairs_its_label_and_phrase_and_links_absolutely(
    client: TestClient, session: Session
) -> None:
    make_world(session)
    token = csrf(client)
    answer = submit(client, session, token)
    ref = answer.headers["location"].removeprefix("/portal/track/").removesuffix("?new=1")
    page = client.get(f"/portal/track/{ref}")
    assert 'data-step="received"' in page.text and "已提交" in page.text
    assert "已受理，等待转交社区警务室。" in page.text and "待处理" not in page.text
    assert f'href="http://testserver/portal/track/{ref}"' in page.text
    app = client.app
    app.state.settings = app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"public_url": "https://jw.example.cn"}
    )
    page = client.get(f"/portal/track/{ref}")
    assert f"https://jw.example.cn/portal/track/{ref}" in page.text
    assert set(LABELS) == set(PHRASES)


def test_no_status_label_repeats_or_contradicts_its_phrase() -> None:
    for step, (_, note) in PHRASES.items():
        label, phrase = gettext("zh_CN", LABELS[step]), gettext("zh_CN", note)
        assert label != LABELS[step] and phrase != note, step  # both translated
        assert not phrase.startswith(label), (step, label, phrase)
