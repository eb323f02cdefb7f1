"""Overdue improvement items: notify the owner and the unit's head, then escalate.

Like the work orders' deadlines: when an open item passes its due time, its owner and the
head of its unit (the station's chief, the street's head, the district's director) are told
(level 1); when it is still open ``ESCALATE_AFTER`` later, the head of the unit above is told
as well (level 2). Each level is claimed with a conditional UPDATE (``escalation_level`` below
it), so however often and however concurrently the sweep runs, each notice goes out once.
Moving an item's due date resets its level (``service.assign``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.audit import service as audit
from jingwu.evaluation.catalogue import default_catalogue
from jingwu.evaluation.checks.periods import local_date
from jingwu.evaluation.improvement.models import PdcaItem
from jingwu.evaluation.improvement.service import HEAD_ROLE
from jingwu.notifications import service as notifications
from jingwu.org.models import Unit

ESCALATE_AFTER = dt.timedelta(days=7)
BATCH = 500
OVERDUE = "Improvement item “{what}” of {unit} is overdue: it was due on {due}."
ESCALATED = (
    "Improvement item “{what}” of {unit} is still open {days} days after its due date: "
    "escalated to you."
)


@dataclass
class OverdueRun:
    """What one sweep did."""

    overdue: int = 0
    escalated: int = 0
    notifications: int = 0


def _claim(session: Session, level: int, due_before: dt.datetime, limit: int) -> list[int]:
    wanted = (
        select(PdcaItem.id)
        .where(
            PdcaItem.done_at.is_(None),
            PdcaItem.due_at <= due_before,
            PdcaItem.escalation_level < level,
        )
        .order_by(PdcaItem.due_at, PdcaItem.id)
        .limit(limit)
    )
    ids = list(session.scalars(wanted))
    if not ids:
        return []
    return list(
        session.execute(
            update(PdcaItem)
            .where(PdcaItem.id.in_(ids), PdcaItem.escalation_level < level)
            .values(escalation_level=level)
            .returning(PdcaItem.id)
        ).scalars()
    )


def _heads(session: Session, unit_ids: set[int]) -> dict[int, list[int]]:
    """Active heads of each unit, by unit id."""
    out: dict[int, list[int]] = defaultdict(list)
    if not unit_ids:
        return out
    kinds = dict(session.execute(select(Unit.id, Unit.kind).where(Unit.id.in_(unit_ids))).all())
    for uid, unit_id, role in session.execute(
        select(User.id, User.unit_id, User.role)
        .where(User.unit_id.in_(unit_ids), User.active.is_(True))
        .order_by(User.id)
    ):
        if role == HEAD_ROLE.get(kinds.get(unit_id, ""), "chief"):
            out[unit_id].append(uid)
    return out


def _notify(
    session: Session, ids: list[int], *, escalate: bool, now: dt.datetime
) -> list[notifications.Message]:
    if not ids:
        return []
    items = list(session.scalars(select(PdcaItem).where(PdcaItem.id.in_(ids))))
    units = {
        u.id: u
        for u in session.scalars(select(Unit).where(Unit.id.in_({i.unit_id for i in items})))
    }
    parents = {u.id: u.parent_id for u in units.values() if u.parent_id is not None}
    heads = _heads(session, set(units) | set(parents.values()))
    names = {e.id: e for e in default_catalogue().improvement_items}
    messages = []
    for item in items:
        unit = units[item.unit_id]
        entry = names.get(item.item_key or "")
        users = [*([item.owner_id] if item.owner_id else []), *heads.get(unit.id, [])]
        if escalate and unit.id in parents:
            users += heads.get(parents[unit.id], [])
        params = {
            "what": entry.name_zh if entry else item.title,
            "what_en": entry.name_en if entry else item.title,
            "unit": unit.short_code,
            "due": local_date(item.due_at - dt.timedelta(microseconds=1)).isoformat(),
            "days": (now - item.due_at).days,
        }
        kind, message = (
            ("eval.pdca_escalated", ESCALATED) if escalate else ("eval.pdca_overdue", OVERDUE)
        )
        link = f"/evaluation/pdca/items/{item.id}"
        messages += [
            notifications.Message(u, kind, message, params, link) for u in dict.fromkeys(users)
        ]
    return messages


def sweep(session: Session, *, now: dt.datetime, limit: int = BATCH) -> OverdueRun:
    """Claim and notify the items that reached a level since the last sweep (idempotent)."""
    run = OverdueRun()
    escalated = _claim(session, 2, now - ESCALATE_AFTER, limit)
    overdue = _claim(session, 1, now, limit)
    messages = _notify(session, escalated, escalate=True, now=now)
    messages += _notify(session, overdue, escalate=False, now=now)
    run.overdue, run.escalated = len(overdue), len(escalated)
    run.notifications = notifications.notify_many(session, messages, now=now)
    if escalated or overdue:
        # the conditional updates bypass the ORM's write audit: one summary event
        audit.record(
            session,
            principal=None,
            action="evaluation.pdca_overdue",
            object_type="eval_pdca_items",
            detail={"overdue": run.overdue, "escalated": run.escalated},
            now=now,
        )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, PdcaItem) and obj.id in {*escalated, *overdue}:
            session.expire(obj)
    return run
