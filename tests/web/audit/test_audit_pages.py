"""The audit log as an inspector reads it: words and names instead of codes and ids,
filters by date, actor, unit, record and action, and a CSV export with the same filters,
all within the reader's scope."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from jingwu.audit import service as audit
from jingwu.workorders.models import WorkOrder
from tests.factories.accounts import make_user, sign_in
from tests.integration.workorders.wo_factory import NOW, World, make_world, new_order
from tests.untranslated import english_text

D1 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 on 1 December in Shanghai
D3 = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)


class Log:
    def __init__(self, session: Session) -> None:
        self.w: World = make_world(session)
        w = self.w
        audit.bind_actor(session, w.p["officer"])
        self.a_order: WorkOrder = new_order(session, w)
        audit.bind_actor(session, w.p["b_officer"])
        self.b_order: WorkOrder = new_order(session, w, who="b_officer", station="SB01")
        audit.bind_actor(session, None)
        audit.record(
            session,
            principal=w.p["officer"],
            action="access.denied",
            object_type="request",
            object_id="GET /work-orders/mediations",
            outcome="denied",
            ip="10.1.2.3",
            detail={"status": 403, "path": "/work-orders/mediations"},
            now=D1,
        )
        audit.record(
            session,
            principal=w.p["b_officer"],
            action="pii.unmask",
            object_type="work_orders",
            object_id=self.b_order.id,
            unit_id=w.units["SB01"].id,
            detail={"fields": ["reporter_name", "reporter_phone"]},
            now=D3,
        )
        session.flush()


@pytest.fixture
def log(session: Session) -> Log:
    return Log(session)


def _as(client: TestClient, log: Log, name: str) -> None:
    assert sign_in(client, log.w.users[name], NOW).status_code == 303


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr.*?</tr>", body, flags=re.S)


def test_an_inspector_reads_words_and_names_not_codes_and_ids(client: TestClient, log: Log) -> None:
    _as(client, log, "inspector")
    page = " ".join(_rows(client.get("/audit").text))
    for words in ("拒绝访问", "新建工单", "新建工单事件", "查看个人信息明文", "拒绝", "成功"):
        assert words in page, words
    assert log.a_order.code in page and log.b_order.code in page
    officer = log.w.users["officer"].user
    assert f"{officer.display_name}（officer）" in page and "社区民警" in page
    assert "单位SB01（SB01）" in page
    assert "报警人姓名、报警人电话" in page
    # the internal codes are not what the reader reads
    cells = re.sub(r"<[^>]+>", " ", page)
    for code in ("work_orders.create", "access.denied", "pii.unmask", "wo_events"):
        assert code not in cells, code
    assert f" {log.a_order.id} " not in cells


def test_the_detail_reads_in_words_with_data_values_marked(
    client: TestClient, log: Log, session: Session
) -> None:
    """A detail's keys and vocabulary values are translated (the second factor, a refusal's
    reason); user names and paths are data, marked translate="no", and nothing else is
    English."""
    audit.record(
        session, principal=None, action="auth.sign_in", object_type="user", object_id="x",
        outcome="ok", detail={"username": "demo-chief", "factor": "code"}, now=D3,
    )  # fmt: skip
    audit.record(
        session, principal=log.w.p["partner"], action="access.denied", object_type="request",
        object_id="GET /evidence/orders/X", outcome="denied",
        detail={"status": 403, "code": "forbidden_role", "path": "/evidence/orders/X"}, now=D3,
    )  # fmt: skip
    session.flush()
    _as(client, log, "inspector")
    details = re.findall(r'<small class="audit-detail">(.*?)</small>', client.get("/audit").text)
    shown = " | ".join(details)
    assert '用户名：<span translate="no">demo-chief</span>；双重认证：动态口令' in shown
    assert '理由：角色无此权限；路径：<span translate="no">/evidence/orders/X</span>' in shown
    words = [re.sub(r'<span translate="no">.*?</span>', "", d) for d in details]
    assert not [w for w in words if english_text(w)], words


def test_filters_by_date_actor_unit_record_and_action(client: TestClient, log: Log) -> None:
    _as(client, log, "inspector")

    def rows(**query: str) -> str:
        r = client.get("/audit", params=query)
        assert r.status_code == 200, r.text
        return " ".join(_rows(r.text))

    on_1st = rows(date_from="2026-12-01", date_to="2026-12-01")
    assert "拒绝访问" in on_1st and "查看个人信息明文" not in on_1st
    assert "新建工单" not in on_1st  # written today, by the clock of the write audit
    assert "查看个人信息明文" in rows(date_from="2026-12-02", date_to="2026-12-31")
    by_name = rows(actor=log.w.users["b_officer"].user.display_name)
    assert log.b_order.code in by_name and log.a_order.code not in by_name
    assert rows(actor="b-officer") == by_name
    sb01 = rows(unit="SB01")
    assert log.b_order.code in sb01 and log.a_order.code not in sb01
    assert "拒绝访问" not in sb01  # a unit-less event belongs to no unit
    order = rows(object=log.a_order.code.lower())
    assert "新建工单" in order and "新建工单事件" in order and log.b_order.code not in order
    events = rows(object_type="wo_events")
    assert "新建工单事件" in events and "新建工单<" not in events
    denied = rows(action="access.denied")
    assert len(_rows(client.get("/audit", params={"action": "access.denied"}).text)) == 1
    assert "10.1.2.3" in denied
    created = rows(action="*.create", unit="SA01")
    assert "新建" in created and "拒绝访问" not in created and "查看" not in created


def test_a_bad_filter_is_a_clear_4xx(client: TestClient, log: Log) -> None:
    _as(client, log, "inspector")
    bad_date = client.get("/audit", params={"date_from": "2026-13-01"})
    assert bad_date.status_code == 422 and "2026-12-01" in bad_date.text
    assert client.get("/audit", params={"unit": "NOPE"}).status_code == 422
    assert client.get("/audit.csv", params={"unit": "NOPE"}).status_code == 422
    assert client.get("/audit", params={"before": str(2**70)}).status_code == 422


def _csv(client: TestClient, **query: str) -> list[list[str]]:
    r = client.get("/audit.csv", params=query)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


def test_the_csv_export_has_the_pages_rows_with_the_same_filters(
    client: TestClient, log: Log
) -> None:
    _as(client, log, "inspector")
    header, *rows = _csv(client)
    assert header[:4] == ["时间", "操作人", "角色", "操作"]
    page_rows = _rows(client.get("/audit").text)
    assert len(rows) == len(page_rows)
    denied = [r for r in rows if r[4] == "access.denied"]
    assert len(denied) == 1
    assert denied[0][3] == "拒绝访问" and denied[0][8] == "拒绝" and denied[0][9] == "10.1.2.3"
    assert denied[0][0] == "2026-12-01 10:00:00"  # local time
    _, *sb01 = _csv(client, unit="SB01")
    assert sb01 and all(r[7] == "单位SB01（SB01）" for r in sb01)
    assert {r[6] for r in sb01 if r[5] == "工单"} == {log.b_order.code}
    _, *on_3rd = _csv(client, date_from="2026-12-03", date_to="2026-12-03")
    assert [r[3] for r in on_3rd] == ["查看个人信息明文"]


def test_a_street_inspector_sees_only_the_streets_entries_on_the_page_and_in_the_csv(
    client: TestClient, session: Session, log: Log
) -> None:
    street = make_user(session, log.w.units["SA00"], "inspector", "street-inspector")
    assert sign_in(client, street, NOW).status_code == 303
    page = " ".join(_rows(client.get("/audit").text))
    assert log.a_order.code in page and log.b_order.code not in page
    assert "拒绝访问" not in page  # unit-less events: only from the top-level unit
    _, *rows = _csv(client)
    assert rows and all("SB01" not in " ".join(r) for r in rows)
    assert client.get("/audit", params={"unit": "SB01"}).status_code == 422
    assert client.get("/audit.csv", params={"object": log.b_order.code}).text.count("\n") == 1


def test_officers_may_not_read_the_log_or_export_it(client: TestClient, log: Log) -> None:
    _as(client, log, "officer")
    assert client.get("/audit").status_code == 403
    assert client.get("/audit.csv").status_code == 403
