"""The citizen's journey across both zones, on a phone (390×844): submit a request on the
portal (the proof of work runs in the page, the SMS code comes from the outbox), get the
reference; the intake job makes an online order; an officer takes it to closed in the
intranet app; the citizen sees it closed on the tracking page and rates it."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from jingwu.notifications.models import Delivery
from jingwu.org.models import Unit
from jingwu.portal import intake, service
from jingwu.workorders.models import Feedback, WorkOrder
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.test_content_security_policy import WATCH

PHONE = {"width": 390, "height": 844}
CITIZEN = "13955556666"


def _code(server: LiveServer) -> str:
    with server.runtime.db.unit_of_work(write=False) as session:
        for row in session.scalars(select(Delivery).order_by(Delivery.id.desc()).limit(20)):
            if row.address == CITIZEN and "code" in row.params:
                return str(row.params["code"])
    raise AssertionError("no SMS code in the outbox")


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 90, 200)).save(out, format="JPEG")
    return out.getvalue()


def _officer_closes(page: Page, server: LiveServer, code: str) -> None:
    sign_in(page, server, "demo-officer")
    page.goto(f"{server.url}/work-orders/{code}")
    state = page.locator("#order-state")
    for action, after in (
        ("triage", "triaged"),
        ("assign", "assigned"),
        ("accept", "accepted"),
        ("start", "in_progress"),
    ):
        page.click(f"#do-{action}")
        expect(state).to_have_attribute("data-state", after)
    page.fill("#resolve-summary", "已上门劝导，烧烤摊按时收摊")
    page.check("#resolve-confirmed")
    page.click("#do-resolve")
    expect(state).to_have_attribute("data-state", "resolved")
    page.locator("form:has(#do-close) input[name='confirm']").check()
    page.click("#do-close")
    expect(state).to_have_attribute("data-state", "closed")


def test_a_citizen_reports_follows_and_rates_on_a_phone(
    browser: Browser, live_server: LiveServer
) -> None:
    with live_server.runtime.db.unit_of_work(write=False) as session:
        bs01 = session.scalars(select(Unit).where(Unit.short_code == "BS01")).one()
        where = {"latitude": bs01.lat or 30.27, "longitude": bs01.lon or 120.15}
    phone = browser.new_context(
        viewport=PHONE,
        locale="zh-CN",
        is_mobile=True,
        has_touch=True,
        geolocation=where,
        permissions=["geolocation"],
    )
    phone.set_default_timeout(60_000)
    phone.add_init_script(WATCH)  # every CSP violation is recorded in window.__csp
    page = phone.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/portal")
    page.click("#go-submit")
    expect(page.locator("#portal-map")).to_have_attribute("data-ready", "1")
    page.select_option("#service-code", "noise")
    page.fill("#description", "小区门口烧烤摊每晚营业到凌晨两点，噪音和油烟扰民")
    expect(page.locator("#portal-map")).to_have_attribute("data-stations-drawn", re.compile(r"\d+"))
    expect(page.locator("#public-nav a")).to_have_count(4)
    page.click("#use-location")
    expect(page.locator("#lat")).not_to_have_value("")
    hint = page.locator("#where-hint")  # the hint says the place is chosen, with its point
    expect(hint).to_have_attribute("data-picked", "1")
    expect(hint).to_contain_text("已选地点")
    page.set_input_files(
        "#photos", files=[{"name": "p.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    page.fill("#contact-phone", CITIZEN)
    page.click("#send-code")
    expect(page.locator("#code-sent")).to_be_visible()
    page.fill("#sms-code", _code(live_server))
    expect(page.locator("#pow-status")).to_have_attribute("data-solved", "1")
    assert page.evaluate("window.__csp") == [] and errors == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width
    page.click("#submit-request")
    expect(page).to_have_url(re.compile(r"/portal/track/[A-Za-z0-9_-]{16}\?new=1$"))
    token = page.locator("#token").inner_text()
    expect(page.locator("#status")).to_have_attribute("data-status", "open")
    link = page.locator("#track-link").inner_text()
    assert link == f"{live_server.url}/portal/track/{token}", link

    runtime = live_server.runtime
    with runtime.db.unit_of_work() as session:  # the worker's portal.intake
        # (the demo leaves one request in the inbox too)
        assert intake.intake_pending(session, blobs=runtime.blobs, now=runtime.clock()).done >= 1
        pub = service.published(session, token=token)
        assert pub is not None and pub.service_request_id is not None
        code = pub.service_request_id
        order = session.scalars(select(WorkOrder).where(WorkOrder.code == code)).one()
        assert order.channel == "online" and order.reporter_phone == CITIZEN

    officer = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    officer.set_default_timeout(60_000)
    _officer_closes(officer.new_page(), live_server, code)
    officer.close()

    with runtime.db.unit_of_work() as session:  # the worker's portal.publish
        intake.publish(session, now=runtime.clock())
    page.goto(f"{live_server.url}/portal/track/{token}")
    expect(page.locator("#status")).to_have_attribute("data-status", "closed")
    expect(page.locator("#timeline li[data-step='closed']")).to_have_count(1)
    assert CITIZEN not in page.content() and "烧烤" not in page.content()
    page.select_option("#rating", "5")
    page.click("#rate-send")
    expect(page.locator("#rated")).to_be_visible()
    with runtime.db.unit_of_work() as session:
        assert intake.ratings_pending(session, now=runtime.clock()).done == 1
        order = session.scalars(select(WorkOrder).where(WorkOrder.code == code)).one()
        rating = session.scalars(select(Feedback.rating).where(Feedback.order_id == order.id))
        assert list(rating) == [5]
    page.goto(f"{live_server.url}/portal/track/{token}")
    expect(page.locator("#rated-note")).to_be_visible()
    assert page.evaluate("window.__csp") == [] and errors == []
    phone.close()
