from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from jingwu.audit import service as audit
from jingwu.audit.models import AuditEntry
from tests.factories.accounts import make_user, principal
from tests.factories.org import make_tree


def test_every_orm_write_is_audited_with_its_actor_and_fields(session: Session) -> None:
    t = make_tree(session)
    officer = principal(session, make_user(session, t["SA01"], "officer"))
    audit.bind_actor(session, officer)
    t["SA01"].address = "新地址 1 号"
    session.flush()
    row = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "units.update").order_by(AuditEntry.id.desc())
    ).first()
    assert row is not None
    assert row.actor == officer.username and row.unit_id == t["SA01"].id
    assert row.detail == {"fields": ["address"]}
    assert row.object_id == str(t["SA01"].id)


def test_created_rows_are_audited_with_their_new_ids(session: Session) -> None:
    t = make_tree(session)
    created = session.scalars(
        select(AuditEntry.object_id).where(AuditEntry.action == "units.create")
    ).all()
    assert str(t["SB01"].id) in created


@pytest.mark.parametrize("sql", ["UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"])
def test_the_audit_log_refuses_updates_and_deletes(session: Session, sql: str) -> None:
    make_tree(session)
    with pytest.raises(DBAPIError, match="append-only"), session.begin_nested():
        session.execute(text(sql))


def test_a_record_of_a_request_with_nul_characters_is_kept(session: Session) -> None:
    # A denial of `/x%00` names the path; PostgreSQL refuses NUL in text and JSON.
    audit.record(
        session,
        principal=None,
        action="access.denied",
        object_type="request",
        object_id="GET /api/v1/work-orders/SA01\x00",
        outcome="denied",
        ip="10.0.0.1\x00",
        detail={"path": "/api/v1/work-orders/SA01\x00", "parts": ["a\x00b"]},
    )
    session.flush()
    row = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert row is not None
    assert row.object_id == "GET /api/v1/work-orders/SA01\ufffd"
    assert row.detail == {"path": "/api/v1/work-orders/SA01\ufffd", "parts": ["a\ufffdb"]}
    assert row.ip == "10.0.0.1\ufffd"
