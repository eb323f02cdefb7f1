"""Database plumbing: the declarative base, column types, engines and ``unit_of_work``.

One transaction per request, command or job: services ``flush()``, the caller commits.
SQLite runs in WAL mode with ``synchronous=FULL`` and foreign keys on; write transactions
start with ``BEGIN IMMEDIATE`` (at their first statement) so two writers queue instead of
failing on lock upgrade. Writers of one process queue on a lock of the process before
SQLite's: they wake the moment the writer before them commits, instead of sleeping in
SQLite's busy handler (1, 2, 5, 10 … ms steps), where the tail latency came from; processes
queue on a file lock beside the database (:class:`WriterLock`).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, String, create_engine, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from jingwu.security import crypto, keys

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model; constraint names follow one convention on both databases."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on both databases (SQLite keeps naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC times only")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Encrypted(TypeDecorator[str]):
    """A personal-data string stored encrypted (algorithm id and key id beside the value).

    ``context`` (``"table.column"``) is bound into the ciphertext as associated data.
    """

    impl = String
    cache_ok = True

    def __init__(self, context: str, length: int = 1024) -> None:
        super().__init__(length)
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return crypto.encrypt_text(keys.current(), value, self.context)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return crypto.decrypt_text(keys.current(), value, self.context)


def normalize_url(url: str) -> str:
    """Use the psycopg (v3) driver for plain ``postgresql://`` URLs."""
    u = make_url(url)
    if u.drivername == "postgresql":
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


BUSY_TIMEOUT_S = 30


class WriterLock:
    """Where the writers of one SQLite file queue: threads of a process on a thread lock,
    processes (``jingwu serve --workers N``, the worker) on ``flock`` of a file beside it.

    Both block in the kernel and wake the next writer as soon as the lock is free. A
    process that dies releases its ``flock``; a live writer is waited for as long as it
    holds SQLite's own write lock, which it is about to take (or holds) anyway.
    """

    def __init__(self, path: str) -> None:
        self._threads = threading.Lock()
        self._path = path + "-writer.lock"
        self._fd: int | None = None
        self._pid = 0

    def _file(self) -> int:
        if self._fd is None or self._pid != os.getpid():  # a forked child opens its own
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            self._pid = os.getpid()
        return self._fd

    def acquire(self) -> None:
        if not self._threads.acquire(timeout=BUSY_TIMEOUT_S):
            raise sqlite3.OperationalError("database is locked")
        try:
            fcntl.flock(self._file(), fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def release(self) -> None:
        try:
            fcntl.flock(self._file(), fcntl.LOCK_UN)
        finally:
            self._threads.release()


_WRITER_LOCKS: dict[str, WriterLock] = {}
_WRITER_LOCKS_GUARD = threading.Lock()


def _writer_lock(path: str) -> WriterLock:
    """The writer lock of one SQLite file (one per process, shared by its engines)."""
    with _WRITER_LOCKS_GUARD:
        return _WRITER_LOCKS.setdefault(path, WriterLock(path))


class _SQLiteConnection(sqlite3.Connection):
    """A pysqlite connection that holds its file's writer lock from BEGIN IMMEDIATE to the
    end of that transaction (commit, rollback or close)."""

    writer_lock: WriterLock | None = None
    holding = False

    def take_writer_lock(self) -> None:
        if self.writer_lock is None or self.holding:
            return
        self.writer_lock.acquire()
        self.holding = True

    def release_writer_lock(self) -> None:
        if self.holding:
            self.holding = False
            assert self.writer_lock is not None
            self.writer_lock.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            if not self.in_transaction:
                self.release_writer_lock()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.release_writer_lock()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.release_writer_lock()


def _sqlite_setup(engine: Engine, lock: WriterLock | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy emit BEGIN (savepoints work)
        if isinstance(dbapi_conn, _SQLiteConnection):
            dbapi_conn.writer_lock = lock
        cur = dbapi_conn.cursor()
        for pragma in (
            "PRAGMA foreign_keys=ON",
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=FULL",
            "PRAGMA busy_timeout=30000",
        ):
            cur.execute(pragma)
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "")
        dbapi_conn = conn.connection.dbapi_connection
        immediate = mode == "IMMEDIATE" and isinstance(dbapi_conn, _SQLiteConnection)
        if immediate:
            dbapi_conn.take_writer_lock()
        try:
            conn.exec_driver_sql(f"BEGIN {mode}".strip())
        except BaseException:
            if immediate:
                dbapi_conn.release_writer_lock()
            raise


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine configured for Jingwu on SQLite or PostgreSQL."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        path = make_url(url).database
        lock = None
        if path and path != ":memory:":
            from pathlib import Path  # noqa: PLC0415 - only SQLite files need a directory

            Path(path).parent.mkdir(parents=True, exist_ok=True)
            lock = _writer_lock(str(Path(path).resolve()))
            # Enough pooled connections for every request thread: a connection opened
            # per request (overflow) costs the PRAGMAs, a schema parse and a cold cache.
            kwargs.setdefault("pool_size", 20)
            kwargs.setdefault("max_overflow", 20)
        connect_args = {
            "check_same_thread": False,
            "timeout": BUSY_TIMEOUT_S,
            "factory": _SQLiteConnection,
        }
        engine = create_engine(url, connect_args=connect_args, **kwargs)
        _sqlite_setup(engine, lock)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


READ_ONLY = "jingwu.read_only"  # session.info key: a read transaction (unit_of_work(write=False))
DEFERRED = "jingwu.deferred_writes"  # session.info key: writes to make after a read


def defer_write(session: Session, write: Callable[[Session], None]) -> None:
    """Make ``write`` in this session's transaction, or, when the session only reads, in a
    short write transaction of its own as soon as the read ends.

    A read transaction must not write: on SQLite it holds no writer lock, and turning a
    read into a write fails ("database is locked") whenever another writer committed since
    it began. Reads that must leave a record (an audited view of personal data) use this.
    """
    if session.info.get(READ_ONLY):
        session.info.setdefault(DEFERRED, []).append(write)
    else:
        write(session)


def has_deferred_writes(session: Session) -> bool:
    return bool(session.info.get(DEFERRED))


class Database:
    """An engine and its session factory."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        # Write transactions on SQLite: BEGIN IMMEDIATE, issued at the first statement.
        self._writer = engine.execution_options(sqlite_begin="IMMEDIATE")

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def unit_of_work(self, *, write: bool = True) -> Iterator[Session]:
        """One transaction: commit on success, roll back on any exception."""
        immediate = write and self.is_sqlite
        with self.sessions(bind=self._writer) if immediate else self.sessions() as session:
            session.info[READ_ONLY] = not write
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            deferred = session.info.pop(DEFERRED, [])
        if deferred:
            self._write_deferred(deferred)

    def _write_deferred(self, writes: list[Callable[[Session], None]]) -> None:
        with self.unit_of_work() as session:
            for write in writes:
                write(session)
