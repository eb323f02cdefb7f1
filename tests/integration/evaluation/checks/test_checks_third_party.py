"""Third-party evaluation on the database: mystery visits, the expert panel, survey imports,
and the indicator values they give the indices."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.evaluation.checks import experts, feed, mystery, sheet, surveys
from jingwu.evaluation.checks.models import MysteryVisit, SurveyImport, SurveyResult
from tests.integration.evaluation.checks.checks_world import NOW
from tests.integration.workorders.wo_factory import World, make_world

JUNE = dt.datetime(2026, 6, 10, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def w(session: Session) -> World:
    return make_world(session)


def full(points: int = 10) -> dict[str, object]:
    return {i.id: min(points, i.points) for i in sheet.SHEET}


def test_a_plan_spreads_the_visits_over_the_stations_reproducibly(
    session: Session, w: World
) -> None:
    w.units["SA01"].residents, w.units["SA02"].residents = 9000, 3000
    plan = mystery.create_plan(
        session, w.p["inspector"], unit="D000", half="2026-H1", seed=7, now=NOW
    )
    assert plan.total == 200 and sum(plan.allocation.values()) == 200
    assert set(plan.allocation) == {"SA01", "SA02", "SB01"}
    assert plan.allocation["SA01"] > plan.allocation["SA02"] >= plan.allocation["SB01"] >= 1
    with pytest.raises(Conflict):
        mystery.create_plan(session, w.p["inspector"], unit="D000", half="2026-H1", now=NOW)
    other = mystery.create_plan(
        session, w.p["director"], unit="D000", half="2026-H2", seed=7, now=NOW
    )
    assert other.allocation == plan.allocation
    with pytest.raises(Invalid):
        mystery.create_plan(session, w.p["inspector"], unit="D000", half="2026-H3", now=NOW)
    with pytest.raises(Forbidden):
        mystery.create_plan(session, w.p["chief"], unit="SA01", half="2026-H2", now=NOW)


def test_visits_give_the_sample_size_mean_and_margin_of_error(session: Session, w: World) -> None:
    mystery.create_plan(session, w.p["inspector"], unit="D000", half="2026-H1", seed=1, now=NOW)
    for k in range(30):
        mystery.record_visit(
            session,
            w.p["inspector"],
            station=("SA01", "SA02", "SB01")[k % 3],
            visited_at=JUNE + dt.timedelta(hours=k),
            visitor=f"V{k % 4:02d}",
            scenario="walk_in",
            scores=full(10 if k % 5 else 6),
            now=NOW,
        )
    report = mystery.half_report(session, w.p["director"], half="2026-H1")
    assert report.n == 30 and report.passing is not None and report.mean is not None
    assert report.passing.successes == 24 and not report.passing.enough
    assert report.passing.wilson.low < 0.8 < report.passing.wilson.high
    assert report.mean.low < report.mean.mean < report.mean.high
    assert [s.visits for s in report.stations] == [10, 10, 10]
    street = mystery.half_report(session, w.p["street"], half="2026-H1")
    assert street.n == 20 and [s.unit.short_code for s in street.stations] == ["SA01", "SA02"]
    codes = [v.code for v, _ in mystery.recent_visits(session, w.p["street"], half="2026-H1")]
    assert codes[0].startswith("SA0") and len(codes) == 20


def test_a_bad_visit_is_refused_and_nothing_is_stored(session: Session, w: World) -> None:
    cases: list[tuple[dict[str, object], str]] = [
        ({"station": "SA00"}, "made to stations"),
        ({"visited_at": NOW + dt.timedelta(days=1)}, "future"),
        ({"visitor": " "}, "visitor"),
        ({"scenario": "email"}, "walk-in"),
        ({"scores": {**full(), "reception.wait": 11}}, "whole points"),
        ({"station": "SB01", "who": "street"}, "Unknown unit"),
    ]
    for change, says in cases:
        args: dict[str, object] = {
            "station": "SA01",
            "visited_at": JUNE,
            "visitor": "V01",
            "scenario": "phone",
            "scores": full(),
            "now": NOW,
        }
        who = str(change.pop("who", "inspector"))
        args.update(change)
        with pytest.raises(Invalid, match=says):
            mystery.record_visit(session, w.p[who], **args)  # type: ignore[arg-type]
    assert session.scalar(select(func.count()).select_from(MysteryVisit)) == 0


def test_the_panel_covers_the_eight_fields_with_reviews(session: Session, w: World) -> None:
    fields = experts.fields()
    assert len(fields) == 8
    made = [
        experts.add_expert(
            session,
            w.p["director"],
            unit="D000",
            name=f"专家{k}",
            field=f.id,
            affiliation="浙江警察学院",
            now=NOW,
        )
        for k, f in enumerate(fields)
    ]
    assert made[0].code == "D000-EX001" and made[0].name == "专家0"
    review = experts.add_review(
        session,
        w.p["inspector"],
        expert=made[0].code,
        unit="SA01",
        reviewed_on=dt.date(2026, 11, 20),
        score=86,
        text="调解室设置合理，法律文书规范。",
        now=NOW,
    )
    assert review.field == fields[0].id
    panel = experts.panel(session, w.p["director"], year=2026)
    assert panel.fields_covered == 8 and panel.lines[0].mean == 86 and len(panel.latest) == 1
    assert experts.panel(session, w.p["b_street"], year=2026).latest == []
    with pytest.raises(Invalid, match="Unknown field"):
        experts.add_expert(
            session, w.p["director"], unit="D000", name="x", field="astrology", now=NOW
        )
    with pytest.raises(Invalid, match="between 0 and 100"):
        experts.add_review(
            session,
            w.p["inspector"],
            expert=made[1].code,
            unit="SA01",
            reviewed_on=dt.date(2026, 11, 20),
            score=101,
            text="x" * 20,
            now=NOW,
        )
    with pytest.raises(NotFound):
        experts.add_review(
            session,
            w.p["street"],
            expert=made[1].code,
            unit="SA01",
            reviewed_on=dt.date(2026, 11, 20),
            score=80,
            text="x" * 20,
            now=NOW,
        )


GOOD = (
    "unit,period,indicator,respondents,score,share\n"
    "SA01,2026-Q4,kpi.satisfaction.innovation,120,,78.5\n"
    "SA01,2026-Q2,kpi.satisfaction.environment,80,90,\n"
    "SA02,2026,safety.order.safety_feeling,300,,92.1\n"
)


def test_a_survey_file_is_imported_whole_and_feeds_the_indices(session: Session, w: World) -> None:
    batch = surveys.import_survey(
        session, w.p["street"], filename="C:\\data\\survey.csv", content=GOOD.encode(), now=NOW
    )
    assert (batch.filename, batch.rows) == ("survey.csv", 3)
    with pytest.raises(Conflict):
        surveys.import_survey(
            session, w.p["street"], filename="again.csv", content=GOOD.encode(), now=NOW
        )
    for k in range(4):
        mystery.record_visit(
            session,
            w.p["inspector"],
            station="SA01",
            visited_at=JUNE + dt.timedelta(days=k),
            visitor="V01",
            scenario="walk_in",
            scores=full(4 if k else 10),
            now=NOW,
        )
    rows = {
        (r.unit, r.period, r.indicator): r for r in feed.indicator_rows(session, w.p["director"])
    }
    assert rows[("SA01", "2026-Q4", "kpi.satisfaction.innovation")].value == 78.5
    first = rows[("SA01", "2026-Q4", "kpi.satisfaction.innovation")].provenance
    assert (first["kind"], first["file"], first["line"], first["respondents"]) == (
        "survey",
        "survey.csv",
        2,
        120,
    )
    env = rows[("SA01", "2026-Q2", "kpi.satisfaction.environment")]
    visits_mean = (100 + 3 * 100 * 12 / 25) / 4
    assert env.value == pytest.approx((90 + visits_mean) / 2)
    assert env.provenance["kind"] == "combined" and env.provenance["parts"][1]["visits"] == 4
    only = feed.indicator_rows(session, w.p["b_street"])
    assert only == []
    listed = surveys.list_imports(session, w.p["director"])
    assert [line.batch.id for line in listed] == [batch.id]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("SB01,2026-Q4,kpi.satisfaction.innovation,120,,78.5", "unknown unit"),
        ("SA01,2026-Q4,kpi.nothing,120,,78.5", "unknown indicator"),
        ("SA01,2026-Q4,kpi.satisfaction.response,120,,78.5", "indicator not imported"),
        ("SA01,2026-11,kpi.satisfaction.innovation,120,,78.5", "frequency"),
        ("SA02,2026-Q4,kpi.satisfaction.innovation,120,78,", "score for a score indicator"),
        ("SA02,2026-Q4,kpi.satisfaction.innovation,120,,178.5", "outside the indicator's range"),
        ("SA01,2026-Q4,kpi.satisfaction.innovation,120,,70", "twice"),
    ],
)
def test_a_bad_survey_line_is_named_and_nothing_is_imported(
    session: Session, w: World, line: str, message: str
) -> None:
    text = GOOD + line + "\n"
    with pytest.raises(Invalid) as caught:
        surveys.import_survey(
            session, w.p["street"], filename="s.csv", content=text.encode(), now=NOW
        )
    assert list(caught.value.fields) == ["line 5"]
    assert message in caught.value.fields["line 5"]
    assert session.scalar(select(func.count()).select_from(SurveyImport)) == 0
    assert session.scalar(select(func.count()).select_from(SurveyResult)) == 0
