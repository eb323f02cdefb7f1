"""Demo seed: publish the sunshine dataset once everything else is seeded, so the public
pages show figures, and let the evidence log sequence its entry (its index shows)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jingwu.demodata import DemoContext
from jingwu.evidence import sequencer
from jingwu.evidence.logkeys import load_log_keys
from jingwu.sunshine import service

ORDER = 99  # last: after the orders, ratings, mediations, index values and draws


def seed(session: Session, ctx: DemoContext) -> None:
    """Publish version 1 of the demo's figures and record its log index."""
    service.publish(session, now=ctx.now)
    sequencer.integrate(session, now=ctx.now)
    sequencer.sign_head(session, load_log_keys(ctx.runtime.settings), now=ctx.now)
    service.fill_log_indexes(session)
    session.flush()
