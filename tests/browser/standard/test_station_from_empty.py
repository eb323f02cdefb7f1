"""A chief records a station from empty in the browser, and after each step the station's
scorecard (/standard/stations/{code}) shows the requirement that step concerns moving to met:
floor area, zone shares, equipment, 3+X staffing, the 1+3 organisation, A/B posts, and the
expert (the X) under standard 2.0, which asks for one."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import select

from jingwu.org.models import Unit
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.org.test_org_record_journey import _add_person, _backup
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.org import make_unit

CODE = "BSX8"
ZONES = [
    ("reception", "18", "叫号机"),
    ("security_control", "15", "视频监控屏"),
    ("professional_services", "12", "调解桌"),
    ("technical_support", "9", "服务器柜"),
]
RECORDED = ("org4-floor_area", "org4-zone_shares", "org4-equipment", "org2-staffing",
            "org1-organisation", "org3-ab_posts")  # fmt: skip


def _empty_station(server: LiveServer) -> int:
    with server.runtime.db.unit_of_work() as session:
        street = session.scalar(select(Unit).where(Unit.short_code == "BS00"))
        assert street is not None
        unit = make_unit(session, "community", CODE, street, name="空白社区警务室")
        make_user(session, unit, "chief", "chief-bsx8")
        return unit.id


def _scorecard(page: Page, server: LiveServer, version: str = "1.0") -> dict[str, str]:
    """The status of each recorded requirement on the scorecard, by its row's id."""
    page.goto(f"{server.url}/standard/stations/{CODE}?version={version}")
    expect(page.locator("h1")).to_contain_text(CODE)
    return {
        rid: page.locator(f"#req-{rid} .badge").first.get_attribute("data-status") or ""
        for rid in RECORDED
    }


def _expect_met(page: Page, server: LiveServer, *met: str, version: str = "1.0") -> None:
    """The rows ``met`` are met and every other recorded row is not yet."""
    card = _scorecard(page, server, version)
    assert {rid for rid, status in card.items() if status == "met"} == set(met), card


def test_a_chief_records_a_station_from_empty_and_its_scorecard_follows(
    page: Page, live_server: LiveServer
) -> None:
    unit_id = _empty_station(live_server)
    sign_in(page, live_server, "chief-bsx8", PASSWORD)
    unit_page = f"{live_server.url}/org/units/{unit_id}"
    # empty: nothing recorded is met; the rows say why in Chinese
    _expect_met(page, live_server)
    expect(page.locator("#req-org4-floor_area .badge").first).to_have_text("无法测量")
    expect(page.locator("#req-org3-ab_posts .badge").first).to_have_text("无法测量")
    # the floor area
    page.goto(unit_page)
    page.fill("#floor-area-input", "60")
    page.click("#floor-submit")
    expect(page.locator("#floor-area-input")).to_have_value("60.0")
    _expect_met(page, live_server, "org4-floor_area")
    # the four zones with their areas: 30/25/20/15 % of 60 m², 10 % circulation
    page.goto(unit_page)
    for n, (kind, area, _) in enumerate(ZONES):
        page.select_option("#zone-kind", kind)
        page.fill("#zone-area", area)
        page.click("#zone-submit")
        expect(page.locator("#zones tbody tr")).to_have_count(n + 1)
    _expect_met(page, live_server, "org4-floor_area", "org4-zone_shares")
    expect(page.locator("#req-org4-equipment .badge").first).not_to_have_text("达标")
    # equipment in every zone
    page.goto(unit_page)
    for kind, _, item in ZONES:
        page.fill(f"#equipment-name-{kind}", item)
        page.fill(f"#equipment-qty-{kind}", "1")
        page.click(f"#equipment-add-{kind}")
        expect(page.locator("#zones")).to_contain_text(f"{item}×1")
    premises = ("org4-floor_area", "org4-zone_shares", "org4-equipment")
    _expect_met(page, live_server, *premises)
    # the staff: a chief, a community officer and two auxiliaries make 3+X (X = 0 in 1.0)
    page.goto(unit_page)
    _add_person(page, "赵建国", "police", "chief", "718001")
    _add_person(page, "钱明", "police", "community_officer", "718002")
    _add_person(page, "孙丽", "auxiliary", "auxiliary")
    _add_person(page, "李强", "auxiliary", "auxiliary")
    _expect_met(page, live_server, *premises, "org2-staffing")
    # a third auxiliary completes the organisation (1 chief + 3 auxiliaries)
    page.goto(unit_page)
    _add_person(page, "周涛", "auxiliary", "auxiliary")
    _expect_met(page, live_server, *premises, "org2-staffing", "org1-organisation")
    expect(page.locator("#req-org3-ab_posts .badge").first).to_have_text("未达标")
    # A/B: each key post gets its backup
    page.goto(unit_page)
    _backup(page, "警务室负责人", "钱明")
    _backup(page, "社区民警", "赵建国")
    _expect_met(page, live_server, *RECORDED)
    # standard 2.0 asks for an expert (the X): not met until a lawyer joins
    card = _scorecard(page, live_server, "2.0")
    assert card["org2-staffing"] == "not_met", card
    page.goto(unit_page)
    _add_person(page, "吴律师", "expert", "expert")
    card = _scorecard(page, live_server, "2.0")
    assert card["org2-staffing"] == "met", card
    expect(page.locator("#req-org2-staffing .badge").first).to_have_text("达标")
