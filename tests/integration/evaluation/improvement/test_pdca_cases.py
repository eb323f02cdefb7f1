"""The case library on the database: promote, de-identify, tag, search, count, scope."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.evaluation.improvement import cases
from jingwu.workorders.models import WorkOrder
from jingwu.workorders.models_cases import Mediation, MediationParty, MediationSession
from tests.integration.workorders.wo_factory import World, make_world, new_order

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def w(session: Session) -> World:
    return make_world(session)


def closed(session: Session, w: World, station: str = "SA01", **over: object) -> WorkOrder:
    who = {"SA01": "officer", "SB01": "b_officer"}[station]
    args: dict[str, object] = {
        "description": "张三反映楼上深夜装修噪音，联系电话 13812345678",
        "reporter_id_number": "11010519491231002X",
    }
    order = new_order(session, w, who=who, station=station, **{**args, **over})
    order.state, order.closed_at = "closed", NOW
    order.closure = {"summary": "已上门协调张三与邻居，约定晚十点后停工", "citizen_confirmed": True}
    session.flush()
    return order


def test_a_closed_order_becomes_a_de_identified_tagged_case(session: Session, w: World) -> None:
    order = closed(session, w)
    case = cases.promote(
        session, w.p["chief"], source="order", code=order.code, tags="噪音, 夜间施工", now=NOW
    )
    assert case.code == "SA01-AL202611001" and case.source_code == order.code
    for secret in ("张三", "13812345678", "文三路", "002X"):
        assert secret not in case.text and secret not in case.title
    assert "约定晚十点后停工" in case.text
    assert cases.tags_of(case) == ["噪音扰民", "噪音", "夜间施工"]
    with pytest.raises(Conflict):
        cases.promote(session, w.p["chief"], source="order", code=order.code, now=NOW)


def test_only_closed_orders_and_finished_mediations_in_scope(session: Session, w: World) -> None:
    order = new_order(session, w)
    with pytest.raises(Conflict):
        cases.promote(session, w.p["chief"], source="order", code=order.code, now=NOW)
    with pytest.raises(Conflict, match="has no mediation"):  # not "not finished"
        cases.promote(session, w.p["chief"], source="mediation", code=order.code, now=NOW)
    other = closed(session, w, station="SB01")
    with pytest.raises(NotFound):
        cases.promote(session, w.p["chief"], source="order", code=other.code, now=NOW)
    with pytest.raises(Forbidden):
        cases.promote(session, w.p["officer"], source="order", code=order.code, now=NOW)
    with pytest.raises(Invalid):
        cases.promote(session, w.p["chief"], source="nothing", code=order.code, now=NOW)
    with pytest.raises(Invalid):
        cases.promote(
            session,
            w.p["chief"],
            source="order",
            code=order.code,
            tags=" ".join(f"t{k}" for k in range(9)),
            now=NOW,
        )


def test_a_finished_mediation_becomes_a_case_without_the_parties(
    session: Session, w: World
) -> None:
    order = closed(session, w, category="neighbour")
    med = Mediation(
        order_id=order.id,
        unit_id=order.unit_id,
        mediator_name="赵调解",
        status="agreed",
        subject="李四与王五因漏水发生纠纷",
        opened_at=NOW,
        agreement_text="王五赔偿李四维修费800元，电话 0571-87654321 回访",
        agreed_at=NOW,
        ended_at=NOW,
    )
    session.add(med)
    session.flush()
    for side, name in (("applicant", "李四"), ("respondent", "王五")):
        session.add(
            MediationParty(
                mediation_id=med.id, unit_id=order.unit_id, side=side, name=name, phone=None
            )
        )
    session.add(
        MediationSession(
            mediation_id=med.id,
            unit_id=order.unit_id,
            held_at=NOW,
            minutes="赵调解主持，李四陈述损失",
        )
    )
    session.flush()
    case = cases.promote(session, w.p["street"], source="mediation", code=order.code, now=NOW)
    for secret in ("李四", "王五", "赵调解", "87654321"):
        assert secret not in case.text
    assert "赔偿" in case.text and case.source_kind == "mediation"


def test_search_by_text_and_tag_and_the_monthly_count(session: Session, w: World) -> None:
    first = closed(session, w)
    second = closed(session, w, description="电动车楼道充电，存在火灾隐患")
    far = closed(session, w, station="SB01")
    cases.promote(session, w.p["chief"], source="order", code=first.code, tags="噪音", now=NOW)
    later = NOW + dt.timedelta(days=5)  # December
    cases.promote(session, w.p["chief"], source="order", code=second.code, tags="消防", now=later)
    cases.promote(session, w.p["b_chief"], source="order", code=far.code, now=NOW)
    found, total = cases.search(session, w.p["chief"], q="充电")
    assert total == 1 and found[0].source_code == second.code
    found, total = cases.search(session, w.p["chief"], tag="噪音")
    assert [c.source_code for c in found] == [first.code]
    assert cases.search(session, w.p["director"], q="")[1] == 3
    assert cases.search(session, w.p["street"], q="")[1] == 2
    counts = {m.month: m.count for m in cases.monthly(session, w.p["director"], year=2026)}
    assert counts["2026-11"] == 2 and counts["2026-12"] == 1 and len(counts) == 12
    assert dict(cases.top_tags(session, w.p["chief"]))["消防"] == 1
    with pytest.raises(NotFound):
        cases.get_case(session, w.p["b_chief"], found[0].code)
