"""SQLite writers queue on the writer lock: threads of a process, and processes."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from jingwu.db import Database, WriterLock, _writer_lock

HOLD = 0.3  # seconds a writer keeps the lock in these tests


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Database:
    db = Database.from_url(f"sqlite:///{tmp_path / 'lock.db'}")
    with db.unit_of_work() as s:
        s.execute(text("CREATE TABLE t (writer TEXT, at REAL)"))
    return db


def _write(db: Database, name: str, log: list[tuple[str, str, float]], pause: float) -> None:
    with db.unit_of_work() as s:
        s.execute(text("INSERT INTO t VALUES (:w, :at)"), {"w": name, "at": time.monotonic()})
        log.append((name, "wrote", time.monotonic()))
        time.sleep(pause)
    log.append((name, "committed", time.monotonic()))


def test_writers_of_one_process_take_turns_without_a_locked_error(sqlite_db: Database) -> None:
    log: list[tuple[str, str, float]] = []
    first = threading.Thread(target=_write, args=(sqlite_db, "first", log, HOLD))
    first.start()
    while not log:
        time.sleep(0.005)
    _write(sqlite_db, "second", log, 0)
    first.join()
    order = [(who, what) for who, what, _ in log]
    assert order == [
        ("first", "wrote"),
        ("first", "committed"),
        ("second", "wrote"),
        ("second", "committed"),
    ]
    with sqlite_db.unit_of_work(write=False) as s:
        assert s.scalar(text("SELECT count(*) FROM t")) == 2


def test_a_rolled_back_writer_lets_the_next_one_in_at_once(sqlite_db: Database) -> None:
    with pytest.raises(RuntimeError), sqlite_db.unit_of_work() as s:
        s.execute(text("INSERT INTO t VALUES ('gone', 0)"))
        raise RuntimeError("undo")
    lock = _writer_lock(str(Path(sqlite_db.engine.url.database or "").resolve()))
    assert lock._threads.acquire(blocking=False), "the rollback kept the writer lock"
    lock._threads.release()
    _write(sqlite_db, "next", [], 0)
    with sqlite_db.unit_of_work(write=False) as s:
        assert s.scalars(text("SELECT writer FROM t")).all() == ["next"]


def test_a_writer_waits_for_a_writer_of_another_process(tmp_path: Path) -> None:
    path = str(tmp_path / "other.db")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from jingwu.db import WriterLock\n"
            f"lock = WriterLock({path!r}); lock.acquire(); print('held', flush=True)\n"
            f"time.sleep({HOLD}); lock.release()",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    lock = WriterLock(path)
    lock.acquire()
    waited = time.monotonic() - started
    lock.release()
    assert holder.wait(timeout=120) == 0
    assert waited >= HOLD / 2
