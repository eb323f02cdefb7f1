"""Audit records of refusals are written by a background writer; one that cannot be
written is logged with what it records, never dropped in silence."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path

import pytest

from jingwu.db import Database, _writer_lock
from jingwu.web.auditwriter import Denial, DenialWriter

NOW = dt.datetime(2026, 11, 29, 2, 0, tzinfo=dt.UTC)


def _denial() -> Denial:
    detail = {"status": 404, "code": "not_found", "path": "/x"}
    return Denial(principal=None, object_id="GET /x", ip="192.0.2.7", detail=detail, at=NOW)


def test_a_record_that_cannot_be_written_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'no-tables.db'}")  # no audit_log table
    writer = DenialWriter(db)
    try:
        with caplog.at_level(logging.ERROR, logger="jingwu.audit"):
            done = writer.submit(_denial())
            done.result(timeout=120)
        assert any(
            "audit record not written" in r.getMessage() and "GET /x" in r.getMessage()
            for r in caplog.records
        ), caplog.text
    finally:
        writer.close()
        db.engine.dispose()


def test_the_wait_for_a_record_is_bounded(tmp_path: Path) -> None:
    db = Database.from_url(f"sqlite:///{tmp_path / 'slow.db'}")
    writer = DenialWriter(db)
    held = _writer_lock(str((tmp_path / "slow.db").resolve()))  # the writer waits for it
    held.acquire()
    try:
        asyncio.run(writer.record(_denial(), wait=0.05))  # returns although nothing is written
    finally:
        held.release()
        writer.close()
        db.engine.dispose()
