"""The case library: closed work orders and finished mediations, de-identified and tagged.

Promoting copies an order's description and closure (or a mediation's subject, minutes and
agreement) through :func:`deidentify.deidentify`, naming the people and the address the
records hold, so the library keeps what happened and how it was handled, never who or
where. Each case is tagged (the category's name, plus the promoter's tags), searchable by
text and tag, and counted by the month it was promoted in, against the guide's ≥ 50 a month.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.errors import Conflict, Invalid, NotFound
from jingwu.evaluation.checks.periods import local_month
from jingwu.evaluation.improvement.deidentify import deidentify
from jingwu.evaluation.improvement.models import Case
from jingwu.org.models import Unit
from jingwu.workorders.catalogue import DEFAULT_CATALOGUE
from jingwu.workorders.models import WorkOrder
from jingwu.workorders.models_cases import Mediation, MediationParty, MediationSession
from jingwu.workorders.service_core import get_order

MONTHLY_TARGET = 50
SOURCES = ("order", "mediation")
MAX_TAGS, MAX_TAG = 8, 20
_SPLIT = re.compile(r"[,，、;；\s|]+")


def parse_tags(text: str) -> list[str]:
    """Tags from a comma- or space-separated text: trimmed, unique, at most 8 of 20 chars."""
    tags = list(dict.fromkeys(t for t in _SPLIT.split(text or "") if t))
    if len(tags) > MAX_TAGS or any(len(t) > MAX_TAG for t in tags):
        raise Invalid(
            "At most 8 tags of up to 20 characters each.", fields={"tags": "8 × 20 characters"}
        )
    return tags


def category_name(code: str) -> str:
    """The Chinese name of a work-order category (the code when unknown)."""
    return DEFAULT_CATALOGUE.get(code).zh if code in DEFAULT_CATALOGUE else code


def _order_source(order: WorkOrder) -> tuple[str, list[str]]:
    if order.state != "closed":
        raise Conflict(
            "Only a closed work order becomes a case; {code} is not closed.",
            params={"code": order.code},
            code="wrong_state",
        )
    summary = str((order.closure or {}).get("summary") or "")
    text = order.description + (f"\n处置结果：{summary}" if summary else "")
    return text, [order.reporter_name or ""]


def _mediation_source(session: Session, order: WorkOrder) -> tuple[str, list[str]]:
    row = session.scalar(select(Mediation).where(Mediation.order_id == order.id))
    if row is None:
        raise Conflict(
            "{code} has no mediation; promote the order itself.",
            params={"code": order.code},
            code="wrong_state",
        )
    if row.status not in ("agreed", "failed") or row.ended_at is None:
        raise Conflict(
            "Only a finished mediation becomes a case; the mediation of {code} is not.",
            params={"code": order.code},
            code="wrong_state",
        )
    parties = list(
        session.scalars(select(MediationParty).where(MediationParty.mediation_id == row.id))
    )
    minutes = session.scalars(
        select(MediationSession.minutes)
        .where(MediationSession.mediation_id == row.id)
        .order_by(MediationSession.held_at)
    )
    parts = [row.subject, *minutes, f"调解结果：{row.agreement_text}" if row.agreement_text else ""]
    names = [p.name for p in parties] + [row.mediator_name, order.reporter_name or ""]
    return "\n".join(p for p in parts if p), names


def promote(
    session: Session,
    principal: Principal,
    *,
    source: str,
    code: str,
    tags: str = "",
    now: dt.datetime,
) -> Case:
    """Put a closed order (or its finished mediation) into the library, de-identified."""
    principal.require("evaluation.pdca")
    if source not in SOURCES:
        raise Invalid(
            "Choose a work order or a mediation.", fields={"source": "order or mediation"}
        )
    chosen = parse_tags(tags)
    order = get_order(session, principal, code=code)
    if source == "order":
        text, names = _order_source(order)
    else:
        text, names = _mediation_source(session, order)
    if not text.strip():
        raise Invalid("The record holds no text to keep.", fields={"code": "no text"})
    clean = deidentify(text, names=names, addresses=[order.address])
    category = category_name(order.category)
    unit = session.get(Unit, order.unit_id)
    assert unit is not None
    month = local_month(now)
    first_line = clean.strip().splitlines()[0]
    for _ in range(3):  # a case numbered at the same moment takes the next number
        seq = 1 + (
            session.scalar(
                select(func.max(Case.seq)).where(Case.unit_id == unit.id, Case.month == month)
            )
            or 0
        )
        row = Case(
            code=f"{unit.short_code}-AL{month.replace('-', '')}{seq:03d}",
            unit_id=unit.id,
            source_kind=source,
            source_code=order.code,
            category=order.category,
            title=f"{category}：{first_line[:60]}"[:200],
            text=clean,
            tags="|" + "".join(f"{t}|" for t in dict.fromkeys([category, *chosen])),
            month=month,
            seq=seq,
            promoted_at=now,
            promoted_by_id=principal.user_id,
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
            return row
        except IntegrityError:
            if _promoted(session, source, order.code):
                break
    raise Conflict(
        "{code} is in the case library already.", params={"code": order.code}, code="exists"
    )


def _promoted(session: Session, source: str, code: str) -> bool:
    found = session.scalar(
        select(Case.id).where(Case.source_kind == source, Case.source_code == code)
    )
    return found is not None


def tags_of(case: Case) -> list[str]:
    """A case's tags in order."""
    return [t for t in case.tags.split("|") if t]


def get_case(session: Session, principal: Principal, code: str) -> Case:
    """A case in scope, or NotFound."""
    row = session.scalar(scoped(select(Case), principal, Case.unit_id).where(Case.code == code))
    if row is None:
        raise NotFound("No case {code}.", params={"code": code})
    return row


def search(
    session: Session,
    principal: Principal,
    *,
    q: str = "",
    tag: str = "",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[Case], int]:
    """Cases in scope matching the text (title or body) and the tag, newest first; the total."""
    stmt = scoped(select(Case), principal, Case.unit_id)
    for word in _SPLIT.split(q.strip())[:5]:
        if word:
            stmt = stmt.where(
                or_(
                    Case.title.contains(word, autoescape=True),
                    Case.text.contains(word, autoescape=True),
                )
            )
    if tag.strip():
        stmt = stmt.where(Case.tags.contains(f"|{tag.strip()}|", autoescape=True))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Case.promoted_at.desc(), Case.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), int(total)


def top_tags(session: Session, principal: Principal, *, limit: int = 24) -> list[tuple[str, int]]:
    """The most used tags of the latest 2,000 cases in scope."""
    stmt = scoped(select(Case.tags), principal, Case.unit_id).order_by(Case.id.desc()).limit(2000)
    counts = Counter(t for tags in session.scalars(stmt) for t in tags.split("|") if t)
    return counts.most_common(limit)


@dataclass(frozen=True)
class MonthCount:
    """New cases of a month against the target."""

    month: str
    count: int
    met: bool


def monthly(session: Session, principal: Principal, *, year: int) -> list[MonthCount]:
    """New cases in scope in each month of the year, against ≥ 50."""
    rows = dict(
        session.execute(
            scoped(select(Case.month, func.count()), principal, Case.unit_id)
            .where(Case.month.startswith(f"{year}-"))
            .group_by(Case.month)
        ).all()
    )
    months = [f"{year}-{m:02d}" for m in range(1, 13)]
    return [
        MonthCount(m, int(rows.get(m, 0)), int(rows.get(m, 0)) >= MONTHLY_TARGET) for m in months
    ]
