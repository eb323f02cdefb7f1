"""A station chief records a real station from empty in the browser; the check turns met."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import select

from jingwu.org.models import Unit
from tests.browser.conftest import LiveServer, sign_in
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.org import make_unit


def _empty_station(server: LiveServer) -> int:
    with server.runtime.db.unit_of_work() as session:
        street = session.scalar(select(Unit).where(Unit.short_code == "BS00"))
        assert street is not None
        unit = make_unit(session, "community", "BSX9", street, name="新建社区警务室")
        make_user(session, unit, "chief", "chief-bsx9")
        return unit.id


def _add_person(page: Page, name: str, category: str, post: str, number: str = "") -> None:
    page.fill("#staff-name", name)
    page.select_option("#staff-category", category)
    if number:
        page.fill("#staff-number", number)
    if category == "expert":
        page.select_option("#staff-field", "lawyer")
    page.select_option("#staff-post", post)
    page.click("#staff-submit")
    expect(page.locator("#staff-table")).to_contain_text(name)


def _backup(page: Page, post_label: str, backup: str) -> None:
    row = page.locator("#posts tr", has_text=post_label).first
    row.locator("select.post-backup").select_option(label=backup)
    row.locator("button[type=submit]").last.click()
    page.wait_for_load_state("load")


def test_a_chief_records_his_station_from_empty(page: Page, live_server: LiveServer) -> None:
    unit_id = _empty_station(live_server)
    sign_in(page, live_server, "chief-bsx9", PASSWORD)
    page.goto(f"{live_server.url}/org/units/{unit_id}")
    verdict = page.locator("#check-verdict")
    expect(verdict).to_contain_text("未达标")
    # the premises: floor area, the four zones, equipment
    page.fill("#floor-area-input", "60")
    page.click("#floor-submit")
    for n, (kind, area) in enumerate(
        [
            ("reception", "18"),
            ("security_control", "15"),
            ("professional_services", "12"),
            ("technical_support", "9"),
        ]
    ):
        page.select_option("#zone-kind", kind)
        page.fill("#zone-area", area)
        page.click("#zone-submit")
        expect(page.locator("#zones tbody tr")).to_have_count(n + 1)
    page.fill("#equipment-name-reception", "叫号机")
    page.fill("#equipment-qty-reception", "2")
    page.click("#equipment-add-reception")
    expect(page.locator("#zones")).to_contain_text("叫号机×2")
    # the people: a chief, a community officer, three auxiliaries and a lawyer (the X)
    _add_person(page, "赵建国", "police", "chief", "719001")
    _add_person(page, "钱明", "police", "community_officer", "719002")
    for name in ["孙丽", "李强", "周涛"]:
        _add_person(page, name, "auxiliary", "auxiliary")
    expect(verdict).to_contain_text("未达标")  # the key posts lack their B
    _add_person(page, "吴律师", "expert", "expert")
    # a mistake is refused and nothing is stored
    page.fill("#staff-name", "无号民警")
    page.select_option("#staff-category", "police")
    page.select_option("#staff-post", "")
    page.click("#staff-submit")
    expect(page.locator("#record-error")).to_contain_text("警号")
    page.goto(f"{live_server.url}/org/units/{unit_id}")
    expect(page.locator("#staff-table")).not_to_contain_text("无号民警")
    # A/B: each key post gets its backup, and the check turns met
    _backup(page, "警务室负责人", "钱明")
    _backup(page, "社区民警", "赵建国")
    expect(verdict).to_have_class(re.compile(r"\bgood\b"))
    expect(verdict).not_to_contain_text("未达标")
    expect(page.locator("#check")).to_contain_text("100%")
    expect(page.locator("#check .problems")).to_have_count(0)  # zones to the guide too
    page.click("#lang-en")
    expect(verdict).to_contain_text("Staffing check: met")
    expect(page.locator("#zones")).to_contain_text("Reception")
