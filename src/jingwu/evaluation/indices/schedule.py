"""Which periods the worker recomputes: a month once it has closed (and its quarter), and
the month under way every few hours so the pages show its figures so far.

Derived from the stored results' times, so it is idempotent: a month recomputed after its
end is not recomputed again by the job (on demand, it always is).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.evaluation.indices import service
from jingwu.evaluation.indices.models import IndexResult
from jingwu.evaluation.indices.periods import Period, of_instant

REFRESH = dt.timedelta(hours=6)


def _computed_at(session: Session, period: Period) -> dt.datetime | None:
    return session.scalar(
        select(func.max(IndexResult.computed_at)).where(IndexResult.period == str(period))
    )


def due(session: Session, *, now: dt.datetime) -> list[Period]:
    """The closed month not recomputed since it closed, and the current month if stale."""
    current = of_instant(now)
    closed = current.shift(-1)
    out = []
    last = _computed_at(session, closed)
    if last is None or last < closed.window()[1]:
        out.append(closed)
    last = _computed_at(session, current)
    if last is None or now - last >= REFRESH:
        out.append(current)
    return out


def run_due(session: Session, *, now: dt.datetime) -> list[str]:
    """Recompute what is due; the periods done."""
    done: list[str] = []
    for period in due(session, now=now):
        done += service.recompute(session, str(period), now=now).periods
    return done
