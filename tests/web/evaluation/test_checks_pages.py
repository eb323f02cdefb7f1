"""The spot-check pages through the ASGI client: draw, record, verify, third-party forms."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.evaluation.checks import sheet
from jingwu.evaluation.checks.models import CheckDraw, MysteryVisit, SurveyImport
from jingwu.evidence.logkeys import load_log_keys
from jingwu.runtime import Runtime
from tests.conftest import FrozenClock
from tests.factories.accounts import csrf, sign_in
from tests.integration.evaluation.checks.checks_world import sign
from tests.integration.workorders.wo_factory import World, make_world


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def _login(client: TestClient, world: World, who: str, clock: FrozenClock) -> None:
    assert sign_in(client, world.users[who], clock.now).status_code == 303


def _post(client: TestClient, path: str, data: dict[str, Any], **kw: Any):  # type: ignore[no-untyped-def]
    return client.post(
        path, data={**data, "csrf_token": csrf(client)}, follow_redirects=False, **kw
    )


def test_an_inspector_commits_draws_records_and_verifies_a_draw(
    client: TestClient, world: World, clock: FrozenClock, session: Session, runtime: Runtime
) -> None:
    _login(client, world, "inspector", clock)
    page = client.get("/evaluation/checks")
    assert page.status_code == 200 and 'id="commit-draw"' in page.text
    r = _post(
        client,
        "/evaluation/checks",
        {"kind": "station", "unit": "D000", "period": "2026-11", "quota": "2", "team": "2"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/evaluation/checks/D000-202611-S"
    page = client.get("/evaluation/checks/D000-202611-S").text
    assert 'id="commitment"' in page and 'id="run-draw"' in page and 'id="seed"' not in page
    assert _post(client, "/evaluation/checks/D000-202611-S/draw", {}).status_code == 303
    page = client.get("/evaluation/checks/D000-202611-S").text
    assert page.count('class="ev-card"') == 2 and 'id="seed"' in page
    row = session.scalar(select(CheckDraw))
    assert row is not None
    target = row.pairs["target"][0][0]  # type: ignore[index]
    r = _post(
        client,
        "/evaluation/checks/D000-202611-S/outcomes",
        {"target": target, "status": "found", "finding": "公示栏信息过期"},
    )
    assert r.status_code == 303
    page = client.get("/evaluation/checks/D000-202611-S").text
    assert "公示栏信息过期" in page and "发现问题" in page
    sign(session, load_log_keys(runtime.settings), clock.now)
    verdict = client.get("/evaluation/checks/D000-202611-S/verify", headers={"HX-Request": "true"})
    assert verdict.status_code == 200 and 'data-ok="yes"' in verdict.text
    assert "核验通过" in verdict.text and "<html" not in verdict.text


def test_a_bad_commit_is_shown_on_the_page_and_stores_nothing(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    _login(client, world, "inspector", clock)
    r = _post(
        client, "/evaluation/checks", {"kind": "station", "unit": "D000", "period": "2026-10"}
    )
    assert r.status_code == 409 and "该月结束前提交承诺" in r.text and 'id="page-error"' in r.text
    r = _post(
        client, "/evaluation/checks", {"kind": "station", "unit": "D000", "period": "2026-13"}
    )
    assert r.status_code == 422 and "月份的格式为 2026-03" in r.text
    r = _post(client, "/evaluation/checks", {"kind": "order", "unit": "SA01", "period": "2026-12"})
    assert r.status_code == 422 and "不能由警务室组织" in r.text
    assert session.scalar(select(func.count()).select_from(CheckDraw)) == 0


def test_reading_needs_view_and_drawing_needs_inspect_within_the_scope(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    _login(client, world, "officer", clock)
    page = client.get("/evaluation/checks")
    assert page.status_code == 200 and 'id="commit-draw"' not in page.text
    r = _post(
        client, "/evaluation/checks", {"kind": "station", "unit": "SA00", "period": "2026-11"}
    )
    assert r.status_code == 403
    client.cookies.clear()
    _login(client, world, "partner", clock)
    assert client.get("/evaluation/checks").status_code == 403
    assert client.get("/evaluation/mystery-visits").status_code == 403


def test_a_draw_of_another_unit_is_not_found(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    _login(client, world, "director", clock)
    _post(client, "/evaluation/checks", {"kind": "station", "unit": "D000", "period": "2026-11"})
    client.cookies.clear()
    _login(client, world, "street", clock)
    assert client.get("/evaluation/checks/D000-202611-S").status_code == 404
    assert client.get("/evaluation/checks/D000-202611-S/verify").status_code == 404
    assert "D000-202611-S" not in client.get("/evaluation/checks").text


def test_the_coverage_orange_and_published_pages_show(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    _login(client, world, "director", clock)
    _post(
        client,
        "/evaluation/checks",
        {"kind": "station", "unit": "D000", "period": "2026-11", "quota": "1"},
    )
    _post(client, "/evaluation/checks/D000-202611-S/draw", {})
    page = client.get("/evaluation/checks/coverage").text
    assert 'id="coverage-figure"' in page and "33.3%" in page
    page = client.get("/evaluation/checks/published").text
    assert "D000-202611-S" in page and "待检查" in page
    r = _post(
        client,
        "/evaluation/checks/orange",
        {"station": "SA01", "month": "2026-12", "step": "commit"},
    )
    assert r.status_code == 303 and r.headers["location"] == "/evaluation/checks/SA01-202612-Q"
    page = client.get("/evaluation/checks/orange").text
    assert "SA01-202612-Q" in page and "承诺" in client.get(r.headers["location"]).text
    r = _post(
        client, "/evaluation/checks/orange", {"station": "SA01", "month": "2026-12", "step": "draw"}
    )
    assert r.status_code == 409 and 'id="page-error"' in r.text


def _visit(**over: str) -> dict[str, str]:
    form = {
        "station": "SA01",
        "visited_at": "2026-11-20T10:30",
        "visitor": "V01",
        "scenario": "walk_in",
    }
    form.update({i.id.replace(".", "_"): str(i.points) for i in sheet.SHEET})
    form.update(over)
    return form


def test_mystery_visits_are_recorded_from_the_form(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    _login(client, world, "inspector", clock)
    r = _post(client, "/evaluation/mystery-visits/plan", {"unit": "D000", "half": "2026-H2"})
    assert r.status_code == 303
    r = _post(client, "/evaluation/mystery-visits", _visit())
    assert (
        r.status_code == 303 and r.headers["location"] == "/evaluation/mystery-visits?half=2026-H2"
    )
    r = _post(client, "/evaluation/mystery-visits", _visit(reception_wait="12"))
    assert r.status_code == 422 and "每项得分为 0 到该项满分之间的整数" in r.text
    r = _post(client, "/evaluation/mystery-visits", _visit(visited_at="2026-12-20T10:00"))
    assert r.status_code == 422 and "暗访时间不能晚于现在" in r.text
    assert session.scalar(select(func.count()).select_from(MysteryVisit)) == 1
    page = client.get("/evaluation/mystery-visits?half=2026-H2").text
    assert 'id="sample-size">1<' in page and 'id="mean-score">100.0<' in page
    assert 'id="too-few"' in page and 'id="wilson"' in page
    assert client.get("/evaluation/mystery-visits?half=2026-H9").status_code == 422


def test_experts_and_reviews_are_added_from_the_forms(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    _login(client, world, "director", clock)
    r = _post(
        client,
        "/evaluation/experts",
        {"unit": "D000", "name": "陈立新", "field": "expert.law", "affiliation": "高校法学院"},
    )
    assert r.status_code == 303
    r = _post(
        client,
        "/evaluation/experts/reviews",
        {
            "expert": "D000-EX001",
            "unit": "SA01",
            "reviewed_on": "2026-11-20",
            "score": "88",
            "text": "调解文书规范，流程清楚。",
        },
    )
    assert r.status_code == 303
    page = client.get("/evaluation/experts").text
    assert "陈立新" in page and "调解文书规范" in page and 'id="fields-covered">1/8<' in page
    r = _post(client, "/evaluation/experts", {"unit": "D000", "name": "x", "field": "magic"})
    assert r.status_code == 422 and "未知的领域" in r.text


HEADER = "unit,period,indicator,respondents,score,share\n"


HEADER = "unit,period,indicator,respondents,score,share\n"


def test_a_survey_file_is_imported_or_refused_with_its_lines(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    _login(client, world, "street", clock)
    template = client.get("/evaluation/surveys/template.csv")
    assert template.status_code == 200 and template.text.startswith("unit,period,indicator")
    bad = HEADER + "SA01,2026-Q4,kpi.x,10,,50\nSA01,2026,x,0,,1\n"
    r = client.post(
        f"/evaluation/surveys?csrf_token={csrf(client)}",
        files={"file": ("s.csv", bad.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 422 and "第 2 行" in r.text and "第 3 行" in r.text
    assert "第一处在第 2 行" in r.text
    assert session.scalar(select(func.count()).select_from(SurveyImport)) == 0
    good = HEADER + "SA01,2026-Q4,kpi.satisfaction.innovation,120,,78.5\n"
    r = client.post(
        f"/evaluation/surveys?csrf_token={csrf(client)}",
        files={"file": ("s.csv", good.encode(), "text/csv")},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "kpi.satisfaction.innovation" in client.get("/evaluation/surveys").text


def test_the_pages_speak_english_when_asked(
    client: TestClient, world: World, clock: FrozenClock
) -> None:
    _login(client, world, "inspector", clock)
    client.get("/lang/en")
    page = client.get("/evaluation/checks").text
    assert "Double-random checks" in page and "双随机抽查" not in page


def test_the_draw_page_says_when_nothing_is_left_to_draw_and_the_seed_can_still_be_revealed(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    _login(client, world, "inspector", clock)
    period = {"kind": "station", "unit": "D000", "quota": "3", "team": "1"}
    _post(client, "/evaluation/checks", {**period, "period": "2026-11"})
    page = client.get("/evaluation/checks/D000-202611-S").text
    assert 'id="empty-pool"' not in page and "aria-describedby" not in page
    assert _post(client, "/evaluation/checks/D000-202611-S/draw", {}).status_code == 303
    _post(client, "/evaluation/checks", {**period, "period": "2026-12"})
    page = client.get("/evaluation/checks/D000-202612-S").text
    assert 'id="empty-pool"' in page and "本年度均已检查过" in page
    assert 'id="run-draw" aria-describedby="empty-pool"' in page
    english = client.get("/evaluation/checks/D000-202612-S", headers={"Accept-Language": "en"})
    assert "every target in the pool was checked earlier this year" in english.text
    # the committed seed can still be revealed when its month comes (the draw stays
    # verifiable), drawing no target
    assert 'id="run-draw" disabled' not in page
    orders = {"kind": "order", "unit": "SA00", "period": "2026-12", "team": "1"}
    assert _post(client, "/evaluation/checks", orders).status_code == 303
    page = client.get("/evaluation/checks/SA00-202612-O").text
    assert "对象池为空" in page and 'aria-describedby="empty-pool"' in page
    english = client.get("/evaluation/checks/SA00-202612-O", headers={"Accept-Language": "en"})
    assert "the target pool is empty" in english.text
