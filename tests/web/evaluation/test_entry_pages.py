"""The value-entry and catalogue pages: one value through a form, a CSV file (all lines or
none, the bad ones named), the template; the catalogue edited into a new version (weights
that do not sum to 100 % refused); roles and both languages."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.audit.models import AuditEntry
from jingwu.evaluation.indices.models import CatalogueVersion, IndicatorValue
from tests.conftest import FrozenClock
from tests.factories.accounts import csrf, sign_in
from tests.integration.workorders.wo_factory import World, make_world
from tests.untranslated import english


@pytest.fixture
def world(session: Session) -> World:
    return make_world(session)


def _login(client: TestClient, world: World, who: str, clock: FrozenClock) -> None:
    assert sign_in(client, world.users[who], clock.now).status_code == 303


def _post(client: TestClient, path: str, data: dict[str, Any], **kw: Any):  # type: ignore[no-untyped-def]
    if "files" in kw:  # a multipart form: the token in the address
        path = f"{path}?csrf_token={csrf(client)}"
    return client.post(
        path, data={**data, "csrf_token": csrf(client)}, follow_redirects=False, **kw
    )


def _values(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(IndicatorValue)) or 0


ONE = {
    "indicator": "kpi.efficiency.training_transfer",
    "station": "SA01",
    "period": "2026-Q4",
    "value": "72.5",
    "note": "培训考核表汇总",
}


def test_a_chief_enters_one_value_and_sees_where_it_is_stored(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    _login(client, world, "chief", clock)
    page = client.get("/evaluation/value-entry")
    assert page.status_code == 200 and 'id="entry-form"' in page.text
    assert 'href="/evaluation/value-entry"' in client.get("/evaluation").text
    assert "<style" not in page.text and not english(page.text), english(page.text)
    r = _post(client, "/evaluation/value-entry", ONE)
    assert r.status_code == 303 and r.headers["location"].startswith("/evaluation/values/")
    shown = client.get(r.headers["location"]).text
    assert "72.5" in shown and "培训考核表汇总" in shown
    row = session.scalar(select(IndicatorValue))
    assert row is not None and row.value == 72.5 and row.origin == "form"
    assert row.rows == {"note": "培训考核表汇总"}
    event = session.scalar(
        select(AuditEntry).where(AuditEntry.action == "evaluation.values_entered")
    )
    assert event is not None and event.detail is not None
    assert event.detail["note"] == "培训考核表汇总"


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"value": "120"}, 422, "数值超出指标范围"),
        ({"value": "abc"}, 422, "数值必须是数字"),
        ({"period": "2026-11"}, 422, "频次"),
        ({"indicator": "kpi.satisfaction.response", "period": "2026-11"}, 422, "由平台自动计算"),
        ({"indicator": "no.such"}, 422, "未知指标"),
        ({"station": "SB01"}, 422, "没有这个警务室"),  # another station's: not in scope
    ],
)
def test_a_bad_value_is_refused_with_its_reason_and_nothing_is_stored(
    client: TestClient,
    world: World,
    clock: FrozenClock,
    session: Session,
    change: dict[str, str],
    status: int,
    message: str,
) -> None:
    _login(client, world, "chief", clock)
    r = _post(client, "/evaluation/value-entry", {**ONE, **change})
    assert r.status_code == status, r.text[:300]
    assert message in r.text
    assert _values(session) == 0


def test_a_file_with_bad_lines_names_them_and_stores_nothing_a_good_one_is_stored(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    _login(client, world, "director", clock)
    template = client.get("/evaluation/value-entry/template.csv")
    assert template.status_code == 200 and template.text.startswith("indicator,station,period")
    bad = (
        "indicator,station,period,value\n"
        "kpi.efficiency.training_transfer,SA01,2026-Q4,70\n"
        "kpi.efficiency.training_transfer,SA01,2026-Q4,170\n"
        "no.such,SA01,2026-Q4,1\n"
        "kpi.efficiency.training_transfer,ZZ99,2026-Q4,50\n"
    )
    files = {"file": ("values.csv", bad.encode(), "text/csv")}
    r = _post(client, "/evaluation/value-entry/import", {}, files=files)
    assert r.status_code == 422 and 'id="error-lines"' in r.text
    for n in (3, 4, 5):
        assert f"第 {n} 行" in r.text, r.text
    assert _values(session) == 0
    good = "indicator,station,period,value\nkpi.efficiency.training_transfer,SA01,2026-Q4,70\n"
    files = {"file": ("good.csv", good.encode(), "text/csv")}
    r = _post(client, "/evaluation/value-entry/import", {}, files=files)
    assert r.status_code == 200 and 'id="imported"' in r.text and _values(session) == 1
    empty = {"file": ("empty.csv", b"", "text/csv")}
    assert _post(client, "/evaluation/value-entry/import", {}, files=empty).status_code == 422


def test_entering_needs_the_role(client: TestClient, world: World, clock: FrozenClock) -> None:
    _login(client, world, "officer", clock)
    assert client.get("/evaluation/value-entry").status_code == 403
    assert _post(client, "/evaluation/value-entry", ONE).status_code == 403
    assert 'href="/evaluation/value-entry"' not in client.get("/evaluation").text
    assert client.get("/evaluation/catalogue").status_code == 403


def test_the_admin_edits_the_catalogue_into_a_new_version_and_bad_weights_are_refused(
    client: TestClient, world: World, clock: FrozenClock, session: Session
) -> None:
    _login(client, world, "admin", clock)
    page = client.get("/evaluation/catalogue")
    assert page.status_code == 200 and 'id="catalogue-form"' in page.text
    assert not english(page.text), english(page.text)
    assert client.get("/evaluation/catalogue?lang=en").status_code == 200
    r = _post(
        client,
        "/evaluation/catalogue",
        {"version": "2027.1", "w:safety.order": "25", "note": "试行"},
    )
    assert r.status_code == 422 and "100%" in r.text
    assert r.status_code == 422 and 'value="25"' in r.text
    assert session.scalar(select(func.count()).select_from(CatalogueVersion)) == 1
    r = _post(client, "/evaluation/catalogue", {"version": "2027.1", "w:safety.order": "x"})
    assert r.status_code == 422 and "权重必须是0到100之间的数字" in r.text
    r = _post(
        client,
        "/evaluation/catalogue",
        {
            "version": "2027.1",
            "w:safety.order": "25",
            "w:safety.prevention": "15",
            "zh:safety.order.theft_rate": "盗窃警情率",
        },
    )
    assert r.status_code == 303
    active = session.scalar(select(CatalogueVersion).where(CatalogueVersion.active.is_(True)))
    assert active is not None and active.version == "2027.1"
    weights = {c["id"]: c["weight"] for c in active.data["categories"]}
    assert weights["safety.order"] == 25 and weights["safety.prevention"] == 15
    assert "盗窃警情率" in client.get("/evaluation/catalogue").text
    again = _post(client, "/evaluation/catalogue", {"version": "2027.1"})
    assert again.status_code == 409
    back = _post(client, "/evaluation/catalogue/active", {"version": "2026.1"})
    assert back.status_code == 303
    session.expire_all()
    assert (
        session.scalar(select(CatalogueVersion.version).where(CatalogueVersion.active.is_(True)))
        == "2026.1"
    )
    assert _post(client, "/evaluation/catalogue/active", {"version": "1.0"}).status_code == 404
