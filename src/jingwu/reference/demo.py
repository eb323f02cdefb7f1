"""Demo seed: the default departments and category catalogue."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jingwu.demodata import DemoContext
from jingwu.reference.service import seed_defaults

ORDER = 1


def seed(session: Session, ctx: DemoContext) -> None:
    seed_defaults(session)
