"""The expert panel (EVAL-5): experts in the guide's 8 fields and their reviews of units.

The fields are the catalogue's (``expert_fields``: law, psychology, urban planning, …). An
expert belongs to the panel of a district (or street) and reviews its units: a score from
0 to 100 and the text of the review. Experts' names are personal data, encrypted at rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jingwu.accounts.scope import Principal, scoped
from jingwu.errors import Conflict, Invalid, NotFound
from jingwu.evaluation.catalogue import default_catalogue
from jingwu.evaluation.checks import pools
from jingwu.evaluation.checks.models import Expert, ExpertReview
from jingwu.evaluation.checks.periods import local_date
from jingwu.evaluation.measures import ExpertField
from jingwu.org.models import Unit

MAX_NAME = 64
MAX_AFFILIATION = 120
MIN_TEXT, MAX_TEXT = 10, 4000


def fields() -> tuple[ExpertField, ...]:
    """The panel's fields, from the catalogue."""
    return default_catalogue().expert_fields


def _field(field: str) -> ExpertField:
    for known in fields():
        if known.id == field:
            return known
    raise Invalid("Unknown field {field}.", params={"field": field}, fields={"field": "unknown"})


def add_expert(
    session: Session,
    principal: Principal,
    *,
    unit: str,
    name: str,
    field: str,
    affiliation: str = "",
    now: dt.datetime,
) -> Expert:
    """Add an expert to a unit's panel."""
    principal.require("evaluation.inspect")
    where = pools.unit_in_scope(session, principal, unit, field="unit")
    _field(field)
    if not name.strip() or len(name.strip()) > MAX_NAME:
        raise Invalid("Give the expert's name.", fields={"name": "required"})
    if len(affiliation) > MAX_AFFILIATION:
        raise Invalid("The affiliation is too long.", fields={"affiliation": "too long"})
    count = session.scalar(select(func.count()).select_from(Expert)) or 0
    expert = Expert(
        code=f"{where.short_code}-EX{count + 1:03d}",
        unit_id=where.id,
        name=name.strip(),
        affiliation=affiliation.strip(),
        field=field,
        active=True,
        added_at=now,
    )
    try:
        with session.begin_nested():
            session.add(expert)
            session.flush()
    except IntegrityError:
        raise Conflict("Another expert was added at the same moment; try again.") from None
    return expert


def get_expert(session: Session, principal: Principal, *, code: str) -> Expert:
    """The expert ``code`` of a panel in scope, else NotFound."""
    expert = session.scalar(
        scoped(select(Expert), principal, Expert.unit_id).where(Expert.code == code.strip())
    )
    if expert is None:
        raise NotFound("No expert {code}.", params={"code": code})
    return expert


def add_review(
    session: Session,
    principal: Principal,
    *,
    expert: str,
    unit: str,
    reviewed_on: dt.date,
    score: float,
    text: str,
    now: dt.datetime,
) -> ExpertReview:
    """Record an expert's review of a unit in scope (in the expert's field)."""
    principal.require("evaluation.inspect")
    who = get_expert(session, principal, code=expert)
    where = pools.unit_in_scope(session, principal, unit, field="unit")
    if not 0 <= score <= 100:
        raise Invalid("A score lies between 0 and 100.", fields={"score": "0-100"})
    if reviewed_on > local_date(now):
        raise Invalid("A review cannot lie in the future.", fields={"reviewed_on": "future"})
    if not MIN_TEXT <= len(text.strip()) <= MAX_TEXT:
        raise Invalid(
            "A review has {low} to {high} characters.",
            params={"low": MIN_TEXT, "high": MAX_TEXT},
            fields={"text": "length"},
        )
    review = ExpertReview(
        expert_id=who.id,
        field=who.field,
        unit_id=where.id,
        reviewed_on=reviewed_on,
        score=float(score),
        text=text.strip(),
        entered_at=now,
        entered_by_id=principal.user_id,
    )
    session.add(review)
    session.flush()
    return review


@dataclass(frozen=True)
class FieldLine:
    """A field of the panel: its experts, their reviews this year and the mean score."""

    field: ExpertField
    experts: list[Expert]
    reviews: int
    mean: float | None


@dataclass(frozen=True)
class Panel:
    """The panel in scope, field by field, and the year's latest reviews."""

    year: int
    lines: list[FieldLine]
    latest: list[tuple[ExpertReview, Expert, Unit]]

    @property
    def fields_covered(self) -> int:
        """How many of the 8 fields have at least one expert."""
        return sum(bool(line.experts) for line in self.lines)


def panel(session: Session, principal: Principal, *, year: int, limit: int = 30) -> Panel:
    """The experts of panels in scope and their reviews of units in scope in ``year``."""
    experts = list(
        session.scalars(scoped(select(Expert), principal, Expert.unit_id).order_by(Expert.code))
    )
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    reviews = session.execute(
        scoped(select(ExpertReview, Expert, Unit), principal, ExpertReview.unit_id)
        .join(Expert, Expert.id == ExpertReview.expert_id)
        .join(Unit, Unit.id == ExpertReview.unit_id)
        .where(ExpertReview.reviewed_on >= start, ExpertReview.reviewed_on <= end)
        .order_by(ExpertReview.reviewed_on.desc(), ExpertReview.id.desc())
    ).all()
    lines = []
    for known in fields():
        scores = [r.score for r, _, _ in reviews if r.field == known.id]
        lines.append(
            FieldLine(
                known,
                [e for e in experts if e.field == known.id],
                len(scores),
                sum(scores) / len(scores) if scores else None,
            )
        )
    return Panel(year, lines, [(r, e, u) for r, e, u in reviews[:limit]])
