"""The internet zone's PostgreSQL role may write the inbox and read the published tables,
and nothing else (JINGWU_TEST_DB=postgresql; skipped on SQLite)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from jingwu.portal.pgrole import grant_role
from tests.conftest import DB_KIND

pytestmark = pytest.mark.skipif(DB_KIND != "postgresql", reason="database roles need PostgreSQL")

INSERT_INBOX = (
    "INSERT INTO public_inbox (token, channel, service_code, sealed, received_at)"
    " VALUES (%s, 'portal', 'noise', 'x1.AAAA', now())"
)


@pytest.fixture
def internet(engine: Engine, database_url: str) -> Iterator[psycopg.Connection]:
    name = f"jingwu_internet_{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        missing = grant_role(conn, name, password="zone-pw")
    assert "public_inbox" not in missing and "pub_requests" not in missing
    url = make_url(database_url).set(drivername="postgresql", username=name, password="zone-pw")
    with psycopg.connect(url.render_as_string(False), autocommit=True) as conn:
        yield conn
    with engine.begin() as admin:  # the role's rows were committed: leave no trace
        admin.exec_driver_sql("DELETE FROM public_inbox WHERE sealed = 'x1.AAAA'")
        admin.exec_driver_sql("DELETE FROM pub_requests WHERE agency_responsible = 'zone-test'")
        admin.exec_driver_sql(f'DROP OWNED BY "{name}"')
        admin.exec_driver_sql(f'DROP ROLE "{name}"')


def test_the_internet_role_writes_the_inbox_and_reads_published_tables(
    internet: psycopg.Connection,
) -> None:
    token = uuid.uuid4().hex[:16]
    internet.execute(INSERT_INBOX, (token,))
    internet.execute(
        "INSERT INTO pub_requests (token, service_code, status, status_notes,"
        " agency_responsible, requested_at, updated_at, community, timeline, rated)"
        " VALUES (%s, 'noise', 'open', '', 'zone-test', now(), now(), '', '[]', false)",
        (token,),
    )
    assert internet.execute("SELECT count(*) FROM pub_requests").fetchone() is not None
    assert internet.execute("SELECT count(*) FROM public_inbox").fetchone() is not None


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT * FROM work_orders LIMIT 1",
        "SELECT * FROM users LIMIT 1",
        "SELECT * FROM audit_log LIMIT 1",
        "SELECT * FROM units LIMIT 1",
        "SELECT * FROM notification_deliveries LIMIT 1",
        "INSERT INTO audit_log (id) VALUES (1)",
        "UPDATE work_orders SET description = 'x'",
        "DELETE FROM users",
        "UPDATE public_inbox SET processed_at = now()",
        "DELETE FROM public_inbox",
        "UPDATE pub_requests SET status = 'closed'",
        "CREATE TABLE sneaky (id int)",
    ],
)
def test_the_internet_role_is_refused_everywhere_else(
    internet: psycopg.Connection, statement: str
) -> None:
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        internet.execute(statement)


def test_grant_role_refuses_a_bad_name(engine: Engine) -> None:
    with engine.begin() as conn, pytest.raises(ValueError):
        grant_role(conn, 'x"; DROP TABLE users; --')
