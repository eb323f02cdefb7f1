"""Crashes and concurrency on databases of their own: nothing acknowledged is lost, the log
stays consistent, and two sequencers never fork it."""

from __future__ import annotations

import base64
import itertools
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import SYSTEM
from jingwu.config import Settings
from jingwu.db import Database
from jingwu.evidence import checkpoint, merkle, scrub, sequencer, service, store
from jingwu.evidence.logkeys import LogKeys, load_log_keys
from jingwu.evidence.models import EvidenceEntry, EvidenceItem, LogCheckpoint, LogLeaf
from jingwu.evidence.models import QueuedEntry as Queue
from jingwu.runtime import utcnow
from jingwu.security import keys
from tests.conftest import fresh_database_url, upgrade
from tests.integration.evidence.evidence_world import build_world

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.slow


@pytest.fixture
def site(tmp_path: Path, keyring: keys.Keyring) -> Iterator[tuple[str, dict[str, str], str]]:
    """A fresh database with an order, and the environment a child process needs."""
    with fresh_database_url(tmp_path, "evcrash") as url:
        upgrade(url)
        db = Database.from_url(url)
        with db.unit_of_work() as session:
            order = build_world(session).order
        db.engine.dispose()
        env = {
            **os.environ,
            "JINGWU_DATABASE_URL": url,
            "JINGWU_VAR_DIR": str(tmp_path / "var"),
            "JINGWU_SECRET_KEY": base64.b64encode(keyring.secret_key).decode(),
            "JINGWU_BLIND_INDEX_KEY": base64.b64encode(keyring.blind_index_key).decode(),
            "JINGWU_DATA_KEYS": keys.format_data_keys(keyring.data_keys),
            "JINGWU_DATA_KEY_ACTIVE": keyring.active,
        }
        yield url, env, order


def run_child(env: dict[str, str], order: str, *flags: str, kill_after: float | None) -> set[str]:
    """Run the recording child; kill it (SIGKILL) or let it kill itself. Return acked codes."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.integration.evidence.crash_child", order, *flags],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acked: set[str] = set()
    assert child.stdout is not None
    started = None
    for line in child.stdout:
        if line.startswith("acked "):
            acked.update(line.split()[1:])
            started = started or time.monotonic()
        if kill_after is not None and started and time.monotonic() - started > kill_after:
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    return acked


def log_keys_for(env: dict[str, str]) -> LogKeys:
    return load_log_keys(Settings(var_dir=Path(env["JINGWU_VAR_DIR"])))


def assert_consistent(session: Session, log: LogKeys, acked: set[str]) -> None:
    """Nothing acknowledged is lost; the stored tree, head and checkpoint agree."""
    codes = set(session.scalars(select(EvidenceItem.code)))
    assert acked <= codes
    entries = int(session.scalar(select(func.count()).select_from(EvidenceEntry)) or 0)
    queued = int(session.scalar(select(func.count()).select_from(Queue)) or 0)
    leaves = [bytes(h) for h in session.scalars(select(LogLeaf.hash).order_by(LogLeaf.idx))]
    indices = list(session.scalars(select(LogLeaf.idx).order_by(LogLeaf.idx)))
    assert indices == list(range(len(leaves))) and entries == len(leaves) + queued
    size, root = store.read_head(session)
    assert size == len(leaves) and root == merkle.root(leaves)
    head = sequencer.latest_checkpoint(session)
    assert head is not None and head.size <= size
    signed, _ = checkpoint.open_checkpoint(head.note, log.origin, log.verifiers)
    assert signed.root == merkle.root(leaves[: signed.size])


def finish(db: Database, log: LogKeys) -> None:
    while sequencer.sequence_once(db, log, clock=utcnow).batch is not None:
        pass


def assert_checkpoints_chain(session: Session, log: LogKeys) -> None:
    """Every checkpoint the log signed extends the one before it."""
    notes = session.scalars(select(LogCheckpoint.note).order_by(LogCheckpoint.size)).all()
    heads = [checkpoint.open_checkpoint(n, log.origin, log.verifiers)[0] for n in notes]
    for old, new in itertools.pairwise(heads):
        proof = store.consistency_proof(session, old.size, new.size) if old.size else []
        checkpoint.check_extension(old, new, proof)


def test_a_kill_mid_batch_loses_nothing_acknowledged_and_leaves_a_consistent_log(
    site: tuple[str, dict[str, str], str],
) -> None:
    url, env, order = site
    acked = run_child(env, order, kill_after=random.uniform(0.3, 1.2))
    assert acked
    db, log = Database.from_url(url), log_keys_for(env)
    try:
        with db.unit_of_work(write=False) as session:
            assert_consistent(session, log, acked)
        finish(db, log)
        with db.unit_of_work() as session:
            assert_consistent(session, log, acked)
            assert int(session.scalar(select(func.count()).select_from(Queue)) or 0) == 0
            head = sequencer.latest_checkpoint(session)
            assert head is not None and head.size == len(
                set(session.scalars(select(EvidenceItem.code)))
            )
            assert_checkpoints_chain(session, log)
            assert scrub.scrub(session, _NoBlobs(), log, now=utcnow(), full=True).problems == []
    finally:
        db.engine.dispose()


def test_a_crash_between_writing_leaves_and_signing_is_signed_on_the_next_round(
    site: tuple[str, dict[str, str], str],
) -> None:
    url, env, order = site
    acked = run_child(env, order, "--crash-before-signing", kill_after=None)
    db, log = Database.from_url(url), log_keys_for(env)
    try:
        with db.unit_of_work(write=False) as session:
            assert_consistent(session, log, acked)
            head = sequencer.latest_checkpoint(session)
            assert head is not None and head.size < store.read_head(session)[0]
        done = sequencer.sequence_once(db, log, clock=utcnow)
        assert done.batch is None and done.checkpoint is not None
        with db.unit_of_work(write=False) as session:
            assert done.checkpoint.size == store.read_head(session)[0] == len(acked)
            assert_checkpoints_chain(session, log)
    finally:
        db.engine.dispose()


def test_two_sequencers_and_two_recorders_at_once_never_fork_the_log(
    site: tuple[str, dict[str, str], str],
) -> None:
    url, env, order = site
    log = log_keys_for(env)
    stop = threading.Event()
    errors: list[BaseException] = []
    acked: set[str] = set()

    def recorder(tag: str) -> None:
        db = Database.from_url(url)
        try:
            n = 0
            while not stop.is_set():
                records = [
                    service.HashedRecord(
                        order_code=order,
                        category="audio",
                        sha256=merkle.leaf_hash(f"{tag} {n + i}".encode()),
                        size=n + i,
                        media_type="audio/mp4",
                        filename="a.m4a",
                    )
                    for i in range(50)
                ]
                with db.unit_of_work() as session:
                    acked.update(
                        service.record_hashed(session, SYSTEM, records=records, now=utcnow())
                    )
                n += 50
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            db.engine.dispose()

    def sequencing() -> None:
        db = Database.from_url(url)
        try:
            sequencer.run(db, log, clock=utcnow, stop=stop, poll_seconds=0.01, max_batch=120)
        except BaseException as exc:
            errors.append(exc)
        finally:
            db.engine.dispose()

    threads = [threading.Thread(target=recorder, args=(t,)) for t in "ab"]
    threads += [threading.Thread(target=sequencing) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(2.5)
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    db = Database.from_url(url)
    try:
        finish(db, log)
        with db.unit_of_work(write=False) as session:
            assert_consistent(session, log, acked)
            assert_checkpoints_chain(session, log)
            head = sequencer.latest_checkpoint(session)
            assert head is not None and head.size == len(acked) > 0
    finally:
        db.engine.dispose()


class _NoBlobs:
    """These entries were recorded by hash: no file is held to re-hash."""

    def exists(self, sha256: str) -> bool:
        return False
