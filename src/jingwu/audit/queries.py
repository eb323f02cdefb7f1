"""Reading the audit log (inspectors, directors, administrators), scoped like everything else.

Filters: a local date range, the actor (user name or part of the display name), a unit (and
the units below it), the kind of record and a record's code or user name, and the action.
Entries are shown in words (:mod:`jingwu.audit.labels`) with names instead of ids
(:mod:`jingwu.audit.names`); the CSV export streams the same rows with the same filters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.accounts.roles import label as role_label
from jingwu.accounts.scope import Principal, in_scope, scoped, subtree, top_level, unit_in_scope
from jingwu.audit import labels
from jingwu.audit.models import AuditEntry
from jingwu.audit.names import audited_types, matching, names_of, types_for
from jingwu.db import Database
from jingwu.errors import Invalid
from jingwu.org.models import Unit

PAGE = 100
EXPORT_BATCH = 1000
Gettext = Callable[[str], str]


@dataclass(frozen=True)
class AuditFilter:
    """What the reader asked for; empty fields filter nothing."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor: str = ""
    unit: str = ""  # a unit's short code: it and the units below it
    object_type: str = ""
    object: str = ""  # a code, short code or user name
    action: str = ""  # an action id, or "*.create" / "*.update" / "*.delete"

    @classmethod
    def parse(
        cls,
        *,
        date_from: str = "",
        date_to: str = "",
        actor: str = "",
        unit: str = "",
        object_type: str = "",
        object: str = "",
        action: str = "",
    ) -> AuditFilter:
        """From query-string values; a malformed date is Invalid naming its field."""
        return cls(
            _date("date_from", date_from),
            _date("date_to", date_to),
            actor.strip(),
            unit.strip(),
            object_type.strip(),
            object.strip(),
            action.strip(),
        )

    def query(self) -> dict[str, str]:
        """The filter as query-string values (for links to the next page and the export)."""
        out = {k: "" if v is None else str(v) for k, v in dataclasses.asdict(self).items()}
        return {k: v for k, v in out.items() if v}


def _date(field: str, text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        raise Invalid("Dates are written like 2026-12-01.", fields={field: "not a date"}) from None


def _scope(principal: Principal) -> ColumnElement[bool]:
    """Unit-less events (sign-ins, denials) are visible from a top-level unit only."""
    principal.require("audit.view")
    scope = in_scope(principal, AuditEntry.unit_id)
    return or_(scope, AuditEntry.unit_id.is_(None)) if top_level(principal) else scope


def _unit(session: Session, principal: Principal, code: str) -> Unit:
    unit = unit_in_scope(session, principal, code)
    if unit is None:
        raise Invalid(
            "No unit {code} in your area.", params={"code": code}, fields={"unit": "unknown unit"}
        )
    return unit


def _local_midnight(day: dt.date, tz: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=tz)


def conditions(
    session: Session, principal: Principal, f: AuditFilter, *, tz: dt.tzinfo
) -> list[ColumnElement[bool]]:
    """The WHERE clauses of the filter within the principal's scope (Invalid on a bad one)."""
    where = [_scope(principal)]
    if f.date_from:
        where.append(AuditEntry.at >= _local_midnight(f.date_from, tz))
    if f.date_to:
        where.append(AuditEntry.at < _local_midnight(f.date_to + dt.timedelta(days=1), tz))
    if f.actor:
        named = select(User.id).where(
            or_(User.username == f.actor, User.display_name.contains(f.actor, autoescape=True))
        )
        where.append(or_(AuditEntry.actor == f.actor, AuditEntry.actor_id.in_(named)))
    if f.unit:
        where.append(AuditEntry.unit_id.in_(subtree(_unit(session, principal, f.unit))))
    if f.object_type:
        where.append(AuditEntry.object_type.in_(types_for(f.object_type)))
    if f.object:
        where.append(matching(session, f.object))
    if f.action.startswith("*."):
        where.append(AuditEntry.action.endswith(f.action[1:], autoescape=True))
    elif f.action:
        where.append(AuditEntry.action == f.action)
    return where


def _select(where: list[ColumnElement[bool]], before_id: int | None, limit: int) -> Select[Any]:
    stmt = select(AuditEntry).where(*where, true())
    if before_id is not None:
        stmt = stmt.where(AuditEntry.id < before_id)
    return stmt.order_by(AuditEntry.id.desc()).limit(limit)


def entries(
    session: Session,
    principal: Principal,
    f: AuditFilter | None = None,
    *,
    tz: dt.tzinfo = dt.UTC,
    before_id: int | None = None,
    limit: int = PAGE,
) -> list[AuditEntry]:
    """Newest first, within the scope and the filter."""
    where = conditions(session, principal, f or AuditFilter(), tz=tz)
    return list(session.scalars(_select(where, before_id, min(limit, 500))))


@dataclass(frozen=True)
class AuditRow:
    """One entry as a reader sees it."""

    entry: AuditEntry
    actor: str  # "display name (user name)", or the stored actor
    role: str
    action: str
    object_kind: str
    object_name: str  # the record's code or name; its id when it has none
    unit: str
    outcome: str
    detail: str
    detail_parts: list[tuple[str, list[labels.Piece]]]


def rows_of(
    session: Session, found: list[AuditEntry], gettext: Gettext, language: str
) -> list[AuditRow]:
    """The entries in words, with names instead of ids (a few queries for the whole page)."""
    names = names_of(session, {(e.object_type, e.object_id) for e in found})
    users = {e.actor_id for e in found if e.actor_id is not None}
    people = dict(
        session.execute(select(User.id, User.display_name).where(User.id.in_(users))).all()
    )
    unit_ids = {e.unit_id for e in found if e.unit_id is not None}
    units = {
        uid: f"{name}（{code}）"
        for uid, name, code in session.execute(
            select(Unit.id, Unit.name, Unit.short_code).where(Unit.id.in_(unit_ids))
        )
    }
    out = []
    for e in found:
        person = people.get(e.actor_id) if e.actor_id is not None else None
        actor = f"{person}（{e.actor}）" if person else (e.actor or gettext("System"))
        out.append(
            AuditRow(
                entry=e,
                actor=actor,
                role=gettext(role_label(e.actor_role)) if e.actor_role else "",
                action=labels.action_label(e.action, gettext),
                object_kind=labels.object_label(e.object_type, gettext) if e.object_type else "",
                object_name=names.get((e.object_type, e.object_id), e.object_id),
                unit=units.get(e.unit_id, "") if e.unit_id is not None else "",
                outcome=labels.outcome_label(e.outcome, gettext),
                detail=labels.detail_text(e.detail, gettext, e.action),
                detail_parts=labels.detail_parts(e.detail, gettext, e.action),
            )
        )
    return out


@dataclass(frozen=True)
class AuditPage:
    """One page of the log with the filter's choices."""

    rows: list[AuditRow]
    next_before: int | None
    units: list[tuple[str, str]]  # (short code, "name (code)") in scope
    types: list[tuple[str, str]]  # (object type, label)
    actions: list[tuple[str, str]]  # (action filter value, label)


def page(
    session: Session,
    principal: Principal,
    f: AuditFilter,
    *,
    tz: dt.tzinfo,
    gettext: Gettext,
    language: str,
    before_id: int | None = None,
) -> AuditPage:
    """A page of entries in words, newest first, and the choices of the filter form."""
    found = entries(session, principal, f, tz=tz, before_id=before_id)
    units = session.execute(
        scoped(select(Unit.short_code, Unit.name), principal, Unit.id).order_by(Unit.path)
    ).all()
    types = sorted(
        ((t, labels.object_label(t, gettext)) for t in audited_types()), key=lambda c: c[1]
    )
    return AuditPage(
        rows=rows_of(session, found, gettext, language),
        next_before=found[-1].id if len(found) == PAGE else None,
        units=[(code, f"{name}（{code}）") for code, name in units],
        types=types,
        actions=labels.action_choices(gettext),
    )


CSV_HEADER = (
    "Time",
    "Actor",
    "Role",
    "Action",
    "Action code",
    "Record",
    "Name",
    "Unit",
    "Outcome",
    "Address",
    "Detail",
)


def _csv_row(r: AuditRow, tz: dt.tzinfo) -> list[str]:
    e = r.entry
    at = e.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    return [
        at,
        r.actor,
        r.role,
        r.action,
        e.action,
        r.object_kind,
        r.object_name,
        r.unit,
        r.outcome,
        e.ip,
        r.detail,
    ]


def export_rows(
    db: Database,
    where: list[ColumnElement[bool]],
    *,
    gettext: Gettext,
    language: str,
    tz: dt.tzinfo,
) -> Iterator[list[str]]:
    """The header, then every entry matching ``where`` (from :func:`conditions`), newest
    first, read in batches in one read-only transaction."""
    yield [gettext(h) for h in CSV_HEADER]
    before: int | None = None
    with db.unit_of_work(write=False) as session:
        while True:
            batch = list(session.scalars(_select(where, before, EXPORT_BATCH)))
            for r in rows_of(session, batch, gettext, language):
                yield _csv_row(r, tz)
            if len(batch) < EXPORT_BATCH:
                return
            before = batch[-1].id
            session.expunge_all()
