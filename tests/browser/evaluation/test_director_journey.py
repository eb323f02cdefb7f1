"""Issue 10's journey: the director opens the ranking and drills into a station on a phone;
the inspector runs a double-random draw whose commitment is in the evidence log."""

from __future__ import annotations

import re

from playwright.sync_api import BrowserContext, Page, ViewportSize, expect
from sqlalchemy import select

from jingwu.evaluation.checks.documents import digest
from jingwu.evaluation.checks.ledger import commitment_doc
from jingwu.evaluation.checks.models import CheckDraw
from jingwu.evaluation.indices import computations
from jingwu.evaluation.indices.catalogues import active
from jingwu.evaluation.indices.models import IndexResult, IndicatorValue
from jingwu.evaluation.indices.periods import parse_period
from jingwu.evidence.models import EvidenceEntry, EvidenceItem, LogLeaf
from jingwu.org.models import Unit
from jingwu.workorders.models import WorkOrder
from tests.browser.conftest import LiveServer, sign_in
from tests.browser.evaluation.test_checks_journey import _sign_the_log

PHONE: ViewportSize = {"width": 390, "height": 844}


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a 390px phone"


def _ranked(server: LiveServer, index: str, period: str) -> dict[str, IndexResult]:
    """The stored results the ranking page should show, by station code."""
    with server.runtime.db.unit_of_work(write=False) as session:
        rows = session.execute(
            select(Unit.short_code, IndexResult)
            .join(Unit, Unit.id == IndexResult.unit_id)
            .where(
                IndexResult.index_id == index,
                IndexResult.period == period,
                Unit.kind == "community",
            )
        ).all()
        session.expunge_all()
        return {str(code): r for code, r in rows}


def _with_boundary(server: LiveServer, codes: set[str]) -> int:
    with server.runtime.db.unit_of_work(write=False) as session:
        units = session.scalars(select(Unit).where(Unit.short_code.in_(codes))).all()
        return sum(1 for u in units if u.boundary)


def _order_value(server: LiveServer, code: str, period: str) -> int:
    """A computed value of the station and period whose rows are work orders."""
    runtime = server.runtime
    with runtime.db.unit_of_work(write=False) as session:
        _, catalogue = active(session, now=runtime.clock())
        values = session.scalars(
            select(IndicatorValue)
            .join(Unit, Unit.id == IndicatorValue.unit_id)
            .where(
                Unit.short_code == code,
                IndicatorValue.period == period,
                IndicatorValue.origin == "query",
                IndicatorValue.value.is_not(None),
            )
            .order_by(IndicatorValue.id)
        ).all()
        for v in values:
            measure = catalogue.measure(v.indicator)
            if computations.selection(measure, parse_period(period)).kind == "order":
                return v.id
    raise AssertionError(f"no computed value of {code} in {period} counts work orders")


def _existing_orders(server: LiveServer, codes: list[str]) -> set[str]:
    with server.runtime.db.unit_of_work(write=False) as session:
        return set(session.scalars(select(WorkOrder.code).where(WorkOrder.code.in_(codes))))


def _logged_commitment(server: LiveServer, code: str, index: int) -> tuple[str, str, str]:
    """(the log entry's item, its SHA-256, the SHA-256 of the draw's commitment document)."""
    with server.runtime.db.unit_of_work(write=False) as session:
        draw = session.scalar(select(CheckDraw).where(CheckDraw.code == code))
        assert draw is not None
        unit = session.get(Unit, draw.unit_id)
        assert unit is not None
        item, sha = session.execute(
            select(EvidenceItem.code, EvidenceEntry.sha256)
            .join(EvidenceEntry, EvidenceEntry.item_id == EvidenceItem.id)
            .join(LogLeaf, LogLeaf.entry_id == EvidenceEntry.id)
            .where(LogLeaf.idx == index)
        ).one()
        return item, sha, digest(commitment_doc(draw, unit.short_code).encode()).hex()


def test_the_director_ranks_and_drills_into_a_station_on_a_phone(
    context: BrowserContext, live_server: LiveServer
) -> None:
    page = context.new_page()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "demo-director")
    page.goto(f"{live_server.url}/evaluation")
    index = page.locator("#ranking-form select[name=index]").input_value()
    period = page.locator("#ranking-form select[name=period]").input_value()
    expected = _ranked(live_server, index, period)
    assert len(expected) >= 2, "the demo data rank several stations"

    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(len(expected))
    for i in range(len(expected)):
        row = rows.nth(i)
        code = row.locator("td").nth(1).locator("[translate=no]").inner_text().strip()
        r = expected[code]
        cells = row.locator("td")
        if r.rank is None:
            expect(cells.nth(0)).to_have_text("—")
            continue
        expect(cells.nth(0)).to_have_text(str(r.rank))
        assert r.rank_p05 is not None and r.rank_p95 is not None
        label = f"第 {r.rank} 名，5–95 % 区间为 {r.rank_p05:.0f} 至 {r.rank_p95:.0f}"
        expect(cells.nth(3).locator("svg.ev-interval")).to_have_attribute(
            "aria-label", re.compile(re.escape(label))
        )

    # The choropleth: one shape per station with a boundary, drawn by Leaflet.
    expect(page.locator("#ranking-map")).to_have_attribute("data-ready", "1")
    shapes = page.locator("#ranking-map path.leaflet-interactive")
    bounded = _with_boundary(live_server, set(expected))
    assert bounded == len(expected), "every demo station has its boundary"
    expect(shapes).to_have_count(bounded)
    _no_sideways_scroll(page)

    # A shape on the map opens its station's scorecard for the period ranked, here a quarter.
    quarter = page.locator("#ranking-form optgroup").nth(1).locator("option").first
    quarter_value = quarter.get_attribute("value")
    assert quarter_value is not None
    page.locator("#ranking-form select[name=period]").select_option(quarter_value)
    page.locator("#ranking-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"period={quarter_value}"))
    expect(page.locator("#ranking-map")).to_have_attribute("data-ready", "1")
    page.locator("#ranking-map path.leaflet-interactive").first.dispatch_event("click")
    popup = page.locator("#ranking-map .leaflet-popup-content a")
    expect(popup).to_have_attribute(
        "href", re.compile(rf"^/evaluation/units/[A-Z0-9]+\?period={quarter_value}$")
    )
    popup.click()
    expect(page).to_have_url(re.compile(rf"/evaluation/units/[A-Z0-9]+\?period={quarter_value}$"))
    expect(page.locator("h1")).to_contain_text(quarter_value)
    _no_sideways_scroll(page)
    page.goto(f"{live_server.url}/evaluation")

    # Drill into the station ranked first through its row.
    first = rows.first
    code = first.locator("td").nth(1).locator("[translate=no]").inner_text().strip()
    first.locator("td").nth(1).locator("a").click()
    expect(page).to_have_url(re.compile(rf"/evaluation/units/{code}\?period={period}$"))
    expect(page.locator("h1")).to_contain_text(code)
    expect(page.locator("#unit-indices .ev-card")).to_have_count(4)
    _no_sideways_scroll(page)

    # A computed value's drill-down lists the work orders it was computed from.
    value_id = _order_value(live_server, code, period)
    page.locator(f'a[href="/evaluation/values/{value_id}"]').click()
    expect(page).to_have_url(f"{live_server.url}/evaluation/values/{value_id}")
    links = page.locator('#value-rows a[href^="/work-orders/"]')
    expect(links).not_to_have_count(0)
    listed = [t.strip() for t in links.all_inner_texts()]
    assert all(c.startswith(f"{code}-") for c in listed), listed
    assert _existing_orders(live_server, listed) == set(listed)
    _no_sideways_scroll(page)
    links.first.click()
    expect(page).to_have_url(f"{live_server.url}/work-orders/{listed[0]}")
    expect(page.locator("main")).to_contain_text(listed[0])


def test_the_inspector_draws_with_the_commitment_in_the_evidence_log(
    page: Page, live_server: LiveServer
) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "demo-inspector")
    page.goto(f"{live_server.url}/evaluation/checks")
    # A street draws (the district's own draw of this month is the checks journey's).
    page.locator("#draw-unit").select_option("BS00")
    page.click("#commit-draw")
    expect(page).to_have_url(re.compile(r"/evaluation/checks/BS00-\d{6}-S$"))
    code = page.url.rsplit("/", 1)[1]
    commitment = page.locator("#commitment")
    expect(commitment).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.locator("#commit-index")).to_have_text(re.compile(r"^\d+$"))
    item, sha, expected = _logged_commitment(
        live_server, code, int(page.locator("#commit-index").inner_text())
    )
    assert item == page.locator("#draw-facts [translate=no]").first.inner_text().strip()
    assert sha == expected
    page.click("#run-draw")
    expect(page.locator("#seed")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    _no_sideways_scroll(page)
    _sign_the_log(live_server)
    page.click("#verify-draw")
    expect(page.locator("#verdict-text")).to_have_attribute("data-ok", "yes")
    _no_sideways_scroll(page)
