"""Quarterly improvement lists on the database: open, assign, move, attach, colours, scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.errors import Conflict, Forbidden, Invalid, NotFound
from jingwu.evaluation.improvement import queries, service
from jingwu.evaluation.improvement.models import PdcaItem, PdcaMove
from jingwu.evaluation.pdca import Colour
from jingwu.runtime import Runtime
from tests.integration.workorders.wo_factory import World, make_world

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)  # 2026-Q4, 10:00 in Shanghai
Q4_START = dt.datetime(2026, 9, 30, 16, 0, tzinfo=dt.UTC)
Q4_END = dt.datetime(2026, 12, 31, 16, 0, tzinfo=dt.UTC)


@pytest.fixture
def w(session: Session) -> World:
    return make_world(session)


def items_of(session: Session, list_id: int) -> list[PdcaItem]:
    return list(session.scalars(select(PdcaItem).where(PdcaItem.list_id == list_id)))


def test_a_list_opens_with_the_twelve_catalogue_items_owned_by_the_chief(
    session: Session, w: World
) -> None:
    row = service.open_list(session, w.p["chief"], unit="SA01", quarter="2026-Q4", now=NOW)
    items = items_of(session, row.id)
    assert len(items) == 12 and row.catalogue_version
    assert {i.kind for i in items} == {"improvement"}
    assert {i.owner_id for i in items} == {w.users["chief"].user.id}
    assert {(i.start_at, i.due_at, i.stage) for i in items} == {(Q4_START, Q4_END, "plan")}
    with pytest.raises(Conflict):
        service.open_list(session, w.p["chief"], unit="SA01", quarter="2026-Q4", now=NOW)


def test_street_and_district_lists_belong_to_their_heads(session: Session, w: World) -> None:
    street = service.open_list(session, w.p["street"], unit="SA00", quarter="2026-Q4", now=NOW)
    district = service.open_list(session, w.p["director"], unit="D000", quarter="2026-Q4", now=NOW)
    assert {i.owner_id for i in items_of(session, street.id)} == {w.users["street"].user.id}
    assert {i.owner_id for i in items_of(session, district.id)} == {w.users["director"].user.id}


def test_scope_and_permission_guard_every_list(session: Session, w: World) -> None:
    with pytest.raises(Invalid):  # another street's station is unknown
        service.open_list(session, w.p["b_chief"], unit="SA01", quarter="2026-Q4", now=NOW)
    with pytest.raises(Forbidden):
        service.open_list(session, w.p["officer"], unit="SA01", quarter="2026-Q4", now=NOW)
    with pytest.raises(Invalid):
        service.open_list(session, w.p["chief"], unit="SA01", quarter="2026-Q5", now=NOW)
    row = service.open_list(session, w.p["chief"], unit="SA01", quarter="2026-Q4", now=NOW)
    item = items_of(session, row.id)[0]
    with pytest.raises(NotFound):
        service.get_item(session, w.p["b_chief"], item.id)
    assert service.get_item(session, w.p["director"], item.id) is item
    board = queries.board(
        session, w.p["b_street"], unit=w.units["SB01"], quarter="2026-Q4", now=NOW
    )
    assert board.row is None and board.items == []


def test_stages_move_forward_one_at_a_time_and_each_move_is_recorded(
    session: Session, w: World
) -> None:
    row = service.open_list(session, w.p["chief"], unit="SA01", quarter="2026-Q4", now=NOW)
    item = items_of(session, row.id)[0]
    with pytest.raises(Conflict):
        service.move(session, w.p["chief"], item_id=item.id, to="check", note="跳过", now=NOW)
    with pytest.raises(Invalid):
        service.move(session, w.p["chief"], item_id=item.id, to="do", note=" ", now=NOW)
    for k, stage in enumerate(["do", "check", "act", "done"]):
        service.move(
            session,
            w.p["chief"],
            item_id=item.id,
            to=stage,
            note=f"第{k}步",
            now=NOW + dt.timedelta(hours=k),
        )
    assert item.stage == "act" and item.done_at == NOW + dt.timedelta(hours=3)
    moves = list(session.scalars(select(PdcaMove).where(PdcaMove.item_id == item.id)))
    assert [(m.from_stage, m.to_stage) for m in moves] == [
        ("plan", "do"),
        ("do", "check"),
        ("check", "act"),
        ("act", "done"),
    ]
    assert {m.by_id for m in moves} == {w.users["chief"].user.id}
    with pytest.raises(Conflict):
        service.move(session, w.p["chief"], item_id=item.id, to="done", note="再次", now=NOW)
    detail = queries.item_detail(session, w.p["street"], item_id=item.id, now=NOW)
    assert len(detail.moves) == 4 and detail.view.status.colour is Colour.GREEN


def test_owner_and_due_date_are_checked(session: Session, w: World) -> None:
    row = service.open_list(session, w.p["chief"], unit="SA01", quarter="2026-Q4", now=NOW)
    item = items_of(session, row.id)[0]
    service.assign(
        session, w.p["chief"], item_id=item.id, owner="officer", due=dt.date(2026, 12, 15), now=NOW
    )
    assert item.owner_id == w.users["officer"].user.id
    assert item.due_at == dt.datetime(2026, 12, 15, 16, 0, tzinfo=dt.UTC)
    with pytest.raises(Invalid):  # a user of another station
        service.assign(session, w.p["chief"], item_id=item.id, owner="other-officer", now=NOW)
    with pytest.raises(Invalid):  # due before it starts
        service.assign(session, w.p["chief"], item_id=item.id, due=dt.date(2026, 9, 1), now=NOW)


def test_colours_and_completion_follow_the_dates(session: Session, w: World) -> None:
    row = service.open_list(session, w.p["chief"], unit="SA01", quarter="2026-Q4", now=NOW)
    items = items_of(session, row.id)
    # 29 November is ~64 % of Q4: still planning is behind schedule (yellow).
    board = queries.board(session, w.p["chief"], unit=w.units["SA01"], quarter="2026-Q4", now=NOW)
    assert board.colours == {"green": 0, "yellow": 12, "red": 0}
    assert board.completion.counted == 0 and board.completion.rate is None
    first = items[0]
    for stage in ["do", "check", "act", "done"]:
        service.move(session, w.p["chief"], item_id=first.id, to=stage, note="完成", now=NOW)
    later = Q4_END + dt.timedelta(days=1)
    board = queries.board(session, w.p["chief"], unit=w.units["SA01"], quarter="2026-Q4", now=later)
    assert board.colours == {"green": 1, "yellow": 0, "red": 11}
    assert board.completion.counted == 12 and board.completion.done == 1
    assert board.completion.met is False


def test_evidence_goes_into_the_blob_store_with_the_attachment_limit(
    session: Session, w: World, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = service.open_list(session, w.p["chief"], unit="SA01", quarter="2026-Q4", now=NOW)
    item = items_of(session, row.id)[0]
    ev = service.attach(
        session,
        w.p["chief"],
        runtime.blobs,
        item_id=item.id,
        stream=io.BytesIO(b"minutes of the review"),
        filename="review.txt",
        media_type="text/plain",
        note="复盘会议纪要",
        now=NOW,
    )
    assert ev.stage == "plan" and ev.size == 21
    got, chunks = service.read_evidence(
        session, w.p["street"], runtime.blobs, item_id=item.id, evidence_id=ev.id
    )
    assert b"".join(chunks) == b"minutes of the review" and got.filename == "review.txt"
    with pytest.raises(NotFound):
        service.read_evidence(
            session, w.p["b_street"], runtime.blobs, item_id=item.id, evidence_id=ev.id
        )
    monkeypatch.setattr(service, "MAX_EVIDENCE_BYTES", 4)
    with pytest.raises(Invalid):
        service.attach(
            session,
            w.p["chief"],
            runtime.blobs,
            item_id=item.id,
            stream=io.BytesIO(b"too large"),
            filename="big.bin",
            media_type="",
            now=NOW,
        )


def test_a_rectification_joins_the_current_list(session: Session, w: World) -> None:
    item = service.open_rectification(
        session,
        w.p["chief"],
        unit="SA01",
        title="消防通道堵塞整改",
        due=dt.date(2026, 12, 10),
        owner="officer",
        source_ref="STD-2026-001",
        now=NOW,
    )
    assert (item.kind, item.source_ref, item.stage) == ("rectification", "STD-2026-001", "plan")
    board = queries.board(session, w.p["chief"], unit=w.units["SA01"], quarter="2026-Q4", now=NOW)
    assert len(board.items) == 13
    assert board.items[-1].name_zh == "消防通道堵塞整改"
    with pytest.raises(Invalid):
        service.open_rectification(
            session, w.p["chief"], unit="SA01", title="x", due=dt.date(2026, 11, 1), now=NOW
        )
