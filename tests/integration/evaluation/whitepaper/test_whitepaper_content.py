"""The white paper's figures from the database: an independent count agrees, the scope holds,
stale or absent data are refused with one sentence."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.errors import Conflict
from jingwu.evaluation.whitepaper import content
from jingwu.evaluation.whitepaper.figures import key_figures
from jingwu.workorders.models import WorkOrder
from tests.integration.evaluation.checks.checks_world import NOW
from tests.integration.evaluation.whitepaper.wp_world import plant
from tests.integration.workorders.wo_factory import World


@pytest.fixture
def w(session: Session) -> World:
    return plant(session)


def test_the_order_figures_agree_with_an_independent_count(session: Session, w: World) -> None:
    kf = key_figures(session, w.p["director"], year=2026, now=NOW)
    assert kf.through == 11
    orders = kf.get("wp.orders").result
    counted = session.scalar(select(func.count()).select_from(WorkOrder))
    assert orders.year == counted == 7
    assert orders.months[10] == 7 and orders.months[11] is None  # December has not begun
    sa01, sb01 = w.units["SA01"].id, w.units["SB01"].id
    assert orders.stations[sa01] == 5 and orders.stations[sb01] == 2
    assert orders.stations[w.units["SA02"].id] == 0
    # a catalogue figure is the stored value: answered by each order's response deadline
    red = kf.get("safety.prevention.red_response_1h").result
    assert red.year == 100 and red.stations[sa01] == 100 and red.stations[sb01] == 100
    assert red.stations[w.units["SA02"].id] is None  # no red order: missing, not zero
    minutes = kf.get("safety.livelihood.median_response_minutes").result
    assert minutes.stations[sa01] == 30 and minutes.stations[sb01] == pytest.approx(75)
    rating = kf.get("safety.livelihood.rating_mean").result
    assert rating.year == pytest.approx((5 * 5 + 2 * 3) / 7)
    assert kf.get("wp.mystery").result.year is None  # no visits: missing, not zero
    assert kf.newest["work_orders"] is not None


def test_the_paper_has_every_section_and_at_least_30_key_indicators(
    session: Session, w: World
) -> None:
    paper = content.build(session, w.p["director"], year=2026, now=NOW)
    assert len(paper.figures.figures) >= 30
    assert len({f.id for f in paper.figures.figures}) == len(paper.figures.figures)
    assert [s for s, _ in paper.sections] == [
        "orders",
        "feedback",
        "iot",
        "incidents",
        "checks",
        "third",
    ]
    assert [t.key for t in paper.tables] == ["service", "quality"]
    for table in paper.tables:
        assert [r.unit.short_code for r in table.rows] == ["SA01", "SA02", "SB01"]
        assert len(table.columns) == 8
        assert all(len(r.values) == len(table.columns) for r in table.rows)
    assert paper.newest == NOW and [h.half for h in paper.halves] == ["2026-H1", "2026-H2"]
    catalogue_ids = [f.id for f in paper.figures.figures if paper.measure(f.id) is not None]
    assert len(catalogue_ids) >= 20


def test_a_chief_sees_the_figures_of_the_station_only(session: Session, w: World) -> None:
    kf = key_figures(session, w.p["chief"], year=2026, now=NOW)
    assert [s.short_code for s in kf.stations] == ["SA01"]
    assert kf.get("wp.orders").result.year == 5


def test_data_older_than_30_days_are_refused_with_one_sentence(session: Session, w: World) -> None:
    later = NOW + dt.timedelta(days=31)
    with pytest.raises(Conflict) as caught:
        content.build(session, w.p["director"], year=2026, now=later)
    assert caught.value.message.startswith("The newest data are from 2026-11-29, more than 30")
    assert caught.value.message.count(".") == 1
    content.build(session, w.p["director"], year=2026, now=NOW + dt.timedelta(days=29))


def test_a_past_year_is_judged_at_its_end_and_a_year_without_data_is_refused(
    session: Session, w: World
) -> None:
    # 2026's data end on 29 November, 33 days before the year's end
    with pytest.raises(Conflict, match="more than 30 days old"):
        content.build(session, w.p["director"], year=2026, now=NOW + dt.timedelta(days=400))
    with pytest.raises(Conflict, match="There are no data for 2024"):
        content.build(session, w.p["director"], year=2024, now=NOW)
