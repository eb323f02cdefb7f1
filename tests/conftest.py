"""Shared fixtures: a real database (SQLite or PostgreSQL) with migrations applied, one
rolled-back transaction per test, a fixed keyring, a frozen clock, the app and a client.

``JINGWU_TEST_DB=postgresql`` runs the database tests against the PostgreSQL at
``JINGWU_TEST_PG_URL`` (default ``postgresql://postgres@127.0.0.1:5432/postgres``); each
pytest worker creates and drops a database of its own.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import hypothesis
import psycopg
import pytest
from alembic import command
from sqlalchemy import Connection, Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from jingwu.blobs.store import DirectoryBlobStore
from jingwu.config import Settings
from jingwu.db import Database, make_engine
from jingwu.migrations import alembic_config
from jingwu.runtime import Runtime
from jingwu.security import keys

DB_KIND = os.environ.get("JINGWU_TEST_DB", "sqlite")
PG_URL = os.environ.get("JINGWU_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
T0 = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


def pytest_report_header() -> str:
    return f"jingwu test database: {DB_KIND}"


class FrozenClock:
    """A clock tests move by hand."""

    def __init__(self, now: dt.datetime = T0) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def make_keyring(alg: keys.Algorithm = "aes", kid: str = "k1") -> keys.Keyring:
    key = keys.new_data_key(kid, alg)
    return keys.Keyring(
        secret_key=b"s" * 32, blind_index_key=b"b" * 32, data_keys={kid: key}, active=kid
    )


@pytest.fixture(scope="session")
def keyring() -> keys.Keyring:
    ring = make_keyring()
    keys.install(ring)
    return ring


@pytest.fixture(autouse=True)
def _installed_keyring(keyring: keys.Keyring) -> Iterator[None]:
    keys.install(keyring)
    yield
    keys.install(keyring)


@contextmanager
def fresh_database_url(tmp_dir: Path, name: str) -> Iterator[str]:
    """A new, empty database of the configured kind, dropped afterwards."""
    if DB_KIND == "sqlite":
        yield f"sqlite:///{tmp_dir / (name + '.db')}"
        return
    db_name = f"jingwu_test_{name}_{uuid.uuid4().hex[:8]}"
    admin = make_url(PG_URL).set(drivername="postgresql").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db_name}"')
    try:
        yield make_url(PG_URL).set(database=db_name).render_as_string(False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def upgrade(url: str) -> None:
    command.upgrade(alembic_config(url), "heads")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    with fresh_database_url(tmp_path_factory.mktemp("db"), f"main_{worker_id}") as url:
        upgrade(url)
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


class TransactionalDatabase(Database):
    """A Database whose sessions join one outer transaction (savepoints), rolled back later."""

    def __init__(self, engine: Engine, connection: Connection) -> None:
        super().__init__(engine)
        self.sessions = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )

    @contextmanager
    def unit_of_work(self, *, write: bool = True) -> Iterator[Session]:
        with self.sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise


@pytest.fixture
def db(engine: Engine) -> Iterator[TransactionalDatabase]:
    connection = engine.connect()
    outer = connection.begin()
    try:
        yield TransactionalDatabase(engine, connection)
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def session(db: TransactionalDatabase) -> Iterator[Session]:
    with db.sessions() as s:
        yield s


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(var_dir=tmp_path / "var", demo=False, database_url="sqlite://")


@pytest.fixture
def runtime(
    db: TransactionalDatabase,
    keyring: keys.Keyring,
    settings: Settings,
    clock: FrozenClock,
    tmp_path: Path,
) -> Runtime:
    blobs = DirectoryBlobStore(tmp_path / "blobs", keyring)
    return Runtime(settings=settings, keyring=keyring, db=db, blobs=blobs, clock=clock)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@event.listens_for(Engine, "before_cursor_execute")
def _never_on_the_event_loop(
    _conn: object, _cursor: object, statement: str, *_args: object
) -> None:
    """A web request must never wait for the database on the event loop (it would stall
    every other request): fail any statement run there. (Other event loops, such as the
    MQTT ingester's in a thread of its own, may.)"""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__", "").startswith("starlette."):
            raise AssertionError(f"SQL run on the web event loop: {statement[:120]}")
        frame = frame.f_back


# Hypothesis on a shared or saturated machine: no per-example deadline (a slow example is
# not a failure) and no "too slow" health check. Loaded by default; HYPOTHESIS_PROFILE=dev
# gives Hypothesis's own defaults back.
hypothesis.settings.register_profile(
    "ci", deadline=None, suppress_health_check=[hypothesis.HealthCheck.too_slow]
)
hypothesis.settings.register_profile("dev")
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
