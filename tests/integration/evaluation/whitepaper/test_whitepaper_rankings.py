"""The white paper ranks the stations on the stored index results of the year's latest
quarter that has them, in the principal's scope."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from jingwu.evaluation.indices.models import IndexResult
from jingwu.evaluation.whitepaper import content, render
from tests.integration.evaluation.checks.checks_world import NOW
from tests.integration.evaluation.whitepaper.wp_world import plant


def test_the_paper_ranks_the_stations_on_the_latest_quarter_with_results(
    session: Session,
) -> None:
    w = plant(session)
    session.execute(delete(IndexResult))  # the recompute's, replaced by chosen ranks
    for period, ranks in (("2026-Q3", (1, 2, 3)), ("2026-Q4", (3, 1, 2))):
        for code, rank in zip(("SA01", "SA02", "SB01"), ranks, strict=True):
            session.add(
                IndexResult(
                    index_id="kpi.satisfaction",
                    unit_id=w.units[code].id,
                    period=period,
                    value=90.0 - rank,
                    rank=rank,
                    rank_p05=rank,
                    rank_p95=rank + 1.0,
                    ranked=3,
                    method={},
                    catalogue_version="2026.1",
                    computed_at=NOW,
                )
            )
    session.flush()
    paper = content.build(session, w.p["director"], year=2026, now=NOW)
    satisfaction = next(r for r in paper.rankings if r.index == "kpi.satisfaction")
    assert satisfaction.period == "2026-Q4"
    assert [r.unit.short_code for r in satisfaction.rows] == ["SA02", "SB01", "SA01"]
    assert all(not r.rows for r in paper.rankings if r.index != "kpi.satisfaction")
    mine = content.build(session, w.p["chief"], year=2026, now=NOW)
    assert [r.unit.short_code for r in mine.rankings[0].rows] == ["SA01"]
    html = render.print_html(paper, "zh_CN")
    assert 'id="ranking-kpi-satisfaction"' in html and "群众满意度指数" in html


def test_without_index_results_the_paper_has_no_rankings(session: Session) -> None:
    w = plant(session)
    session.execute(delete(IndexResult))
    paper = content.build(session, w.p["director"], year=2026, now=NOW)
    assert paper.rankings == []
    assert 'id="wp-rankings"' not in render.print_html(paper, "zh_CN")
