"""Finding orders by code, the caller's phone, address and text; repeat reports merged."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.audit.models import AuditEntry
from jingwu.errors import Conflict, Invalid
from jingwu.notifications.models import Notification
from jingwu.workorders import search
from jingwu.workorders.models import OrderEvent, WorkOrder
from tests.integration.workorders.wo_factory import NOW, World, make_world, new_order, step

H = dt.timedelta(hours=1)


def _codes(session: Session, w: World, who: str, q: str) -> list[str]:
    rows, total = search.find(session, w.p[who], q=q)
    assert total == len(rows)
    return sorted(r.code for r in rows)


@pytest.fixture
def orders(session: Session) -> tuple[World, list[WorkOrder]]:
    w = make_world(session)
    made = [
        new_order(session, w, description="楼上深夜装修噪音", address="文三路 100 号 3 单元"),
        new_order(
            session,
            w,
            category="neighbour",
            description="邻居占用楼道堆放杂物",
            address="学院路 8 号 2 单元",
            reporter_phone="13900001111",
        ),
        new_order(
            session,
            w,
            who="b_officer",
            station="SB01",
            description="深夜噪音扰民",
            address="文三路 200 号",
            reporter_phone="13812345678",
        ),
    ]
    return w, made


def test_an_order_is_found_by_a_piece_of_its_code(
    session: Session, orders: tuple[World, list[WorkOrder]]
) -> None:
    w, made = orders
    assert _codes(session, w, "officer", made[1].code[-6:].lower()) == [made[1].code]


def test_the_callers_phone_finds_an_order_only_whole(
    session: Session, orders: tuple[World, list[WorkOrder]]
) -> None:
    w, made = orders
    assert _codes(session, w, "officer", "139 0000 1111") == [made[1].code]
    assert _codes(session, w, "officer", "13900001111") == [made[1].code]
    assert _codes(session, w, "officer", "1390000") == []


def test_address_and_description_words_must_all_match(
    session: Session, orders: tuple[World, list[WorkOrder]]
) -> None:
    w, made = orders
    assert _codes(session, w, "director", "文三路") == sorted([made[0].code, made[2].code])
    assert _codes(session, w, "director", "文三路 扰民") == [made[2].code]
    assert _codes(session, w, "officer", "楼道") == [made[1].code]


def test_search_stays_in_scope(session: Session, orders: tuple[World, list[WorkOrder]]) -> None:
    w, made = orders
    # the other station's order has the same caller as made[0]: still not found from SA01
    assert _codes(session, w, "officer", "13812345678") == [made[0].code]
    assert _codes(session, w, "b_officer", "13812345678") == [made[2].code]
    assert _codes(session, w, "partner", "文三路") == []
    theirs = new_order(session, w, who="partner", channel="partner", address="文三路 5 号")
    assert _codes(session, w, "partner", "文三路") == [theirs.code]


def test_which_field_matched_is_told(
    session: Session, orders: tuple[World, list[WorkOrder]]
) -> None:
    w, _ = orders
    rows, _ = search.find(session, w.p["officer"], q="13900001111 楼道")
    assert search.matched_on(rows[0], "13900001111 楼道") == ["phone", "text"]


def test_a_search_too_long_is_refused() -> None:
    with pytest.raises(Invalid):
        search.search_clause("楼" * 101)


def test_a_repeat_callers_reports_are_offered_as_duplicates(
    session: Session, orders: tuple[World, list[WorkOrder]]
) -> None:
    w, made = orders
    again = new_order(session, w, now=NOW + H, description="楼上又在装修")  # same caller
    other_address = new_order(
        session, w, now=NOW + 3 * H, reporter_phone="13700002222", address="文三路100号3单元"
    )
    late = new_order(session, w, now=NOW + dt.timedelta(days=40))
    found = search.duplicate_candidates(session, w.p["officer"], again)
    assert [c.code for c in found] == [made[0].code, other_address.code]
    assert (found[0].same_caller, found[0].same_address) == (True, True)
    assert (found[1].same_caller, found[1].same_address) == (False, True)
    assert late.code not in {c.code for c in found}
    assert made[2].code not in {c.code for c in found}  # another station


def test_merging_closes_the_repeat_and_records_it_on_the_first(
    session: Session, orders: tuple[World, list[WorkOrder]]
) -> None:
    w, made = orders
    first = made[0]
    step(session, w, first, "triage", "officer", NOW + H * 0.1, tier="yellow")
    step(session, w, first, "assign", "officer", NOW + H * 0.2, assignee="auxiliary")
    again = new_order(session, w, now=NOW + H, description="楼上又在装修")
    step(
        session, w, again, "mark_duplicate", "officer", NOW + 2 * H,
        duplicate_of=first.code.lower(), reason="同一来电人反映同一事项",
    )  # fmt: skip
    assert (again.state, again.duplicate_of, again.next_due_at) == ("duplicate", first.code, None)
    merged = session.execute(
        select(OrderEvent.kind, OrderEvent.data, OrderEvent.reason).where(
            OrderEvent.order_id == first.id, OrderEvent.action == "merged"
        )
    ).one()
    assert merged.kind == "merge" and merged.data["duplicate"] == again.code
    assert merged.reason == "同一来电人反映同一事项"
    assert first.state == "assigned"  # the first report goes on
    assert search.merged_into(session, w.p["officer"], first) == [again.code]
    audited = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "workorders.merge")
    ).one()
    assert (audited.object_id, audited.detail) == (again.code, {"into": first.code})
    told = session.scalars(
        select(Notification.kind).where(Notification.user_id == w.users["auxiliary"].user.id)
    ).all()
    assert "wo.merged" in told


def test_an_order_merged_already_is_no_target(
    session: Session, orders: tuple[World, list[WorkOrder]]
) -> None:
    w, made = orders
    second = new_order(session, w, now=NOW + H)
    third = new_order(session, w, now=NOW + 2 * H)
    step(session, w, second, "mark_duplicate", "officer", NOW + 3 * H, duplicate_of=made[0].code)
    with pytest.raises(Invalid) as refused:
        step(
            session, w, third, "mark_duplicate", "officer", NOW + 4 * H,
            duplicate_of=second.code,
        )  # fmt: skip
    assert refused.value.params == {"code": second.code, "primary": made[0].code}
    assert third.state == "received"


def test_an_accepted_order_is_no_longer_merged(
    session: Session, orders: tuple[World, list[WorkOrder]]
) -> None:
    w, made = orders
    o = new_order(session, w, now=NOW + H)
    step(session, w, o, "triage", "officer", NOW + H, tier="yellow")
    step(session, w, o, "assign", "officer", NOW + H, assignee="officer")
    step(session, w, o, "accept", "officer", NOW + H)
    with pytest.raises(Conflict):
        step(session, w, o, "mark_duplicate", "officer", NOW + 2 * H, duplicate_of=made[0].code)


@pytest.mark.parametrize("finished", ["resolved", "closed", "rejected"])
def test_a_report_cannot_join_a_finished_order(
    session: Session, orders: tuple[World, list[WorkOrder]], finished: str
) -> None:
    w, made = orders
    first = made[0]
    first.state = finished
    again = new_order(session, w, now=NOW + H)
    with pytest.raises(Invalid) as refused:
        step(
            session, w, again, "mark_duplicate", "officer", NOW + 2 * H,
            duplicate_of=first.code, reason="同一事项",
        )  # fmt: skip
    assert refused.value.fields == {"duplicate_of": "Choose an open order."}
    assert refused.value.params["code"] == first.code
    assert again.state == "received" and again.duplicate_of is None


def test_a_code_is_found_without_its_dashes_and_a_phone_with_the_country_code(
    session: Session, orders: tuple[World, list[WorkOrder]]
) -> None:
    w, made = orders
    code = made[1].code  # SA01-20261129-0002, caller 13900001111
    date, serial = code.split("-")[1:]
    for q in (date + serial, "SA01" + date, f"{date}-{serial}", serial):
        assert code in _codes(session, w, "officer", q), q
    assert code not in _codes(session, w, "officer", "SA01" + serial)  # not contiguous
    for q in ("8613900001111", "+86 139 0000 1111", "0086-139-0000-1111"):
        assert _codes(session, w, "officer", q) == [code], q
    rows, _ = search.find(session, w.p["officer"], q=date + serial)
    assert search.matched_on(rows[0], date + serial) == ["code"]
