"""The rollout dashboard in a real browser at phone size, in Chinese: the city's figures
against a count of the database, the two districts compared, a blocked station refused
verification, and a director designating a verified station."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from jingwu.org.models import Unit
from jingwu.rollout.models import RolloutStation, RolloutTarget
from tests.browser.conftest import LiveServer, sign_in

PHONE = {"width": 390, "height": 844}


def _count(server: LiveServer, city: str) -> tuple[int, int]:
    """The city's target and its demonstration stations, counted straight from the tables."""
    with server.runtime.db.unit_of_work(write=False) as session:
        root = session.scalar(select(Unit).where(Unit.short_code == city))
        assert root is not None
        below = select(Unit.id).where(Unit.path.startswith(root.path))
        target = session.scalar(
            select(func.sum(RolloutTarget.target)).where(RolloutTarget.unit_id.in_(below))
        )
        done = session.scalar(
            select(func.count())
            .select_from(RolloutStation)
            .where(
                RolloutStation.unit_id.in_(below),
                RolloutStation.status == "demonstration",
                RolloutStation.phase.is_not(None),
            )
        )
        return int(target or 0), int(done or 0)


def _fits(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_city_reads_its_rollout_on_a_phone(page: Page, live_server: LiveServer) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "demo-city")
    page.goto(f"{live_server.url}/rollout")
    expect(page.locator("h1")).to_have_text("示范警务室创建：2024–2026 年计划")
    target, done = _count(live_server, "HZ00")
    assert target > 0 and done > 0
    expect(page.locator("#total-target")).to_have_text(str(target))
    expect(page.locator("#total-achieved")).to_have_text(str(done))
    expect(page.locator("#ro-districts tbody tr")).to_have_count(2)
    expect(page.locator("#district-gs00")).to_contain_text("拱墅区")
    expect(page.locator("#year-2026")).to_be_visible()
    expect(page.locator("#blocked-bs03")).to_contain_text("接待区面积占比")
    _fits(page)


def test_a_blocked_station_is_refused_and_a_verified_one_designated(
    page: Page, live_server: LiveServer
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "demo-inspector")
    page.goto(f"{live_server.url}/rollout")
    expect(page.locator("#move-bs03 option").first).to_have_attribute("value", "verified")
    page.click("#save-bs03")
    expect(page.locator("#rollout-error")).to_contain_text("整改未完成")
    expect(page.locator("#station-bs03")).to_contain_text("已自评")
    _fits(page)

    page.context.clear_cookies()
    sign_in(page, live_server, "demo-director")
    page.goto(f"{live_server.url}/rollout")
    before = int(page.locator("#total-achieved").inner_text())
    expect(page.locator("#move-xx03 option").first).to_have_attribute("value", "demonstration")
    page.click("#save-xx03")
    expect(page.locator("#station-xx03")).to_contain_text("示范警务室")
    expect(page.locator("#total-achieved")).to_have_text(str(before + 1))
    _fits(page)
