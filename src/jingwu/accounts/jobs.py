"""Housekeeping: drop expired sessions, old failed sign-ins and spent WebAuthn challenges
(idempotent)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete

from jingwu.accounts import devicekeys
from jingwu.accounts.models import LoginFailure, WebSession
from jingwu.worker.runner import JobContext, JobSpec

KEEP_FAILURES = dt.timedelta(days=1)


def prune(ctx: JobContext) -> dict[str, int]:
    """Delete sessions that ended and failures older than any throttling window."""
    with ctx.runtime.db.unit_of_work() as session:
        sessions = session.execute(
            delete(WebSession).where(
                (WebSession.expires_at < ctx.now) | WebSession.revoked_at.is_not(None)
            )
        )
        failures = session.execute(
            delete(LoginFailure).where(LoginFailure.at < ctx.now - KEEP_FAILURES)
        )
        challenges = devicekeys.prune_challenges(session, now=ctx.now)
    return {
        "sessions": int(getattr(sessions, "rowcount", 0)),
        "failures": int(getattr(failures, "rowcount", 0)),
        "challenges": challenges,
    }


JOBS = [JobSpec(name="accounts.prune", interval_seconds=3600, run=prune)]
