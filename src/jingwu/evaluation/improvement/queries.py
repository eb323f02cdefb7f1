"""Read models of the improvement lists: a unit's board for a quarter, an item in detail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jingwu.accounts.models import User
from jingwu.accounts.scope import Principal, scoped
from jingwu.evaluation.catalogue import default_catalogue
from jingwu.evaluation.checks.periods import local_date
from jingwu.evaluation.improvement.models import PdcaEvidence, PdcaItem, PdcaList, PdcaMove
from jingwu.evaluation.improvement.service import get_item, get_list
from jingwu.evaluation.pdca import Completion, Stage, Supervision, completion, supervise
from jingwu.org.models import Unit


@dataclass(frozen=True)
class ItemView:
    """An item with its name, owner, evidence count and supervision colour at ``now``."""

    item: PdcaItem
    name_zh: str
    name_en: str
    target_zh: str
    target_en: str
    owner: str
    owner_username: str
    evidence: int
    status: Supervision
    due_day: dt.date  # the local day it is due by (its due time is that day's end)


@dataclass(frozen=True)
class Board:
    """A unit's list for a quarter (None when not opened yet) and its completion rate."""

    unit: Unit
    quarter: str
    row: PdcaList | None
    items: list[ItemView]
    completion: Completion
    colours: dict[str, int]


def status_of(item: PdcaItem, now: dt.datetime) -> Supervision:
    """The supervision colour of an item at ``now`` (from its dates, by :mod:`pdca`)."""
    return supervise(
        start=item.start_at,
        due=item.due_at,
        stage=Stage(item.stage),
        done_at=item.done_at,
        now=now,
    )


def _views(session: Session, items: list[PdcaItem], now: dt.datetime) -> list[ItemView]:
    names = {i.id: i for i in default_catalogue().improvement_items}
    owners = {
        uid: (name, username)
        for uid, name, username in session.execute(
            select(User.id, User.display_name, User.username).where(
                User.id.in_({i.owner_id for i in items if i.owner_id is not None})
            )
        )
    }
    counts = dict(
        session.execute(
            select(PdcaEvidence.item_id, func.count())
            .where(PdcaEvidence.item_id.in_([i.id for i in items]))
            .group_by(PdcaEvidence.item_id)
        ).all()
    )
    out = []
    for item in items:
        entry = names.get(item.item_key or "")
        owner = owners.get(item.owner_id or 0, ("", ""))
        out.append(
            ItemView(
                item=item,
                name_zh=entry.name_zh if entry else item.title,
                name_en=entry.name_en if entry else item.title,
                target_zh=entry.target_zh if entry else "",
                target_en=entry.target_en if entry else "",
                owner=owner[0],
                owner_username=owner[1],
                evidence=int(counts.get(item.id, 0)),
                status=status_of(item, now),
                due_day=local_date(item.due_at - dt.timedelta(microseconds=1)),
            )
        )
    return out


def board(
    session: Session, principal: Principal, *, unit: Unit, quarter: str, now: dt.datetime
) -> Board:
    """The unit's list for the quarter with colours and the completion rate at ``now``."""
    row = get_list(session, principal, unit=unit, quarter=quarter)
    items: list[PdcaItem] = []
    if row is not None:
        items = list(
            session.scalars(
                select(PdcaItem)
                .where(PdcaItem.list_id == row.id)
                .order_by(PdcaItem.kind, PdcaItem.id)
            )
        )
    views = _views(session, items, now)
    colours = {"green": 0, "yellow": 0, "red": 0}
    for v in views:
        colours[v.status.colour.value] += 1
    rate = completion(((i.due_at, i.done_at) for i in items), now=now)
    return Board(unit, quarter, row, views, rate, colours)


@dataclass(frozen=True)
class MoveView:
    """A recorded stage move and who made it."""

    move: PdcaMove
    by: str


@dataclass(frozen=True)
class ItemDetail:
    """An item, its unit and quarter, its moves and its evidence files."""

    view: ItemView
    unit: Unit
    quarter: str
    moves: list[MoveView]
    evidence: list[PdcaEvidence]


def item_detail(
    session: Session, principal: Principal, *, item_id: int, now: dt.datetime
) -> ItemDetail:
    """An item in scope with its history and evidence."""
    item = get_item(session, principal, item_id)
    unit = session.get(Unit, item.unit_id)
    row = session.get(PdcaList, item.list_id)
    assert unit is not None and row is not None
    moves = [
        MoveView(m, name or "")
        for m, name in session.execute(
            select(PdcaMove, User.display_name)
            .outerjoin(User, User.id == PdcaMove.by_id)
            .where(PdcaMove.item_id == item.id)
            .order_by(PdcaMove.at, PdcaMove.id)
        )
    ]
    evidence = list(
        session.scalars(
            select(PdcaEvidence)
            .where(PdcaEvidence.item_id == item.id)
            .order_by(PdcaEvidence.added_at, PdcaEvidence.id)
        )
    )
    return ItemDetail(_views(session, [item], now)[0], unit, row.quarter, moves, evidence)


def board_units(session: Session, principal: Principal) -> list[Unit]:
    """The units in scope a list may be kept for, district first, then by code."""
    order = {"district": 0, "street": 1, "community": 2}
    units = list(session.scalars(scoped(select(Unit), principal, Unit.id)))
    return sorted(units, key=lambda u: (order.get(u.kind, 3), u.short_code))


def unit_members(session: Session, unit: Unit) -> list[User]:
    """The active users of a unit (the possible owners of its items)."""
    return list(
        session.scalars(
            select(User)
            .where(User.unit_id == unit.id, User.active.is_(True))
            .order_by(User.username)
        )
    )


@dataclass(frozen=True)
class OpenRectification:
    """A rectification not finished yet: its unit, title, source and the day it is due."""

    item_id: int
    unit_id: int
    title: str
    source_ref: str | None
    stage: str
    opened_on: dt.date
    due_day: dt.date
    overdue: bool


def open_rectifications(
    session: Session,
    principal: Principal,
    *,
    now: dt.datetime,
    unit_ids: Collection[int] | None = None,
) -> list[OpenRectification]:
    """Rectification items of units in scope (of ``unit_ids`` only, when given) that are not
    done, whoever opened them (a spot check, a scorecard's failed requirement), by due day."""
    stmt = scoped(select(PdcaItem), principal, PdcaItem.unit_id).where(
        PdcaItem.kind == "rectification", PdcaItem.done_at.is_(None)
    )
    if unit_ids is not None:
        stmt = stmt.where(PdcaItem.unit_id.in_(list(unit_ids)))
    return [
        OpenRectification(
            item_id=i.id,
            unit_id=i.unit_id,
            title=i.title,
            source_ref=i.source_ref,
            stage=i.stage,
            opened_on=local_date(i.start_at),
            due_day=local_date(i.due_at - dt.timedelta(microseconds=1)),
            overdue=i.due_at < now,
        )
        for i in session.scalars(stmt.order_by(PdcaItem.due_at, PdcaItem.id))
    ]
