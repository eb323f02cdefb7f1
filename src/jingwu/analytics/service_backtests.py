"""Stored backtest results: the ``--json`` documents the map page shows and the forecast
job takes its model from.

Backtest results are evaluations of the methods on a file, not records of a community, so
they carry no unit and every role that may see the analytics may read them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.analytics.backtestdoc import BacktestDocumentError, check_document
from jingwu.analytics.models import BacktestRun
from jingwu.errors import Invalid


def store_backtest(
    session: Session,
    principal: Principal,
    *,
    document: Any,
    source: str,
    now: dt.datetime,
) -> BacktestRun:
    """Keep a backtest document (checked against the documented shape)."""
    principal.require("analytics.import")
    try:
        start, end = check_document(document)
    except BacktestDocumentError as exc:
        raise Invalid(
            "{source} is not a backtest result: {why}.", params={"source": source, "why": str(exc)}
        ) from None
    run = BacktestRun(
        source=source[-255:],
        start=start,
        end=end,
        best_baseline=document.get("best_baseline"),
        document=document,
        stored_by=principal.username,
        stored_at=now,
    )
    session.add(run)
    session.flush()
    return run


def latest_backtest(session: Session) -> BacktestRun | None:
    """The most recently stored backtest result."""
    return session.scalar(
        select(BacktestRun).order_by(BacktestRun.stored_at.desc(), BacktestRun.id.desc()).limit(1)
    )
