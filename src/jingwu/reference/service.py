"""Reference data use cases: seed the defaults (idempotent), look up departments and categories."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal
from jingwu.errors import Invalid, Term
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


def categories(
    session: Session, *, module: str | None = None, active_only: bool = True
) -> list[Category]:
    stmt = select(Category).order_by(Category.module, Category.id)
    if active_only:
        stmt = stmt.where(Category.active.is_(True))
    if module is not None:
        stmt = stmt.where(Category.module == module)
    return list(session.scalars(stmt))


MODULES = ("security", "livelihood", "dispute")
TIERS = ("red", "orange", "yellow")


def save_category(
    session: Session,
    principal: Principal,
    *,
    code: str,
    module: str,
    name: str,
    name_en: str,
    default_tier: str,
    orange_response_minutes: int | None,
    orange_completion_minutes: int | None,
    active: bool = True,
) -> Category:
    """Add a category or change an existing one (the catalogue is editable data)."""
    principal.require("reference.edit")
    problems: dict[str, str] = {}
    if not re.fullmatch(r"[a-z][a-z0-9_]{1,47}", code):
        problems["code"] = "lower_snake_case, 2-48 characters"
    if module not in MODULES:
        problems["module"] = "unknown module"
    if default_tier not in TIERS:
        problems["default_tier"] = "unknown tier"
    if not name.strip():
        problems["name"] = "required"
    times = (orange_response_minutes, orange_completion_minutes)
    if (times[0] is None) != (times[1] is None):
        problems["orange_completion_minutes"] = "set both orange times or neither"
    elif times[0] is not None and times[1] is not None and not 0 < times[0] <= times[1]:
        problems["orange_response_minutes"] = "positive and not after the completion time"
    if problems:
        field, why = next(iter(problems.items()))
        raise Invalid(
            "The {field} is invalid: {why}.",
            params={"field": field.replace("_", " "), "why": Term(why)},
            fields=problems,
        )
    cat = session.scalar(select(Category).where(Category.code == code))
    if cat is None:
        cat = Category(code=code)
        session.add(cat)
    cat.module, cat.name, cat.name_en, cat.default_tier = (
        module,
        name.strip(),
        name_en.strip(),
        default_tier,
    )
    cat.orange_response_minutes, cat.orange_completion_minutes = times
    cat.active = active
    session.flush()
    return cat
