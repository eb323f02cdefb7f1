"""Reference data use cases: seed the defaults (idempotent), look up departments and categories."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.reference.defaults import DEPARTMENTS
from jingwu.reference.models import Category, Department
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE


def seed_defaults(session: Session) -> tuple[int, int]:
    """Insert missing default departments and categories; returns how many were added."""
    known_depts = set(session.scalars(select(Department.code)))
    added_depts = 0
    for code, kind, zh, en in DEPARTMENTS:
        if code not in known_depts:
            session.add(Department(code=code, kind=kind, name=zh, name_en=en))
            added_depts += 1
    known_cats = set(session.scalars(select(Category.code)))
    added_cats = 0
    for cat in DEFAULT_CATALOGUE:
        if cat.code not in known_cats:
            session.add(
                Category(
                    code=cat.code,
                    module=cat.module,
                    name=cat.zh,
                    name_en=cat.en,
                    default_tier=cat.default_tier,
                    orange_response_minutes=cat.orange_response_minutes,
                    orange_completion_minutes=cat.orange_completion_minutes,
                    mediable=cat.mediable,
                )
            )
            added_cats += 1
    session.flush()
    return added_depts, added_cats


def departments(session: Session, *, active_only: bool = True) -> list[Department]:
    stmt = select(Department).order_by(Department.id)
    if active_only:
        stmt = stmt.where(Department.active.is_(True))
    return list(session.scalars(stmt))


def categories(session: Session, *, module: str | None = None) -> list[Category]:
    stmt = select(Category).where(Category.active.is_(True)).order_by(Category.module, Category.id)
    if module is not None:
        stmt = stmt.where(Category.module == module)
    return list(session.scalars(stmt))
