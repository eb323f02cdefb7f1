"""A draft kept on a phone and sent again (or twice at once) becomes one order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.db import Database
from jingwu.errors import Conflict
from jingwu.workorders import service
from jingwu.workorders.models import WorkOrder
from tests.conftest import fresh_database_url, upgrade
from tests.integration.workorders.test_wo_concurrency import _together
from tests.integration.workorders.wo_factory import NOW, World, intake_data, make_world

DRAFT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(WorkOrder)) or 0


def test_a_draft_sent_again_answers_with_the_order_it_became(session: Session) -> None:
    w = make_world(session)
    first = service.receive(session, w.p["officer"], data=intake_data(draft_id=DRAFT), now=NOW)
    again = service.receive(session, w.p["officer"], data=intake_data(draft_id=DRAFT), now=NOW)
    assert first.created and not again.created
    assert again.order.code == first.order.code and first.order.draft_id == DRAFT
    assert _count(session) == 1


def test_orders_without_a_draft_id_are_each_new(session: Session) -> None:
    w = make_world(session)
    for _ in range(2):
        assert service.receive(session, w.p["officer"], data=intake_data(), now=NOW).created
    assert _count(session) == 2


def test_another_users_draft_id_is_refused_without_naming_the_order(session: Session) -> None:
    w = make_world(session)
    service.receive(session, w.p["officer"], data=intake_data(draft_id=DRAFT), now=NOW)
    with pytest.raises(Conflict) as refused:
        service.receive(session, w.p["officer2"], data=intake_data(draft_id=DRAFT), now=NOW)
    assert refused.value.code == "draft_taken" and "SA01" not in refused.value.message
    assert _count(session) == 1


def test_a_malformed_draft_id_is_refused_by_the_schema() -> None:
    with pytest.raises(ValueError, match="draft_id"):
        intake_data(draft_id="x; drop table")


@pytest.fixture
def own_db(tmp_path: Path) -> Iterator[tuple[Database, World]]:
    with fresh_database_url(tmp_path, "wo_drafts") as url:
        upgrade(url)
        db = Database.from_url(url)
        with db.unit_of_work() as session:
            world = make_world(session)
        try:
            yield db, world
        finally:
            db.engine.dispose()


def test_the_same_draft_sent_four_times_at_once_becomes_one_order(
    own_db: tuple[Database, World],
) -> None:
    db, world = own_db
    codes: list[str] = []

    def send() -> None:
        with db.unit_of_work() as session:
            got = service.receive(
                session, world.p["officer"], data=intake_data(draft_id=DRAFT), now=NOW
            )
            codes.append(got.order.code)

    _together(send, send, send, send)
    with db.unit_of_work(write=False) as s:
        assert _count(s) == 1
        only = s.scalar(select(WorkOrder.code))
    assert codes == [only] * 4
